import { RUN_STATUSES, type Database } from "@flowgate/db";
import type { RunMetrics } from "@flowgate/runtime";
import { sql } from "drizzle-orm";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger as PinoLogger } from "pino";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** The worker's Prometheus metrics: `runMetrics` goes to the runs (RunFlowDeps.metrics), `registry` is what /metrics serves. */
export interface WorkerMetrics {
  registry: Registry;
  runMetrics: RunMetrics;
}

/**
 * Runs by status and the job queue are read from the database at scrape time (the same numbers from
 * every worker); records by node kind and batch durations are counted by this worker's runs (sum
 * them over the workers).
 */
export function createWorkerMetrics({ db, log }: { db: Database; log: PinoLogger }): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  /**
   * One query per scrape for gauges that share it: a scrape starts every gauge's collect at once,
   * so they share the query in flight; the next scrape reads afresh.
   */
  const perScrape = <T>(read: () => Promise<T>) => {
    let pending: Promise<T> | undefined;
    return () =>
      (pending ??= read().finally(() => {
        pending = undefined;
      }));
  };
  const readFailed = (what: string) => (error: unknown) => {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, `metrics: could not read ${what} from the database; the scrape leaves them out`);
    return undefined;
  };

  const runCounts = perScrape(() =>
    db
      .execute<{ status: string; n: number }>(sql`select status, count(*)::int as n from runs group by status`)
      .then((result) => result.rows, readFailed("runs by status")),
  );
  new Gauge({
    name: "flowgate_runs",
    help: "Runs by status, over all workspaces (read from the database at scrape time).",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await runCounts();
      if (!rows) return;
      for (const status of RUN_STATUSES) this.set({ status }, 0);
      for (const row of rows) this.set({ status: row.status }, row.n);
    },
  });

  // Waiting: due, not taken by a worker, attempts left. graphile-worker's public jobs view (0.17).
  const jobQueue = perScrape(() =>
    db
      .execute<{ waiting: number; oldest: number }>(sql`
        select count(*)::int as waiting, coalesce(extract(epoch from now() - min(run_at)), 0)::float8 as oldest
        from graphile_worker.jobs
        where run_at <= now() and locked_at is null and attempts < max_attempts`)
      .then((result) => result.rows[0], readFailed("the job queue")),
  );
  new Gauge({
    name: "flowgate_jobs_waiting",
    help: "Jobs that are due and wait for a worker (graphile-worker's queue).",
    registers: [registry],
    async collect() {
      this.reset();
      const queue = await jobQueue();
      if (queue) this.set(queue.waiting);
    },
  });
  new Gauge({
    name: "flowgate_oldest_waiting_job_age_seconds",
    help: "How long the oldest due job has waited for a worker (0 when none waits).",
    registers: [registry],
    async collect() {
      this.reset();
      const queue = await jobQueue();
      if (queue) this.set(queue.oldest);
    },
  });

  const records = new Counter({
    name: "flowgate_records_total",
    help: "Records the nodes handled, by node kind: what reached a node, or what a source read.",
    labelNames: ["kind"],
    registers: [registry],
  });
  const batchDuration = new Histogram({
    name: "flowgate_batch_duration_seconds",
    help: "Time one batch took through a flow's nodes, checkpoint included.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });

  return {
    registry,
    runMetrics: {
      batchCheckpointed(batch) {
        if (batch.seconds !== undefined) batchDuration.observe(batch.seconds);
        for (const { kind, count } of batch.records) records.inc({ kind }, count);
      },
    },
  };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the registry at http://host:port/metrics. A port already in use is reported and the
 * worker goes on without metrics (answers null): jobs matter more than their numbers.
 */
export async function serveMetrics(registry: Registry, options: { port: number; host?: string; log: PinoLogger }): Promise<MetricsServer | null> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found. The worker's metrics are at /metrics.\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) => {
        options.log.error({ err: error }, "metrics: the scrape failed");
        res.writeHead(500, { "content-type": "text/plain" }).end("The metrics could not be collected; the worker's log says why.\n");
      },
    );
  });
  const listening = await new Promise<boolean>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EADDRINUSE" && error.code !== "EACCES") return reject(error);
      options.log.warn(
        { port: options.port },
        `metrics: port ${options.port} is ${error.code === "EACCES" ? "not allowed" : "in use"}, so this worker serves no /metrics. Set METRICS_PORT to a free port, or to 0 to turn metrics off.`,
      );
      resolve(false);
    });
    server.listen(options.port, options.host, () => resolve(true));
  });
  if (!listening) return null;
  const { port } = server.address() as AddressInfo;
  const shownHost = !options.host || options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host;
  return {
    url: `http://${shownHost}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
