import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";

export const manualTriggerDefinition = {
  id: "trigger.manual",
  version: 1,
  label: "Run by hand",
  description: "Starts the flow when someone presses Run.",
  category: "trigger",
  icon: "play",
  configSchema: z.object({}),
  inputs: [],
  outputs: ["out"],
} as const satisfies NodeDefinition;
