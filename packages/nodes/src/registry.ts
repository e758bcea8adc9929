import { createImplementationRegistry } from "@flowgate/engine";
import { approvalReview } from "./approval-review/execute";
import { destinationFile } from "./destination-file/execute";
import { httpDestination } from "./destination-http/execute";
import { destinationPostgres } from "./destination-postgres/execute";
import { conditionFilter } from "./filter-condition/execute";
import { routeFilter } from "./filter-route/execute";
import { sourceFile } from "./source-file/execute";
import { httpSource } from "./source-http/execute";
import { sourcePostgres } from "./source-postgres/execute";
import { changesTransform } from "./transform-changes/execute";
import { mapTransform } from "./transform-map/execute";
import { manualTrigger } from "./trigger-manual/execute";
import { scheduleTrigger } from "./trigger-schedule/execute";
import { webhookTrigger } from "./trigger-webhook/execute";

/** Server-only: every kind's implementation, for the engine. A duplicate id throws at start-up. */
export const nodeImplementations = createImplementationRegistry([
  manualTrigger,
  scheduleTrigger,
  webhookTrigger,
  httpSource,
  sourceFile,
  sourcePostgres,
  mapTransform,
  changesTransform,
  conditionFilter,
  routeFilter,
  approvalReview,
  httpDestination,
  destinationPostgres,
  destinationFile,
]);

export { kindRegistry, nodeDefinitions } from "./definitions";
export type { NodeServices, ResolvedConnection } from "./services";
