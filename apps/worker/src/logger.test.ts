import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactSecrets } from "./logger";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger("debug", stream), lines };
}

describe("worker logger", () => {
  it("redacts secret fields at any depth, in any case, in arrays, in errors and in child bindings; other fields stay", () => {
    const { log, lines } = capture();
    const error = Object.assign(new Error("refused"), { request: { headers: { Authorization: "Bearer s1" } } });
    log
      .child({ runId: "r1", connection: { clientSecret: "s2" } })
      .child({ attempt: 1, token: "s9" })
      .info(
        {
          nodeId: "n1",
          headers: { authorization: "Basic s3", cookie: "session=s4", accept: "application/json" },
          config: { a: { b: { c: { d: { e: { f: { password: "s5", user: "shop" } } } } } } },
          connections: [{ apiKey: "s6" }, { settings: { TOKEN: "s7" } }],
          connectionString: "postgres://u:s8@host/db",
          err: error,
        },
        "calling",
      );
    const text = JSON.stringify(lines);
    for (const secret of ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"]) expect(text).not.toContain(`${secret}"`);
    expect(lines[0]).toMatchObject({
      runId: "r1",
      connection: { clientSecret: "[redacted]" },
      attempt: 1,
      token: "[redacted]",
      nodeId: "n1",
      msg: "calling",
      headers: { authorization: "[redacted]", cookie: "[redacted]", accept: "application/json" },
      config: { a: { b: { c: { d: { e: { f: { password: "[redacted]", user: "shop" } } } } } } },
      connections: [{ apiKey: "[redacted]" }, { settings: { TOKEN: "[redacted]" } }],
      err: { message: "refused", request: { headers: { Authorization: "[redacted]" } } },
    });
  });

  it("leaves the logged object itself untouched, and passes a line without secrets on as it is", () => {
    const value = { headers: { authorization: "Bearer x" }, list: [1, 2] };
    const redacted = redactSecrets(value);
    expect(value.headers.authorization).toBe("Bearer x");
    expect(redacted.headers.authorization).toBe("[redacted]");
    expect(redacted.list).toBe(value.list);
    const clean = { runId: "r", nested: { n: 1 } };
    expect(redactSecrets(clean)).toBe(clean);
  });
});
