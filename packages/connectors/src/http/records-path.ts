/**
 * Splits a records path such as `data.items` or `result[0].rows` into its steps. `""` and `$` are
 * the document itself.
 */
export function parsePath(path: string | undefined): string[] {
  const text = (path ?? "").trim().replace(/^\$\.?/, "");
  if (text === "") return [];
  return text
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((step) => step !== "");
}

/** The value at a dot path, or undefined when a step is missing. */
export function getPath(value: unknown, path: string | readonly string[] | undefined): unknown {
  const steps = typeof path === "string" || path === undefined ? parsePath(path) : path;
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}
