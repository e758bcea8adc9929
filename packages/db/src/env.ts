import { z } from "zod";

/**
 * Every environment variable Flowgate reads, parsed once. Nothing else in the
 * repository reads `process.env` (scripts/start.ts sets these for its children).
 */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  FLOWGATE_SECRET: z.string().min(32, "FLOWGATE_SECRET must be at least 32 characters").optional(),
  FLOWGATE_URL: z.string().url().default("http://localhost:3000"),
  FLOWGATE_DATA_DIR: z.string().default(".flowgate"),
  /**
   * Hosts, IPs or CIDR ranges (comma-separated) flows may reach despite the HTTP client's SSRF guard,
   * e.g. `127.0.0.1` for a fake API on loopback. Empty: only public addresses.
   */
  FLOWGATE_ALLOW_HOSTS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((host) => host.trim()).filter((host) => host !== "")),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  /** Where the worker serves Prometheus metrics (`/metrics`); 0 turns them off. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
});
export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= EnvSchema.parse(process.env);
  return cached;
}

export function requireEnv<K extends keyof Env>(key: K): NonNullable<Env[K]> {
  const value = getEnv()[key];
  if (value === undefined || value === null || value === "") {
    throw new Error(`${String(key)} is not set. Start Flowgate with \`npm start\`, which sets it, or set it in the environment (see .env.example).`);
  }
  return value as NonNullable<Env[K]>;
}
