import { z } from "zod";
import { createKindRegistry, type NodeKindDescriptor } from "../registry";
import { fixtureKinds } from "../testing/fixture-registry";

/** The fixture kinds plus two that need stored connections, as the kinds in packages/nodes declare them. */
export const fileTestRegistry = createKindRegistry([
  ...fixtureKinds,
  {
    id: "source.api",
    version: 1,
    label: "API source",
    category: "source",
    configSchema: z.object({ connectionId: z.string().min(1).optional(), path: z.string().min(1) }),
    inputs: ["in"],
    outputs: ["out"],
    connection: "http",
  } as NodeKindDescriptor,
  {
    id: "destination.db",
    version: 1,
    label: "Database table",
    category: "destination",
    configSchema: z.object({ connectionId: z.string().min(1, "Choose a PostgreSQL connection"), table: z.string().min(1) }),
    inputs: ["in"],
    outputs: [],
    connection: "postgres",
  } as NodeKindDescriptor,
]);

