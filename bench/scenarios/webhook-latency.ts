/**
 * webhook-latency: signed webhooks (one product each) posted at a steady 1, 10 and 50 requests/s to
 * the webhook intake (packages/runtime/src/webhooks, on a node:http server in this process, as the
 * Next.js route serves it) for a flow `trigger.webhook → destination.postgres`, run by apps/worker as
 * a process of its own (as npm start runs it). Measured per request from the moment the sender
 * starts sending to the run's runs.started_at (the worker took it and began the flow), both on this
 * machine's clock; also the time to the 202 answer. Requests are sent open loop: on schedule,
 * whether or not earlier ones were answered.
 */
import { createDatabase, flowWebhooks, newToken } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { createWebhookIntake, newSigningSecret, serveWebhookIntake, signedHeaders } from "@flowgate/runtime/webhooks";
import { createShopProductsTable } from "@flowgate/testkit";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { peakRssMb, report } from "../scenario";
import { fmt } from "../lib/flow";
import { BENCH_SECRET, percentile, startBenchRuntime } from "../lib/runtime";

/** Requests per second, and how long each rate is held. */
const RATES = [
  { perSecond: 1, seconds: 30 },
  { perSecond: 10, seconds: 10 },
  { perSecond: 50, seconds: 10 },
];
const GOAL_P50_MS = 20;
const GOAL_P99_MS = 100;

const runtime = await startBenchRuntime("webhook-latency");
const web = createDatabase(runtime.postgres.connectionString, { max: 10 });
const secrets = createSecretBox(BENCH_SECRET);
const intakeServer = await serveWebhookIntake(createWebhookIntake({ db: web.db, secrets }));
try {
  await createShopProductsTable(runtime.postgres.pool);
  const node = (id: string, kind: string, x: number, config: Record<string, unknown>) => ({ id, kind, kindVersion: 1, label: id, position: { x, y: 0 }, config });
  const flow = await runtime.publish("Products by webhook", {
    schemaVersion: 1,
    nodes: [
      node("hook", "trigger.webhook", 0, { format: "json", requireSignature: true }),
      node("shop", "destination.postgres", 260, { connectionId: runtime.shopConnectionId, table: "shop.products", keyColumns: ["sku"] }),
    ],
    edges: [{ id: "e1", source: "hook", sourcePort: "out", target: "shop", targetPort: "in" }],
    // Several of the flow's runs at once, so one slow run does not hold the next webhook's start.
    settings: { batchSize: 1000, maxConcurrentRuns: 4, timezone: "UTC", errorPolicy: "fail" },
  });
  const token = newToken();
  const secret = newSigningSecret();
  await runtime.db.insert(flowWebhooks).values({ flowId: flow.flowId, workspaceId: runtime.workspaceId, token, secretCiphertext: secrets.encrypt(secret), rotatedAt: new Date() });
  const hookUrl = `${intakeServer.url}/api/hooks/${token}`;
  const worker = await runtime.startWorkerProcess();

  let sequence = 0;
  /** One signed webhook; resolves with its send time (ms since the epoch, sub-ms) and answer time. */
  async function send(): Promise<{ runId: string; sentAt: number; answeredAt: number }> {
    const n = ++sequence;
    const body = JSON.stringify([{ sku: `WH-${n % 500}`, name: `Webhook product ${n}`, price: (n % 100) + 0.5, stock: n % 7 }]);
    const sentAt = performance.timeOrigin + performance.now();
    const response = await fetch(hookUrl, { method: "POST", headers: { "content-type": "application/json", ...signedHeaders(secret, body) }, body });
    const answeredAt = performance.timeOrigin + performance.now();
    const answer = (await response.json()) as { runId?: string; error?: string };
    if (response.status !== 202 || !answer.runId) throw new Error(`webhook ${n} was answered ${response.status}: ${answer.error ?? "no run id"}`);
    return { runId: answer.runId, sentAt, answeredAt };
  }

  /** `count` webhooks, one every 1/perSecond s on a fixed schedule (open loop). */
  async function steady(perSecond: number, seconds: number) {
    const count = perSecond * seconds;
    const start = performance.now() + 50;
    const pending: Promise<{ runId: string; sentAt: number; answeredAt: number }>[] = [];
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(send());
    }
    return Promise.all(pending);
  }

  // Warm-up: the worker's first run opens the shop connection's pool and reads the table's columns.
  const warm = await steady(5, 2);
  await runtime.waitForRuns(warm.map((w) => w.runId), 60_000);

  const measured: { perSecond: number; seconds: number; toStart: number[]; toAnswer: number[]; answerToStart: number[]; runMs: number[] }[] = [];
  const loadAtStart = loadavg()[0]!;
  const began = performance.now();
  let total = 0;
  for (const rate of RATES) {
    const sent = await steady(rate.perSecond, rate.seconds);
    const rows = await runtime.waitForRuns(sent.map((s) => s.runId), 120_000);
    const startedAt = new Map(
      (
        await runtime.postgres.pool.query<{ id: string; started: number; finished: number }>(
          "select id, extract(epoch from started_at) * 1000 as started, extract(epoch from finished_at) * 1000 as finished from runs where id = any($1)",
          [sent.map((s) => s.runId)],
        )
      ).rows.map((r) => [r.id, { started: Number(r.started), finished: Number(r.finished) }]),
    );
    if (rows.some((r) => r.counts.written !== 1)) throw new Error("a webhook run did not write its one product");
    measured.push({
      ...rate,
      toStart: sent.map((s) => startedAt.get(s.runId)!.started - s.sentAt),
      toAnswer: sent.map((s) => s.answeredAt - s.sentAt),
      answerToStart: sent.map((s) => startedAt.get(s.runId)!.started - s.answeredAt),
      runMs: sent.map((s) => startedAt.get(s.runId)!.finished - startedAt.get(s.runId)!.started),
    });
    total += sent.length;
    process.stderr.write(`[webhook-latency] ${rate.perSecond}/s: received → started p50 ${percentile(measured.at(-1)!.toStart, 50).toFixed(1)} ms, p99 ${percentile(measured.at(-1)!.toStart, 99).toFixed(1)} ms\n`);
  }
  const seconds = (performance.now() - began) / 1000;
  const workerRss = worker.peakRssMb();
  await worker.kill();

  const top = measured.at(-1)!;
  const p50 = percentile(top.toStart, 50);
  const p99 = percentile(top.toStart, 99);
  const met = p50 <= GOAL_P50_MS && p99 <= GOAL_P99_MS;
  const ms = (n: number) => `${fmt(n, 1)} ms`;
  report({
    scenario: "webhook-latency",
    what: `Signed webhooks (Standard Webhooks, one product each) posted at a steady ${RATES.map((r) => `${r.perSecond}/s for ${r.seconds} s`).join(", ")} to the webhook intake on a node:http server in the scenario's process (what the Next.js route /api/hooks/<token> wraps: token look-up, rate limit, body read, signature check, delivery + run + job in one transaction), for a flow trigger.webhook → destination.postgres (upsert into the shop table); the worker is apps/worker as a process of its own (concurrency 4, maxConcurrentRuns 4). Latency per request: from the moment the sender starts sending to the run's runs.started_at (the worker took the job and began the flow), on one clock. Counted in requests, not records.`,
    records: total,
    seconds,
    recordsPerSecond: top.perSecond,
    peakRssMb: peakRssMb(),
    goal: `received → run started at ${top.perSecond} req/s: p50 ≤${GOAL_P50_MS} ms, p99 ≤${GOAL_P99_MS} ms`,
    met,
    notes: [
      ...measured.map(
        (m) =>
          `${m.perSecond} req/s (${m.toStart.length} requests): received → run started p50 ${ms(percentile(m.toStart, 50))}, p99 ${ms(percentile(m.toStart, 99))}, max ${ms(Math.max(...m.toStart))}; of which received → 202 answer (the intake) p50 ${ms(percentile(m.toAnswer, 50))}, p99 ${ms(percentile(m.toAnswer, 99))}, and 202 → run started (job pick-up and run-flow's start) p50 ${ms(percentile(m.answerToStart, 50))}, p99 ${ms(percentile(m.answerToStart, 99))}; the run itself (started → finished) p50 ${ms(percentile(m.runMs, 50))}.`,
      ),
      `Worker peak RSS ${fmt(workerRss, 1)} MB; the scenario process (intake and sender) ${fmt(peakRssMb(), 1)} MB. PostgreSQL, the worker, the intake and the sender share the machine's ${cpus().length} cores (1-minute load average ${fmt(loadAtStart, 1)} when the measurement began).`,
      ...(met
        ? []
        : [
            `Goal missed at ${top.perSecond} req/s: ${[p50 > GOAL_P50_MS ? `p50 ${ms(p50)}, ${Math.round((p50 / GOAL_P50_MS - 1) * 100)}% above ${GOAL_P50_MS} ms` : `p50 ${ms(p50)} meets ≤${GOAL_P50_MS} ms`, p99 > GOAL_P99_MS ? `p99 ${ms(p99)}, ${Math.round((p99 / GOAL_P99_MS - 1) * 100)}% above ${GOAL_P99_MS} ms` : `p99 ${ms(p99)} meets ≤${GOAL_P99_MS} ms`].join("; ")}.`,
          ]),
    ],
  });
} finally {
  await intakeServer.close();
  await web.close();
  await runtime.close();
}
