/** The slice of pino the runtime logs through (the worker passes its pino logger). */
export interface RuntimeLog {
  debug(data: object, message?: string): void;
  info(data: object, message?: string): void;
  warn(data: object, message?: string): void;
  error(data: object, message?: string): void;
  child(bindings: Record<string, unknown>): RuntimeLog;
}

/** Logs nothing (tests that do not look at logs). */
export const silentLog: RuntimeLog = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLog,
};
