import { lookup } from "node:dns/promises";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { BridgeError } from "../../core/types/errors.ts";

/** A host name's addresses, as `dns.lookup` with `all: true` gives them. */
export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface AddressGuardOptions {
  /** PINCER_FETCH_ALLOW: host names, IPs or CIDRs reachable even though they are private. */
  allow?: readonly string[];
  /** Defaults to the system resolver (`dns.lookup`, every address). */
  resolve?: ResolveHost;
}

/** A checked destination: connect to `address` (never resolve the name again, or DNS could rebind it). */
export interface CheckedHost {
  address: string;
  family: 4 | 6;
  /** For http.request: hands the socket the checked address. */
  lookup: LookupFunction;
}

// Loopback, "this network", RFC 1918, CGNAT, link-local (cloud metadata at 169.254.169.254), Alibaba's metadata,
// benchmarking, multicast and reserved; their IPv6 counterparts, including unique-local and the EC2 metadata address.
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(network, prefix, "ipv4");
blocked.addAddress("100.100.100.200", "ipv4");
for (const [network, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8]] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}
blocked.addAddress("fd00:ec2::254", "ipv6");

const mapped = new BlockList();
mapped.addSubnet("::ffff:0:0", 96, "ipv6");

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:127.0.0.1`, `::ffff:7f00:1`), else undefined. */
function unmapped(address: string): string | undefined {
  if (isIP(address) !== 6 || !mapped.check(address, "ipv6")) return undefined;
  const tail = address.slice(address.lastIndexOf(":") + 1);
  if (isIP(tail) === 4) return tail;
  const [high, low] = address.split(":").slice(-2).map((group) => Number.parseInt(group, 16)) as [number, number];
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

function familyOf(address: string): "ipv4" | "ipv6" {
  return isIP(address) === 4 ? "ipv4" : "ipv6";
}

/** True for loopback, link-local, private, CGNAT, metadata and other non-public addresses. */
export function isPrivateAddress(address: string): boolean {
  const inner = unmapped(address) ?? address;
  return blocked.check(inner, familyOf(inner));
}

function allowList(entries: readonly string[]) {
  const names = new Set<string>();
  const addresses = new BlockList();
  for (const entry of entries) {
    const [network, prefix] = entry.split("/");
    const version = isIP(network!);
    if (version === 0) names.add(entry.toLowerCase());
    else if (prefix === undefined) addresses.addAddress(network!, version === 4 ? "ipv4" : "ipv6");
    else addresses.addSubnet(network!, Number(prefix), version === 4 ? "ipv4" : "ipv6");
  }
  return {
    hasName: (hostname: string) => names.has(hostname.toLowerCase()),
    hasAddress: (address: string) => {
      const inner = unmapped(address) ?? address;
      return addresses.check(address, familyOf(address)) || addresses.check(inner, familyOf(inner));
    },
  };
}

/**
 * Resolves a URL's host once, refuses it when any of its addresses is private (unless PINCER_FETCH_ALLOW lists the
 * name or the address), and returns the address to connect to.
 */
export function createAddressGuard(options: AddressGuardOptions = {}) {
  const allowed = allowList(options.allow ?? []);
  const resolve: ResolveHost = options.resolve ?? ((hostname) => lookup(hostname, { all: true, verbatim: true }));

  async function check(url: URL): Promise<CheckedHost> {
    const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const addresses = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) }] : await resolveOrThrow(hostname);
    if (!allowed.hasName(hostname)) {
      const refused = addresses.find(({ address }) => isPrivateAddress(address) && !allowed.hasAddress(address));
      if (refused) {
        const where = refused.address === hostname ? hostname : `${hostname} (${refused.address})`;
        throw new BridgeError(
          "unauthorized",
          `Refused: ${where} is a loopback, private, link-local or metadata address (PINCER_FETCH_ALLOW can allow it).`,
        );
      }
    }
    const { address } = addresses[0]!;
    const family = isIP(address) === 6 ? 6 : 4;
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    };
    return { address, family, lookup: pinned };
  }

  async function resolveOrThrow(hostname: string) {
    try {
      const addresses = await resolve(hostname);
      if (addresses.length === 0) throw new Error("no address");
      return addresses;
    } catch (error) {
      throw new BridgeError("upstream", `Could not resolve ${hostname}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  return { check };
}
