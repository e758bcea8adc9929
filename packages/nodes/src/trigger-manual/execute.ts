import type { NodeImplementation } from "@flowgate/engine";
import { manualTriggerDefinition } from "./definition";

/** Starts the run and brings no records: the source behind it reads them. */
export const manualTrigger: NodeImplementation = { definition: manualTriggerDefinition };
