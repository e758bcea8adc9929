import { describe, expect, it } from "vitest";
import { MAX_TRPC_REQUEST_BYTES, oversizedRequest } from "./request-limit";

const post = (path: string, length: number) => new Request(`http://localhost:3000/api/trpc/${path}`, { method: "POST", headers: { "content-length": String(length) }, body: "{}" });

describe("oversizedRequest", () => {
  it("lets requests up to the limit through", () => {
    expect(oversizedRequest(post("flows.import", MAX_TRPC_REQUEST_BYTES), "/api/trpc")).toBeNull();
    expect(oversizedRequest(new Request("http://localhost:3000/api/trpc/flows.list"), "/api/trpc")).toBeNull();
  });

  it("answers a larger one 413, saying the limit, one error per call of a batch", async () => {
    const single = oversizedRequest(post("flows.import", 50 * 1024 * 1024), "/api/trpc")!;
    expect(single.status).toBe(413);
    const body = (await single.json()) as { error: { message: string; data: { code: string } } };
    expect(body.error.message).toMatch(/50 MB; Flowgate takes at most 6 MB \(a flow file at most 5 MB\)/);
    expect(body.error.data.code).toBe("PAYLOAD_TOO_LARGE");

    const batch = oversizedRequest(post("flows.import,flows.list?batch=1", 7 * 1024 * 1024), "/api/trpc")!;
    const calls = (await batch.json()) as { error: { data: { path: string } } }[];
    expect(calls.map((c) => c.error.data.path)).toEqual(["flows.import", "flows.list"]);
  });
});
