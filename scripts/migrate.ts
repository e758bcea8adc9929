/**
 * Applies Flowgate's migrations and graphile-worker's schema to DATABASE_URL, then exits.
 * docker-compose.yml runs it once before web and workers start; `npm start` does the same steps itself.
 */
import { requireEnv } from "@flowgate/db";
import { migrateDatabase } from "@flowgate/db/migrate";
import { migrateWorkerSchema } from "@flowgate/worker";

const connectionString = requireEnv("DATABASE_URL");
await migrateDatabase(connectionString);
await migrateWorkerSchema(connectionString);
console.log("[migrate] database is up to date");
