import dns from "node:dns";
import { startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAddressPolicy } from "./address-policy";
import { createHttpClient, type HttpClient } from "./client";
import { HttpBlockedAddressError, HttpTooManyRedirectsError, HttpUrlRefusedError } from "./errors";

let supplier: SupplierApi;
let port: number;
const clients: HttpClient[] = [];
function client(options: Parameters<typeof createHttpClient>[0] = {}): HttpClient {
  const created = createHttpClient({ retry: { maxAttempts: 1 }, defaultTimeoutMs: 2000, ...options });
  clients.push(created);
  return created;
}

beforeAll(async () => {
  supplier = await startSupplierApi({ count: 20 });
  port = Number(new URL(supplier.url).port);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await supplier.close();
});

/** A resolver that answers from a table, as a DNS server under an attacker's control would. */
function fakeDns(table: Record<string, string[]>): typeof dns.lookup {
  return ((hostname: string, _options: unknown, callback: (e: Error | null, a: dns.LookupAddress[]) => void) => {
    const addresses = table[hostname];
    if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
    callback(null, addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));
  }) as unknown as typeof dns.lookup;
}

describe("address policy", () => {
  const policy = createAddressPolicy();
  it.each([
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.10", "private"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["169.254.169.254", "linkLocal"],
    ["fe80::1", "linkLocal"],
    ["fe80::1%eth0", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["fd12:3456::1", "uniqueLocal"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["100.64.0.1", "carrierGradeNat"],
    ["255.255.255.255", "broadcast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::a9fe:a9fe", "linkLocal"],
  ])("refuses %s (%s)", (address, range) => {
    expect(policy.check(address)).toBe(range);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("lets public %s through", (address) => {
    expect(policy.check(address)).toBeNull();
  });

  it("opens exactly what the allow-list names: ranges, addresses and host names", () => {
    const open = createAddressPolicy(["127.0.0.0/8", "10.0.0.5", "fd00::/8", "intranet.local", "*.corp.example"]);
    expect(open.check("127.0.0.1")).toBeNull();
    expect(open.check("::ffff:127.0.0.1")).toBeNull();
    expect(open.check("10.0.0.5")).toBeNull();
    expect(open.check("10.0.0.6")).toBe("private");
    expect(open.check("fd00::7")).toBeNull();
    expect(open.check("::1")).toBe("loopback");
    expect(open.check("192.168.1.1", "intranet.local")).toBeNull();
    expect(open.check("192.168.1.1", "erp.corp.example")).toBeNull();
    expect(open.check("192.168.1.1", "corp.example.evil")).toBe("private");
  });
});

describe("SSRF guard against the supplier on loopback", () => {
  const spellings = [
    "127.0.0.1",
    "2130706433",
    "0x7f.1",
    "0x7f000001",
    "017700000001",
    "0177.0.0.1",
    "127.1",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:127.0.0.1]",
  ];

  it.each(spellings)("refuses http://%s by default, with a message naming the URL and what to do", async (host) => {
    const url = `http://${host}:${port}/products`;
    const error = await client().request({ url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpBlockedAddressError);
    expect((error as Error).message).toMatch(/loopback/);
    expect((error as Error).message).toContain("Flowgate refuses it to protect your network; an admin can allow it in the workspace settings.");
    expect((error as Error).message).toContain(`:${port}/products`);
  });

  it.each(spellings)("lets http://%s through when 127.0.0.0/8 is allowed", async (host) => {
    const response = await client({ allow: ["127.0.0.0/8"] }).request({ url: `http://${host}:${port}/products?per_page=1` });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1);
  });

  it("refuses names that resolve to loopback (localhost), and allows them when opened", async () => {
    await expect(client().request({ url: `http://localhost:${port}/products` })).rejects.toBeInstanceOf(HttpBlockedAddressError);
    const allowed = await client({ allow: ["127.0.0.0/8", "::1"] }).request({ url: `http://localhost:${port}/products` });
    expect(allowed.status).toBe(200);
    await allowed.dump();
  });

  it("checks the address actually connected to, so DNS rebinding cannot slip through", async () => {
    // The first answer is public (what a check at save time would see), every later one is loopback.
    let calls = 0;
    const rebinding = ((hostname: string, options: unknown, callback: (e: Error | null, a: dns.LookupAddress[]) => void) => {
      calls++;
      return fakeDns({ "shop.example": [calls === 1 ? "93.184.216.34" : "127.0.0.1"] })(hostname, options as dns.LookupAllOptions, callback as never);
    }) as unknown as typeof dns.lookup;
    const guarded = client({ lookup: rebinding });
    await expect(guarded.checkUrl(`http://shop.example:${port}/products`)).resolves.toBeUndefined();
    const error = await guarded.request({ url: `http://shop.example:${port}/products` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpBlockedAddressError);
    expect((error as HttpBlockedAddressError).address).toBe("127.0.0.1");
  });

  it("refuses a redirect to a private address, and re-checks every hop", async () => {
    // The first hop is a host the workspace opened; it redirects to bare loopback, which is not open.
    const guarded = client({ allow: ["supplier.test"], lookup: fakeDns({ "supplier.test": ["127.0.0.1"] }) });
    const first = `http://supplier.test:${port}`;
    expect((await guarded.request({ url: `${first}/products?per_page=1` })).status).toBe(200);
    for (const target of [`http://127.0.0.1:${port}/products`, `http://2130706433:${port}/products`, `http://[::ffff:7f00:1]:${port}/products`]) {
      const error = await guarded.request({ url: `${first}/redirect?to=${encodeURIComponent(target)}` }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpBlockedAddressError);
    }
    const toFile = await guarded.request({ url: `${first}/redirect?to=${encodeURIComponent("file:///etc/passwd")}` }).catch((e: unknown) => e);
    expect(toFile).toBeInstanceOf(HttpUrlRefusedError);
  });

  it("follows at most five redirects", async () => {
    const open = client({ allow: ["127.0.0.0/8"] });
    let url = `${supplier.url}/products?per_page=1`;
    for (let i = 0; i < 5; i++) url = `${supplier.url}/redirect?to=${encodeURIComponent(url)}`;
    expect((await open.request({ url })).status).toBe(200);
    const tooMany = `${supplier.url}/redirect?to=${encodeURIComponent(url)}`;
    await expect(open.request({ url: tooMany })).rejects.toBeInstanceOf(HttpTooManyRedirectsError);
  });

  it.each(["ftp://example.com/file", "file:///etc/passwd", "gopher://example.com", "javascript:alert(1)", "data:text/plain,hi"])(
    "refuses the scheme of %s",
    async (url) => {
      const error = await client().request({ url }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpUrlRefusedError);
      expect((error as Error).message).toContain("only calls http and https");
    },
  );

  it("never shows credentials from the URL in its messages", async () => {
    const error = await client().request({ url: "http://alice:hunter2@10.0.0.1/x?api_key=s3cret" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpBlockedAddressError);
    expect((error as Error).message).not.toMatch(/hunter2|alice|s3cret/);
    expect((error as Error).message).toContain("http://10.0.0.1/x?api_key=***");
  });
});
