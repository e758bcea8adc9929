import type { NodeImplementation } from "@flowgate/engine";
import { scheduleTriggerDefinition } from "./definition";

/** Starts the run at its times (the runtime's schedule-tick decides when) and brings no records. */
export const scheduleTrigger: NodeImplementation = { definition: scheduleTriggerDefinition };
