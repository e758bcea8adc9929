import { flows, flowSchedules, flowVersions, type Database, type MissedSchedulePolicy } from "@flowgate/db";
import { nextRunTimes, ScheduleConfigSchema, type ScheduleConfig } from "@flowgate/nodes/schedule";
import { eq, sql } from "drizzle-orm";

/** A transaction (or the database): a schedule changes together with the flow change that caused it. */
export type ScheduleExecutor = Pick<Database, "select" | "insert" | "delete">;

export interface FlowSchedule {
  config: ScheduleConfig;
  /** The flow's time zone (a cron node's own time zone wins inside nextRunTimes). */
  timezone: string;
  missedPolicy: MissedSchedulePolicy;
}

/**
 * The schedule a published document asks for: its enabled `trigger.schedule` node, or null. The
 * document was validated on publish; a config that no longer parses counts as no schedule.
 */
export function scheduleOf(document: unknown): FlowSchedule | null {
  const doc = document as { nodes?: { kind?: unknown; disabled?: unknown; config?: unknown }[]; settings?: { timezone?: unknown; missedSchedules?: unknown } } | null;
  const node = doc?.nodes?.find((n) => n?.kind === "trigger.schedule" && !n.disabled);
  if (!node) return null;
  const config = ScheduleConfigSchema.safeParse(node.config);
  if (!config.success) return null;
  const timezone = typeof doc?.settings?.timezone === "string" ? doc.settings.timezone : "UTC";
  const missedPolicy: MissedSchedulePolicy = doc?.settings?.missedSchedules === "skip" ? "skip" : "once";
  return { config: config.data, timezone, missedPolicy };
}

/** The first slot of a schedule strictly after `after`. */
export function nextSlot(schedule: FlowSchedule, after: Date): Date {
  return nextRunTimes(schedule.config, { from: after, count: 1, timezone: schedule.timezone })[0]!;
}

/**
 * Makes the flow's schedule row match the flow: an enabled flow whose published version has an
 * enabled schedule trigger gets a row with its next slot after `now`; any other flow has none.
 * Call it in the transaction that publishes, enables or disables the flow.
 */
export async function syncSchedule(tx: ScheduleExecutor, flowId: string, now: Date = new Date()): Promise<{ nextRunAt: Date } | null> {
  const [flow] = await tx
    .select({ workspaceId: flows.workspaceId, enabled: flows.enabled, versionId: flowVersions.id, document: flowVersions.document })
    .from(flows)
    .leftJoin(flowVersions, eq(flowVersions.id, flows.activeVersionId))
    .where(eq(flows.id, flowId));
  const schedule = flow?.enabled && flow.versionId ? scheduleOf(flow.document) : null;
  if (!flow || !flow.versionId || !schedule) {
    await tx.delete(flowSchedules).where(eq(flowSchedules.flowId, flowId));
    return null;
  }
  const nextRunAt = nextSlot(schedule, now);
  const [row] = await tx
    .insert(flowSchedules)
    .values({ flowId, workspaceId: flow.workspaceId, flowVersionId: flow.versionId, nextRunAt, missedPolicy: schedule.missedPolicy })
    .onConflictDoUpdate({
      target: flowSchedules.flowId,
      set: {
        flowVersionId: flow.versionId,
        missedPolicy: schedule.missedPolicy,
        // A slot already due but not yet ticked stays due: a publish racing the tick must not drop it.
        nextRunAt: sql`case when ${flowSchedules.nextRunAt} <= ${now.toISOString()}::timestamptz then ${flowSchedules.nextRunAt} else excluded.next_run_at end`,
      },
    })
    .returning({ nextRunAt: flowSchedules.nextRunAt });
  return { nextRunAt: row!.nextRunAt };
}
