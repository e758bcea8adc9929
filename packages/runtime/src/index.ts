export {
  addDryRunJob,
  addRunFlowJob,
  DRY_RUN_MAX_ATTEMPTS,
  DRY_RUN_TASK,
  enqueueResumeApproval,
  enqueueRun,
  RESUME_APPROVAL_MAX_ATTEMPTS,
  RESUME_APPROVAL_TASK,
  RUN_FLOW_MAX_ATTEMPTS,
  RUN_FLOW_TASK,
  type EnqueueRunInput,
} from "./enqueue";
export { createDryRunTask, DRY_RUN_SAMPLE_SIZE, DryRunPayloadSchema, type DryRunDeps, type DryRunPayload } from "./tasks/dry-run";
export { PostgresStatePort } from "./state";
export { batchClock, recordHash, summarizeCounts, writeCheckpoint, type BatchTiming, type CheckpointTarget } from "./checkpoint";
export { replayDeadLetters } from "./dead-letters";
export { recordRunEnded, recordRunEvent, runEndedEvent } from "./history";
export { announceRunEnd, raiseApprovalsWaitingAlerts, sendAlertNotices, type AlertNotice, type AlertNotifier } from "./alerts";
export { createRuntimeServices, postgresConnectionParts, type RuntimeServices, type RuntimeServicesOptions } from "./services";
export { createRunFlowTask, DEFAULT_HEARTBEAT_MS, RunFlowPayloadSchema, type RunFlowDeps, type RunFlowPayload } from "./tasks/run-flow";
export { createSweepRunsTask, sweepRuns, DEFAULT_STALE_AFTER_MS, SWEEP_RUNS_CRON, SWEEP_RUNS_TASK, type ReleasedRun, type SweepRunsOptions } from "./tasks/sweep-runs";
export { createTaskList, type RuntimeDeps } from "./task-list";
export { applyApprovalTimeouts, approvalNodesOf, writeHeldItems, type ApprovalNode } from "./approvals";
export { createResumeApprovalTask, RESUME_RETRY_MS, ResumeApprovalPayloadSchema, type ResumeApprovalPayload } from "./tasks/resume-approval";
export {
  createPruneHistoryTask,
  DEFAULT_RETENTION_DAYS,
  PRUNE_CHUNK_ROWS,
  PRUNE_HISTORY_CRON,
  PRUNE_HISTORY_TASK,
  pruneHistory,
  type PrunedCounts,
  type PruneHistoryOptions,
} from "./tasks/prune-history";
export { acquireRunSlot, DEFAULT_RUN_SLOT_RETRY_MS, type RunSlotRequest } from "./concurrency";
export { silentLog, type RuntimeLog } from "./log";
export { batchObserver, type BatchObservation, type RunMetrics } from "./metrics";
export { nextSlot, scheduleOf, syncSchedule, type FlowSchedule, type ScheduleExecutor } from "./schedules";
export {
  createScheduleTickTask,
  SCHEDULE_TICK_CRON_ITEM,
  SCHEDULE_TICK_PERIOD_MS,
  SCHEDULE_TICK_TASK,
  scheduleTick,
  type ScheduleTickDeps,
  type ScheduleTickResult,
} from "./tasks/schedule-tick";
