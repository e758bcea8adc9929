export { enqueueRun, RUN_FLOW_MAX_ATTEMPTS, RUN_FLOW_TASK, type EnqueueRunInput } from "./enqueue";
export { PostgresStatePort } from "./state";
export { summarizeCounts, writeCheckpoint, type CheckpointTarget } from "./checkpoint";
export { createRuntimeServices, type RuntimeServices, type RuntimeServicesOptions } from "./services";
export { createRunFlowTask, RunFlowPayloadSchema, type RunFlowDeps, type RunFlowPayload } from "./tasks/run-flow";
export { createTaskList, type RuntimeDeps } from "./task-list";
export { silentLog, type RuntimeLog } from "./log";
