import type { FlowRecord, NodeContext, NodeImplementation, RecordError } from "@flowgate/engine";
import { conditionFilterDefinition, type ConditionFilterConfig } from "./definition";
import { compileCondition, recordFailure, type CompiledCondition } from "./predicate";

/** Compiled once per run: a node's context lives exactly as long as its run. */
const compiledByRun = new WeakMap<NodeContext<ConditionFilterConfig>, CompiledCondition>();

function conditionOf(ctx: NodeContext<ConditionFilterConfig>): CompiledCondition {
  let condition = compiledByRun.get(ctx);
  if (!condition) {
    condition = compileCondition(ctx.config, ctx.expressions);
    compiledByRun.set(ctx, condition);
  }
  return condition;
}

/** Records that meet the condition go to `kept`, the others to `discarded`; they pass unchanged. */
export const conditionFilter: NodeImplementation<ConditionFilterConfig> = {
  definition: conditionFilterDefinition,

  async execute(ctx, batch) {
    const condition = conditionOf(ctx);
    const kept: FlowRecord[] = [];
    const discarded: FlowRecord[] = [];
    const errors: RecordError[] = [];
    const sync = condition.sync;
    for (let index = 0; index < batch.length; index++) {
      const record = batch[index]!;
      let passes: boolean;
      try {
        passes = sync ? sync(record) : await condition.test(record);
      } catch (error) {
        errors.push({ index, message: recordFailure(error, condition.description) });
        continue;
      }
      if (passes) kept.push(record);
      else discarded.push(record);
    }
    return errors.length > 0 ? { ports: { kept, discarded }, errors } : { ports: { kept, discarded } };
  },
};
