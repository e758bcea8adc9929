import type { RouterOutputs } from "@/lib/api-types";

export type TemplateSummary = RouterOutputs["templates"]["list"]["items"][number];
export type TemplateDetail = RouterOutputs["templates"]["get"];
export type TemplateParameter = TemplateDetail["parameters"][number];
export type TemplateCategory = TemplateSummary["category"];

export const TEMPLATE_CATEGORY_LABELS: Record<TemplateCategory, string> = {
  products: "Products and prices",
  orders: "Orders",
  files: "Files and feeds",
  databases: "Databases",
  other: "Other",
};
export const TEMPLATE_CATEGORY_ORDER: readonly TemplateCategory[] = ["products", "orders", "files", "databases", "other"];

/** Labels of the connection kinds a template can need (a kind this app does not know shows as it is). */
const CONNECTION_KIND_LABELS: Record<string, string> = { http: "HTTP API", postgres: "PostgreSQL" };

export function connectionKindLabel(kind: string): string {
  return CONNECTION_KIND_LABELS[kind] ?? kind;
}

export function usesText(uses: number): string {
  if (uses <= 0) return "Not used yet";
  if (uses === 1) return "Used once";
  return `Used ${uses.toLocaleString("en")} times`;
}

/**
 * The steps as a compact chain ("Schedule → HTTP API → PostgreSQL"): each kind by its label, a run of
 * the same kind once, and at most `max` steps with "+N more".
 */
export function kindChain(kinds: readonly string[], labelOf: (kind: string) => string | undefined, max = 5): string[] {
  const labels: string[] = [];
  for (const kind of kinds) {
    const label = labelOf(kind) ?? kind;
    if (labels[labels.length - 1] !== label) labels.push(label);
  }
  if (labels.length <= max) return labels;
  return [...labels.slice(0, max - 1), `+${labels.length - (max - 1)} more`];
}

export type ParameterValues = Record<string, string>;

export function initialParameterValues(parameters: readonly TemplateParameter[]): ParameterValues {
  return Object.fromEntries(parameters.map((p) => [p.key, p.default === null ? "" : String(p.default)]));
}

const MAX_PARAMETER_LENGTH = 2000;

/** A parameter's value as the install call takes it, or what is wrong with what was typed. */
export function readParameter(parameter: TemplateParameter, raw: string): { value: string | number | undefined } | { error: string } {
  const text = raw.trim();
  if (text === "") return parameter.required ? { error: `Fill in ${parameter.label}.` } : { value: undefined };
  if (text.length > MAX_PARAMETER_LENGTH) return { error: `Keep ${parameter.label} under ${MAX_PARAMETER_LENGTH.toLocaleString("en")} characters.` };
  switch (parameter.type) {
    case "number": {
      const number = Number(text);
      if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(number)) {
        return { error: `${parameter.label} should be a number, like 10 or 2.5 (with a dot, no spaces).` };
      }
      return { value: number };
    }
    case "url": {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return { error: `${parameter.label} should be a full address starting with https:// or http://.` };
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") return { error: `${parameter.label} should start with https:// or http://.` };
      return { value: text };
    }
    case "select": {
      const options = parameter.options ?? [];
      if (!options.some((option) => option.value === text)) return { error: `Choose one of the options for ${parameter.label}.` };
      return { value: text };
    }
    case "text":
      return { value: text };
  }
}

/** Every parameter read at once: the values to send, or an error per parameter key. */
export function readParameters(
  parameters: readonly TemplateParameter[],
  values: ParameterValues,
): { ok: true; values: Record<string, string | number> } | { ok: false; errors: Record<string, string> } {
  const out: Record<string, string | number> = {};
  const errors: Record<string, string> = {};
  for (const parameter of parameters) {
    const read = readParameter(parameter, values[parameter.key] ?? "");
    if ("error" in read) errors[parameter.key] = read.error;
    else if (read.value !== undefined) out[parameter.key] = read.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values: out };
}

export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 40;

/** "stock, prices ,Stock" → ["stock", "prices"]: trimmed, without repeats (case aside), or what is wrong. */
export function parseTags(text: string): { tags: string[] } | { error: string } {
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(",")) {
    const tag = part.trim();
    if (!tag || seen.has(tag.toLowerCase())) continue;
    if (tag.length > MAX_TAG_LENGTH) return { error: `The tag “${tag.slice(0, 20)}…” is too long: keep each tag under ${MAX_TAG_LENGTH} characters.` };
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  if (tags.length > MAX_TAGS) return { error: `Use at most ${MAX_TAGS} tags (there are ${tags.length}).` };
  return { tags };
}

/**
 * For each connection a template needs, the workspace's connections of that kind, and which one is
 * picked at first: the only one there is, else none (the person chooses).
 */
export function connectionChoices<C extends { id: string; kind: string; name: string }>(
  needed: readonly { ref: string; kind: string }[],
  available: readonly C[],
): Record<string, { options: C[]; initial: string }> {
  return Object.fromEntries(
    needed.map((need) => {
      const options = available.filter((connection) => connection.kind === need.kind);
      return [need.ref, { options, initial: options.length === 1 ? options[0]!.id : "" }];
    }),
  );
}
