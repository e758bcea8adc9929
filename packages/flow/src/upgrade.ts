import { FlowSchema, type Flow } from "./schema";

export const CURRENT_SCHEMA_VERSION = 1;

export class FlowUpgradeError extends Error {
  override name = "FlowUpgradeError";
}

type JsonObject = Record<string, unknown>;

/** The document after all upgrades: in the current version's shape, but not yet validated. */
export type UpgradedFlowDocument = JsonObject & { schemaVersion: typeof CURRENT_SCHEMA_VERSION };

/**
 * `upgrades[n]` turns a version-n document into a version-(n+1) one. Each step builds new objects:
 * the caller's document is never changed. Add a step here whenever `FlowSchema` changes shape.
 */
export const upgrades: Readonly<Record<number, (doc: JsonObject) => JsonObject>> = {
  // Version 0, the pre-release shape: no `schemaVersion`, `settings` possibly missing, edges possibly without ports.
  0: (doc) => ({
    ...doc,
    schemaVersion: 1,
    settings: isObject(doc["settings"]) ? doc["settings"] : {},
    edges: Array.isArray(doc["edges"])
      ? doc["edges"].map((edge: unknown) =>
          isObject(edge) ? { ...edge, sourcePort: edge["sourcePort"] ?? "out", targetPort: edge["targetPort"] ?? "in" } : edge,
        )
      : doc["edges"],
  }),
};

/**
 * Brings a stored document of any known version to the current version. A document without
 * `schemaVersion` is version 0. Throws `FlowUpgradeError` when the document is not an object, its
 * version is not a whole number, or it comes from a newer Flowgate than this one.
 */
export function upgradeFlow(doc: unknown): UpgradedFlowDocument {
  if (!isObject(doc)) {
    throw new FlowUpgradeError("This is not a Flowgate flow: expected a JSON object with nodes and edges.");
  }
  const declared = doc["schemaVersion"] ?? 0;
  if (typeof declared !== "number" || !Number.isInteger(declared) || declared < 0) {
    throw new FlowUpgradeError(
      `This flow has the schema version “${String(declared)}”, which is not a version Flowgate ever wrote. The file may be damaged; export it again from Flowgate.`,
    );
  }
  if (declared > CURRENT_SCHEMA_VERSION) {
    throw new FlowUpgradeError(
      `This flow was saved by a newer Flowgate (flow format version ${declared}; this Flowgate reads up to version ${CURRENT_SCHEMA_VERSION}). Update Flowgate to open it.`,
    );
  }
  let current: JsonObject = doc;
  for (let version = declared; version < CURRENT_SCHEMA_VERSION; version++) {
    const step = upgrades[version];
    if (!step) throw new FlowUpgradeError(`Flowgate has no upgrade for flow format version ${version}.`);
    current = step(current);
  }
  return current as UpgradedFlowDocument;
}

/** Upgrade, then parse with `FlowSchema` (throws a `ZodError` if the result is not a well-formed flow). */
export function parseFlow(doc: unknown): Flow {
  return FlowSchema.parse(upgradeFlow(doc));
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
