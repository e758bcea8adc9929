import { flows, flowSchedules, flowVersions, type Database } from "@flowgate/db";
import { and, asc, eq, lte } from "drizzle-orm";
import type { Task } from "graphile-worker";
import { enqueueRun } from "../enqueue";
import type { RuntimeLog } from "../log";
import { nextSlot, scheduleOf } from "../schedules";

export const SCHEDULE_TICK_TASK = "schedule-tick";
/** The crontab period: a slot older than this when a tick sees it was missed (no worker ticked in time). */
export const SCHEDULE_TICK_PERIOD_MS = 60_000;
/** Schedules handled per transaction; a tick goes on until none is due. */
const TICK_BATCH = 100;

export interface ScheduleTickDeps {
  db: Database;
  log: RuntimeLog;
}

export interface ScheduleTickResult {
  /** The runs the tick started (run id, flow and slot). */
  started: { runId: string; flowId: string; slot: Date; backfilled: boolean }[];
  /** Schedules that were due but started no run (missed slots under the `skip` policy). */
  skipped: { flowId: string; slot: Date }[];
}

/**
 * Starts the due runs of every schedule whose next slot is at or before `now`, and moves each
 * schedule on to its first slot after `now`. Rows are claimed FOR UPDATE SKIP LOCKED, so two
 * ticks (two workers) never handle one schedule at once; the run, its job and the schedule's new
 * slot commit together. After downtime (more than one slot due) the flow's missed-slot policy
 * decides: `once` starts one run flagged backfilled, `skip` starts a run only for a slot of the
 * current tick period.
 */
export async function scheduleTick(deps: ScheduleTickDeps, options: { now?: Date } = {}): Promise<ScheduleTickResult> {
  const now = options.now ?? new Date();
  const result: ScheduleTickResult = { started: [], skipped: [] };
  for (;;) {
    const handled = await deps.db.transaction(async (tx) => {
      const due = await tx
        .select({ schedule: flowSchedules, enabled: flows.enabled, activeVersionId: flows.activeVersionId, document: flowVersions.document })
        .from(flowSchedules)
        .innerJoin(flows, eq(flows.id, flowSchedules.flowId))
        .innerJoin(flowVersions, eq(flowVersions.id, flowSchedules.flowVersionId))
        .where(lte(flowSchedules.nextRunAt, now))
        .orderBy(asc(flowSchedules.nextRunAt))
        .limit(TICK_BATCH)
        .for("update", { of: flowSchedules, skipLocked: true });

      for (const { schedule: row, enabled, activeVersionId, document } of due) {
        const schedule = scheduleOf(document);
        // Publish and enable keep the row in step; this only catches a row left behind.
        if (!enabled || activeVersionId !== row.flowVersionId || !schedule) {
          deps.log.warn({ flowId: row.flowId }, "schedule-tick: removed a schedule whose flow is disabled, republished or has no schedule trigger");
          await tx.delete(flowSchedules).where(eq(flowSchedules.flowId, row.flowId));
          continue;
        }
        const slot = row.nextRunAt;
        const missed = nextSlot(schedule, slot) <= now;
        // `once`: one run for everything due. `skip`: a run only for the slot of the current tick
        // period, if there is one (slots are whole minutes, so at most one).
        const current = nextSlot(schedule, new Date(now.getTime() - SCHEDULE_TICK_PERIOD_MS));
        const runSlot = row.missedPolicy === "once" ? slot : current <= now && current >= slot ? current : null;
        const backfilled = missed && row.missedPolicy === "once";

        // The savepoint lets a slot that already has its run (runs_flow_scheduled_for_idx) count as started.
        const started = runSlot
          ? await tx
              .transaction((sp) =>
                enqueueRun(sp, {
                  workspaceId: row.workspaceId,
                  flowId: row.flowId,
                  flowVersionId: row.flowVersionId,
                  trigger: "schedule",
                  scheduledFor: runSlot,
                  backfilled,
                  jobKey: `schedule:${row.flowId}:${runSlot.toISOString()}`,
                }),
              )
              .catch((error: unknown) => {
                if (isUniqueViolation(error)) return null;
                throw error;
              })
          : null;
        if (started && runSlot) {
          result.started.push({ runId: started.runId, flowId: row.flowId, slot: runSlot, backfilled });
          deps.log.info({ runId: started.runId, flowId: row.flowId, slot: runSlot.toISOString(), backfilled }, "schedule-tick: started a scheduled run");
        } else if (runSlot) {
          deps.log.warn({ flowId: row.flowId, slot: runSlot.toISOString() }, "schedule-tick: the slot already has its run");
        } else {
          result.skipped.push({ flowId: row.flowId, slot });
          deps.log.info({ flowId: row.flowId, slot: slot.toISOString() }, "schedule-tick: skipped missed slots (the flow's policy is skip)");
        }
        await tx
          .update(flowSchedules)
          .set({ nextRunAt: nextSlot(schedule, now), ...(runSlot ? { lastSlotAt: runSlot } : {}) })
          .where(and(eq(flowSchedules.flowId, row.flowId), eq(flowSchedules.nextRunAt, slot)));
      }
      return due.length;
    });
    if (handled < TICK_BATCH) return result;
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

/** schedule-tick: run by graphile-worker's crontab every minute; its payload (the cron's timestamp) is not needed. */
export function createScheduleTickTask(deps: ScheduleTickDeps): Task {
  return async () => {
    await scheduleTick(deps);
  };
}

/** The worker's crontab line for schedule-tick: every minute, never backfilled (a tick itself catches up). */
export const SCHEDULE_TICK_CRON_ITEM = { task: SCHEDULE_TICK_TASK, match: "* * * * *", options: { backfillPeriod: 0 } } as const;
