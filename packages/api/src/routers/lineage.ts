import { LINEAGE_OUTCOMES, RUN_STATUSES } from "@flowgate/db";
import { z } from "zod";
import * as lineage from "../services/lineage";
import { scopeOf } from "../scope";
import { router, workspaceProcedure } from "../trpc";
import { IsoDate } from "./schemas";

const LineageEntrySchema = z.object({
  id: z.number(),
  flowId: z.string(),
  flowName: z.string(),
  runId: z.string(),
  runStatus: z.enum(RUN_STATUSES),
  nodeId: z.string(),
  key: z.string(),
  /** create, update, delete, upsert, or error. */
  op: z.string(),
  outcome: z.enum(LINEAGE_OUTCOMES),
  /** The first 32 hex digits of the SHA-256 of the record (canonical JSON): equal hashes, equal records. */
  hash: z.string().nullable(),
  record: z.record(z.string(), z.unknown()).nullable(),
  /** The destination's answer (e.g. "HTTP 201") or the error. */
  detail: z.string().nullable(),
  batchIndex: z.number(),
  createdAt: IsoDate,
});

export const lineageRouter = router({
  search: workspaceProcedure
    .input(
      z.object({
        key: z.string().trim().min(1, "Enter the record key to look for, e.g. a sku").max(1000),
        cursor: z.string().max(500).optional(),
        limit: z.int().min(1).max(200).default(50),
      }),
    )
    .output(z.object({ items: z.array(LineageEntrySchema), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => lineage.searchLineage(scopeOf(ctx), input)),
});
