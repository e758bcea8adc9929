import type pg from "pg";
import type { NodeServices } from "../services";

/** The pool of a step's PostgreSQL connection (shared across batches and runs; the runtime closes it). */
export async function postgresPool(services: NodeServices, connectionId: string): Promise<pg.Pool> {
  const connection = await services.connections.get(connectionId);
  if (connection.kind !== "postgres") {
    throw new Error(
      `The connection “${connection.name}” is an ${connection.kind.toUpperCase()} connection; this step needs a PostgreSQL connection. Choose another one in the step's settings.`,
    );
  }
  return services.postgres.pool(connection);
}
