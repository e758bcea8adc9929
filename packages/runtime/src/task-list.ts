import type { TaskList } from "graphile-worker";
import { RUN_FLOW_TASK } from "./enqueue";
import { createRunFlowTask, type RunFlowDeps } from "./tasks/run-flow";

export type RuntimeDeps = RunFlowDeps;

/** The worker's tasks; task names equal their file names under tasks/. */
export function createTaskList(deps: RuntimeDeps): TaskList {
  return {
    [RUN_FLOW_TASK]: createRunFlowTask(deps),
  };
}
