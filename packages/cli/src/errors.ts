/** Exit codes CI scripts can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * What the CLI tells a person before it exits: "failed" (exit 1) when the operation could not be
 * done, "usage" (exit 2, with the command's usage) when the command line itself is wrong.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly kind: "failed" | "usage" = "failed",
  ) {
    super(message);
  }
}
