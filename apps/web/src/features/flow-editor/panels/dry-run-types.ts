import type { DryRunView } from "../editor-store";

/** What a finished dry run saw (flows.dryRunResult's `result`). */
export type DryRunResult = NonNullable<DryRunView["result"]>;
export type DryRunRecordError = DryRunResult["errors"][number];
