import type { FlowProblem } from "@flowgate/flow";

/*
 * Reading and writing a node's config at a path, without changing the config given (the editor's
 * documents are immutable), and relating the validator's problems to the fields of the form.
 */

export type ConfigPath = readonly (string | number)[];

export function getAt(value: unknown, path: ConfigPath): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/**
 * A copy of `value` with `next` at `path`; `undefined` removes an object's key (an optional setting
 * left empty is absent, not ""). Missing objects on the way are created.
 */
export function setAt(value: unknown, path: ConfigPath, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof head === "number") {
    const list = Array.isArray(value) ? [...value] : [];
    list[head] = setAt(list[head], rest, next);
    return list;
  }
  const object: Record<string, unknown> = value !== null && typeof value === "object" && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  const child = setAt(object[head], rest, next);
  if (child === undefined) delete object[head];
  else object[head] = child;
  return object;
}

/** Where a node problem points inside the node's config, or null when it is about something else (label, ports…). */
export function configPathOf(path: readonly (string | number)[]): (string | number)[] | null {
  if (path[0] === "nodes") return path[2] === "config" ? path.slice(3) : null;
  return [...path];
}

export function startsWith(path: ConfigPath, prefix: ConfigPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

export function samePath(a: ConfigPath, b: ConfigPath): boolean {
  return a.length === b.length && startsWith(a, b);
}

export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

/** The node's problems that concern its config, with paths relative to the config. */
export function configProblemsOf(problems: readonly FlowProblem[] | undefined): ConfigProblem[] {
  return (problems ?? []).flatMap((problem) => {
    const path = problem.code === "invalid_config" ? configPathOf(problem.path) : null;
    return path ? [{ path, message: problem.message }] : [];
  });
}

/**
 * The validator's message made to sit under its field: "Node “Supplier”: the setting “url” is empty:
 * enter a path…. Open the node and correct this setting." → "URL is empty: enter a path…". The
 * field's label says where; the inspector is already open. A message of another shape is kept whole.
 */
export function fieldProblemText(message: string, title: string): string {
  const match = /^Node “.*?”: the settings?(?: “[^”]*”)?(:? )([\s\S]*?)\.?(?: Open the node and correct this setting\.)?$/.exec(message);
  if (!match) return message;
  const rest = match[2]!.trim();
  if (rest === "") return message;
  const first = rest.charAt(0);
  // A clause such as "is missing" continues the subject; a sentence of the kind's author stands alone.
  return first === first.toLowerCase() && first !== first.toUpperCase() ? `${title} ${rest}.` : `${rest}.`;
}
