/**
 * JSON with object keys sorted at every level (and undefined fields left out), so that the same
 * record always gives the same text: what change detection and lineage hash.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) text += `${i > 0 ? "," : ""}${value[i] === undefined ? "null" : canonicalJson(value[i])}`;
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  let text = "{";
  for (const key of Object.keys(object).sort()) {
    if (object[key] === undefined) continue;
    if (text.length > 1) text += ",";
    text += `${JSON.stringify(key)}:${canonicalJson(object[key])}`;
  }
  return `${text}}`;
}
