import { z } from "zod";
import * as dashboard from "../services/dashboard";
import { scopeOf } from "../scope";
import { router, workspaceProcedure } from "../trpc";
import { IsoDate } from "./schemas";

export const DashboardSchema = z.object({
  range: z.enum(["24h", "7d"]),
  /** Runs that ended per hour (24h) or per day (7d), oldest first, every bucket present (zeros too). */
  buckets: z.array(z.object({ at: IsoDate, succeeded: z.number(), failed: z.number(), other: z.number() })),
  totals: z.object({
    runs: z.number(),
    succeeded: z.number(),
    failed: z.number(),
    /** Records written by the runs that ended in the range. */
    recordsSynced: z.number(),
    runningNow: z.number(),
  }),
  /** Flows whose last ended run failed, worst first. */
  failingFlows: z.array(
    z.object({ flowId: z.string(), flowName: z.string(), lastRunId: z.string(), failedAt: IsoDate, message: z.string().nullable(), failuresInARow: z.number() }),
  ),
  pendingApprovals: z.object({ changeSets: z.number(), items: z.number() }),
  /** The next scheduled runs of enabled flows, soonest first. */
  nextRuns: z.array(z.object({ flowId: z.string(), flowName: z.string(), at: IsoDate })),
  openAlerts: z.number(),
});

export const dashboardRouter = router({
  summary: workspaceProcedure
    .input(z.object({ range: z.enum(["24h", "7d"]).default("24h") }))
    .output(DashboardSchema)
    .query(({ ctx, input }) => dashboard.summary(scopeOf(ctx), input.range)),
});
