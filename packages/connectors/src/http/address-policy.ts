import dns from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Why an address is refused: the ipaddr.js range name ("loopback", "private", …). */
export type BlockedRange = string;

/**
 * Decides which addresses Flowgate may connect to. Only public unicast addresses pass, unless the
 * workspace's allow-list names the host, the address or a range holding it.
 */
export interface AddressPolicy {
  /** null when `address` may be connected to for `hostname`; otherwise the range that blocks it. */
  check(address: string, hostname?: string): BlockedRange | null;
}

/** Thrown from inside the connection (lookup or connect); the client turns it into an HttpBlockedAddressError. */
export class AddressBlockedSignal extends Error {
  readonly code = "FLOWGATE_ADDRESS_BLOCKED";
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: BlockedRange,
  ) {
    super(`${hostname} resolves to ${address} (${range}), which is refused`);
  }
}

/**
 * `allow` entries: a hostname (`api.internal`, or `*.internal` for its subdomains), an IP address
 * (`10.0.0.5`, `::1`) or a CIDR range (`127.0.0.0/8`, `fc00::/7`).
 */
export function createAddressPolicy(allow: readonly string[] = []): AddressPolicy {
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  const ranges: Array<[Address, number]> = [];
  for (const raw of allow) {
    const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, "");
    if (!entry) continue;
    if (entry.includes("/")) {
      let range: [Address, number];
      try {
        range = ipaddr.parseCIDR(entry);
      } catch {
        throw new RangeError(`"${raw}" in the allow-list is not a valid range; write it like 10.0.0.0/8 or fd00::/8.`);
      }
      ranges.push(normalizeRange(range));
    } else if (ipaddr.isValid(entry)) {
      const address = normalize(ipaddr.parse(entry));
      ranges.push([address, address.kind() === "ipv4" ? 32 : 128]);
    } else if (entry.startsWith("*.")) {
      suffixes.push(entry.slice(1));
    } else {
      hosts.add(entry);
    }
  }

  const hostAllowed = (hostname: string | undefined) => {
    if (!hostname) return false;
    const host = hostname.toLowerCase().replace(/\.$/, "");
    return hosts.has(host) || suffixes.some((suffix) => host.endsWith(suffix));
  };

  return {
    check(rawAddress, hostname) {
      if (hostAllowed(hostname)) return null;
      const address = parseAddress(rawAddress);
      if (!address) return "unparseable";
      if (ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits))) return null;
      const range = address.range();
      return range === "unicast" ? null : range;
    },
  };
}

/** Parses an IP address as sockets and DNS report it, unwrapping IPv4 inside IPv6 (mapped or NAT64). */
export function parseAddress(raw: string): Address | null {
  const text = raw.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(text)) return null;
  return normalize(ipaddr.parse(text));
}

function normalize(address: Address): Address {
  if (address.kind() !== "ipv6") return address;
  const v6 = address as ipaddr.IPv6;
  // ::ffff:a.b.c.d, ::ffff:0:a.b.c.d and 64:ff9b::a.b.c.d reach the IPv4 address inside: judge that one.
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const range = v6.range();
  if (range === "rfc6145" || range === "rfc6052") {
    const parts = v6.parts;
    return new ipaddr.IPv4([(parts[6]! >> 8) & 0xff, parts[6]! & 0xff, (parts[7]! >> 8) & 0xff, parts[7]! & 0xff]);
  }
  return v6;
}

function normalizeRange([address, bits]: [Address, number]): [Address, number] {
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

/** Whether a URL hostname is an IP literal (WHATWG URL has already normalized `0x7f.1`, `2130706433`, …). */
export function ipLiteral(hostname: string): string | null {
  const text = hostname.replace(/^\[|\]$/g, "");
  return ipaddr.isValid(text) ? text : null;
}

/**
 * A `lookup` for net/tls connections: resolves every address of the host, keeps those the policy
 * allows and refuses the connection when none is left. The address checked is the address connected
 * to, so DNS rebinding between a check and the connection cannot slip through.
 */
export function createGuardedLookup(policy: AddressPolicy, resolve: typeof dns.lookup = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      // Connect only to addresses that pass: the address checked is the address connected to.
      const resolved = addresses as unknown as dns.LookupAddress[];
      const list = resolved.filter((entry) => policy.check(entry.address, hostname) === null);
      if (list.length === 0) {
        const first = resolved[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
        const range = policy.check(first.address, hostname) ?? "unknown";
        return callback(new AddressBlockedSignal(hostname, first.address, range) as unknown as NodeJS.ErrnoException, "", 0);
      }
      if (options.all) return callback(null, list);
      const first = list[0] as dns.LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
