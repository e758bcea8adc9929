import type { TaskList } from "graphile-worker";
import { DRY_RUN_TASK, RESUME_APPROVAL_TASK, RUN_FLOW_TASK } from "./enqueue";
import { createDryRunTask } from "./tasks/dry-run";
import { createPruneHistoryTask, PRUNE_HISTORY_TASK } from "./tasks/prune-history";
import { createResumeApprovalTask } from "./tasks/resume-approval";
import { createRunFlowTask, type RunFlowDeps } from "./tasks/run-flow";
import { createScheduleTickTask, SCHEDULE_TICK_TASK } from "./tasks/schedule-tick";
import { createSweepRunsTask, SWEEP_RUNS_TASK } from "./tasks/sweep-runs";

export type RuntimeDeps = RunFlowDeps;

/** The worker's tasks; task names equal their file names under tasks/. */
export function createTaskList(deps: RuntimeDeps): TaskList {
  return {
    [RUN_FLOW_TASK]: createRunFlowTask(deps),
    [RESUME_APPROVAL_TASK]: createResumeApprovalTask(deps),
    [DRY_RUN_TASK]: createDryRunTask(deps),
    [SCHEDULE_TICK_TASK]: createScheduleTickTask(deps),
    [SWEEP_RUNS_TASK]: createSweepRunsTask(deps),
    [PRUNE_HISTORY_TASK]: createPruneHistoryTask(deps),
  };
}
