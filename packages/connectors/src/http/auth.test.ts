import { startSupplierApi, type FakeAuth, type SupplierApi } from "@flowgate/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createAuth, createOAuth2ClientCredentials } from "./auth";
import { createHttpClient, type HttpClient } from "./client";
import { HttpAuthError, HttpStatusError } from "./errors";
import { paginate } from "./paginate";

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
async function setup(auth: FakeAuth): Promise<{ supplier: SupplierApi; http: HttpClient }> {
  const supplier = await startSupplierApi({ count: 50, auth });
  const http = createHttpClient({ allow: ["127.0.0.0/8"], retry: { baseDelayMs: 5, maxDelayMs: 10 } });
  open.push(supplier, http);
  return { supplier, http };
}

describe("auth from a connection", () => {
  it("sends a bearer token", async () => {
    const { supplier, http } = await setup({ type: "bearer", token: "tok" });
    await expect(http.request({ url: `${supplier.url}/products` })).rejects.toThrow(/answered 401 \(not authorized: check the connection's credentials\)/);
    const response = await http.request({ url: `${supplier.url}/products`, auth: createAuth({ type: "bearer", token: "tok" }) });
    expect(response.status).toBe(200);
    await response.dump();
  });

  it("sends basic credentials", async () => {
    const { supplier, http } = await setup({ type: "basic", username: "anna", password: "zażółć" });
    const auth = createAuth({ type: "basic", username: "anna", password: "zażółć" });
    expect((await http.request({ url: `${supplier.url}/products`, auth })).status).toBe(200);
  });

  it("sends an API key in a header", async () => {
    const { supplier, http } = await setup({ type: "api-key", in: "header", name: "X-Api-Key", value: "k" });
    const auth = createAuth({ type: "api-key", in: "header", name: "X-Api-Key", value: "k" });
    expect((await http.request({ url: `${supplier.url}/products`, auth })).status).toBe(200);
  });

  it("sends an API key in the query and hides it in errors and cursors", async () => {
    const { supplier, http } = await setup({ type: "api-key", in: "query", name: "key", value: "s3cret" });
    const auth = createAuth({ type: "api-key", in: "query", name: "key", value: "s3cret" });
    const pages = [];
    for await (const page of paginate(http, { url: `${supplier.url}/products/link`, mode: "link", pageSize: 20, auth })) pages.push(page);
    expect(pages.flatMap((p) => p.records)).toHaveLength(50);
    expect(JSON.stringify(pages.map((p) => [p.next, p.url]))).not.toContain("s3cret");
    supplier.setFault({ kind: "status", status: 500 });
    const error = await http.request({ url: `${supplier.url}/products`, auth }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as Error).message).toContain("/products?key=***");
    expect((error as Error).message).not.toContain("s3cret");
  });
});

describe("OAuth2 client credentials", () => {
  const settings = { type: "oauth2" as const, clientId: "flowgate", clientSecret: "shh" };

  it("asks for one token for many pages", async () => {
    const { supplier, http } = await setup({ ...settings, tokenTtlSeconds: 3600 });
    const auth = createOAuth2ClientCredentials({ ...settings, tokenUrl: `${supplier.url}/oauth/token` });
    let records = 0;
    for await (const page of paginate(http, { url: `${supplier.url}/products`, mode: "page", pageSize: 5, recordsPath: "data", totalPath: "total", auth })) {
      records += page.records.length;
    }
    expect(records).toBe(50);
    expect(supplier.tokenRequests).toBe(1);
    expect(auth.tokenRequests).toBe(1);
  });

  it("shares one token request between concurrent requests", async () => {
    const { supplier, http } = await setup(settings);
    const auth = createAuth({ ...settings, tokenUrl: `${supplier.url}/oauth/token`, credentials: "body" });
    const responses = await Promise.all(Array.from({ length: 5 }, () => http.request({ url: `${supplier.url}/products`, auth })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await Promise.all(responses.map((r) => r.dump()));
    expect(supplier.tokenRequests).toBe(1);
  });

  it("fetches a new token shortly before the old one expires", async () => {
    const { supplier, http } = await setup({ ...settings, tokenTtlSeconds: 600 });
    let clock = 1_000_000;
    const auth = createOAuth2ClientCredentials({ ...settings, tokenUrl: `${supplier.url}/oauth/token`, now: () => clock });
    const get = async () => (await http.request({ url: `${supplier.url}/products`, auth })).dump();
    await get();
    clock += 500_000; // 500 s of 600: still well inside the lifetime
    await get();
    expect(supplier.tokenRequests).toBe(1);
    clock += 45_000; // 545 s: within the last minute (capped at a tenth of the lifetime, 60 s)
    await get();
    expect(supplier.tokenRequests).toBe(2);
  });

  it("refreshes the token once when the API answers 401", async () => {
    const { supplier, http } = await setup(settings);
    const auth = createAuth({ ...settings, tokenUrl: `${supplier.url}/oauth/token` });
    await (await http.request({ url: `${supplier.url}/products`, auth })).dump();
    supplier.expireTokens();
    const response = await http.request({ url: `${supplier.url}/products`, auth });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(1);
    expect(supplier.tokenRequests).toBe(2);
    await response.dump();
  });

  it("says so when the token endpoint refuses the client", async () => {
    const { supplier, http } = await setup(settings);
    const auth = createAuth({ ...settings, clientSecret: "not-the-secret-xyz", tokenUrl: `${supplier.url}/oauth/token` });
    const error = await http.request({ url: `${supplier.url}/products`, auth }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpAuthError);
    expect((error as Error).message).toContain(`The token endpoint ${supplier.url}/oauth/token refused the client credentials`);
    expect((error as Error).message).toContain("Check the client id and secret");
    expect((error as Error).message).not.toContain("not-the-secret-xyz");
  });
});
