export { DryRunPanel } from "./dry-run-panel";
export { ProblemsPanel } from "./problems-panel";
export { VersionsPanel } from "./versions-panel";
export { DRY_RUN_LIMIT, useDryRun } from "./use-dry-run";
