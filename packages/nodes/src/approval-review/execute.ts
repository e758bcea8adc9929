import type { FlowRecord, HeldRecord, NodeContext, NodeImplementation, RecordError } from "@flowgate/engine";
import type { CompiledExpression } from "@flowgate/engine/expressions";
import { jsonataBoolean, recordFailure } from "../filter-condition/predicate";
import { approvalReviewDefinition, type ApprovalReviewConfig } from "./definition";

/** What a record sent on after a decision carries (added by the resume-approval task). */
export interface ApprovalMark {
  decision: "approved" | "rejected";
  /** The person's user id, or the rule or timeout that decided. */
  by?: string | null;
  at?: string;
}

/** What the rules see: the change a person would review. */
export interface ChangeView {
  op: HeldRecord["op"];
  key: string;
  before: FlowRecord | undefined;
  after: FlowRecord | undefined;
  changedFields: string[];
}

interface Rules {
  autoApprove: CompiledExpression | undefined;
  autoReject: CompiledExpression | undefined;
}

/** Compiled once per run: a node's context lives exactly as long as its run. */
const rulesByRun = new WeakMap<NodeContext<ApprovalReviewConfig>, Rules>();

function rulesOf(ctx: NodeContext<ApprovalReviewConfig>): Rules {
  let rules = rulesByRun.get(ctx);
  if (!rules) {
    const compile = (source: string | undefined, setting: string) => {
      if (source === undefined || source.trim() === "") return undefined;
      try {
        return ctx.expressions.compile(source);
      } catch (error) {
        throw new Error(`The setting “${setting}” is not a valid expression: ${error instanceof Error ? error.message : String(error)}. Correct it in the node's settings.`, { cause: error });
      }
    };
    rules = { autoApprove: compile(ctx.config.autoApprove, "Approve at once when"), autoReject: compile(ctx.config.autoReject, "Reject at once when") };
    rulesByRun.set(ctx, rules);
  }
  return rules;
}

/** Fields the engine and the nodes add to records: not part of the change a person reviews. */
const MARK_FIELDS = new Set(["_change", "_approval"]);

/**
 * Holds each change that reaches it for a person's decision, unless a rule decides it at once:
 * auto-reject (checked first) sends it to `rejected`, auto-approve to `approved`; both are reported
 * in `held` with the rule, so the change set shows them. A record the resume task sends back with
 * `_approval.decision` goes to that port, as it is.
 *
 * The change comes from transform.changes (`_change: { op, before, changedFields }`); a record
 * without it counts as an update of every field (the node cannot know what was there before).
 */
export const approvalReview: NodeImplementation<ApprovalReviewConfig> = {
  definition: approvalReviewDefinition,

  async execute(ctx, batch) {
    const rules = rulesOf(ctx);
    const approved: FlowRecord[] = [];
    const rejected: FlowRecord[] = [];
    const held: HeldRecord[] = [];
    const errors: RecordError[] = [];
    for (let index = 0; index < batch.length; index++) {
      const record = batch[index]!;
      const decision = decisionOf(record);
      if (decision) {
        (decision === "approved" ? approved : rejected).push(record);
        continue;
      }
      const change = changeOf(record);
      const key = keyOf(ctx, record, change);
      if (key.error !== undefined) {
        errors.push({ index, message: key.error });
        continue;
      }
      const view: ChangeView = { op: change.op, key: key.value, before: change.before, after: change.after, changedFields: change.changedFields };
      const item: HeldRecord = {
        index,
        key: key.value,
        op: view.op,
        ...(view.before !== undefined && { before: view.before }),
        ...(view.after !== undefined && { after: view.after }),
        changedFields: view.changedFields,
      };
      let verdict: "auto-approve" | "auto-reject" | undefined;
      try {
        if (rules.autoReject && (await holds(rules.autoReject, view))) verdict = "auto-reject";
        else if (rules.autoApprove && (await holds(rules.autoApprove, view))) verdict = "auto-approve";
      } catch (error) {
        errors.push({ index, key: key.value, message: recordFailure(error, "the approval rule") });
        continue;
      }
      if (verdict === "auto-reject") rejected.push(record);
      else if (verdict === "auto-approve") approved.push(record);
      held.push(verdict ? { ...item, decisionSource: verdict } : item);
    }
    return { ports: { approved, rejected }, held, ...(errors.length > 0 && { errors }) };
  },
};

async function holds(rule: CompiledExpression, view: ChangeView): Promise<boolean> {
  const input = view as unknown as FlowRecord;
  return jsonataBoolean(rule.evaluateSync ? rule.evaluateSync(input) : await rule.evaluate(input));
}

function decisionOf(record: FlowRecord): ApprovalMark["decision"] | undefined {
  const mark = record["_approval"];
  if (typeof mark !== "object" || mark === null) return undefined;
  const decision = (mark as { decision?: unknown }).decision;
  return decision === "approved" || decision === "rejected" ? decision : undefined;
}

function changeOf(record: FlowRecord): { op: HeldRecord["op"]; before: FlowRecord | undefined; after: FlowRecord | undefined; changedFields: string[]; key?: unknown } {
  const after: FlowRecord = {};
  for (const field in record) if (!MARK_FIELDS.has(field)) after[field] = record[field];
  const change = record["_change"];
  if (typeof change !== "object" || change === null) {
    return { op: "update", before: undefined, after, changedFields: Object.keys(after).filter((f) => !f.startsWith("_")) };
  }
  const { op, before, changedFields, key } = change as { op?: unknown; before?: unknown; changedFields?: unknown; key?: unknown };
  const kind: HeldRecord["op"] = op === "create" || op === "delete" || op === "deleted" ? (op === "deleted" ? "delete" : op) : "update";
  return {
    op: kind,
    before: typeof before === "object" && before !== null ? (before as FlowRecord) : undefined,
    // A deleted record's fields are its last known values, not what it becomes.
    after: kind === "delete" ? undefined : after,
    changedFields: Array.isArray(changedFields) ? changedFields.map(String) : [],
    key,
  };
}

function keyOf(ctx: NodeContext<ApprovalReviewConfig>, record: FlowRecord, change: { key?: unknown }): { value: string; error?: undefined } | { error: string } {
  const field = ctx.config.keyField;
  const value = field !== undefined ? record[field] : change.key;
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    return {
      error:
        field !== undefined
          ? `Node “${ctx.node.label}”: the record has no value in the key field “${field}”, so it cannot become an item to approve. Check that the field is filled, or choose another key field in the node's settings.`
          : `Node “${ctx.node.label}” cannot tell which record this is: set “Key field” in its settings (e.g. sku), the field that identifies a record.`,
    };
  }
  if (typeof value === "object") {
    return { error: `Node “${ctx.node.label}”: the key field “${field ?? "key"}” holds ${Array.isArray(value) ? "a list" : "an object"}, not a text or a number. Choose a field that identifies the record, such as its sku.` };
  }
  return { value: String(value) };
}
