import { createKindRegistry } from "@flowgate/flow";
import { approvalReviewDefinition } from "./approval-review/definition";
import { destinationFileDefinition } from "./destination-file/definition";
import { httpDestinationDefinition } from "./destination-http/definition";
import { destinationPostgresDefinition } from "./destination-postgres/definition";
import { conditionFilterDefinition } from "./filter-condition/definition";
import { routeFilterDefinition } from "./filter-route/definition";
import { sourceFileDefinition } from "./source-file/definition";
import { httpSourceDefinition } from "./source-http/definition";
import { sourcePostgresDefinition } from "./source-postgres/definition";
import { changesTransformDefinition } from "./transform-changes/definition";
import { mapTransformDefinition } from "./transform-map/definition";
import { manualTriggerDefinition } from "./trigger-manual/definition";
import { scheduleTriggerDefinition } from "./trigger-schedule/definition";
import { webhookTriggerDefinition } from "./trigger-webhook/definition";

/**
 * Every node kind's browser-safe definition, in palette order. Adding a kind: its folder and
 * one line here (and one in registry.ts). A duplicate id throws at start-up.
 */
export const nodeDefinitions = [
  manualTriggerDefinition,
  scheduleTriggerDefinition,
  webhookTriggerDefinition,
  httpSourceDefinition,
  sourceFileDefinition,
  sourcePostgresDefinition,
  mapTransformDefinition,
  changesTransformDefinition,
  conditionFilterDefinition,
  routeFilterDefinition,
  approvalReviewDefinition,
  httpDestinationDefinition,
  destinationPostgresDefinition,
  destinationFileDefinition,
] as const;

/** What validateFlow checks flows against, in the browser and on the server alike. */
export const kindRegistry = createKindRegistry(nodeDefinitions);
