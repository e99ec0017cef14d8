import ipaddr from 'ipaddr.js';

// Only 2000::/3 is allocated as global unicast; ipaddr.js labels the rest of the v6 space
// "unicast" too, and connecting there is never a legitimate webhook destination.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * True for any address a webhook must not reach: loopback, private, unique-local, link-local
 * (cloud metadata), CGNAT, multicast, unspecified, broadcast, reserved and documentation ranges,
 * and IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo). Anything that is not
 * an IP address is refused too, so a parsing surprise fails closed.
 */
export function isForbiddenAddress(ip: string): boolean {
  const address = parseAddress(ip);
  if (!address) return true;
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return isForbiddenV4(v6.toIPv4Address());
    return v6.range() !== 'unicast' || !v6.match(GLOBAL_UNICAST_V6);
  }
  return isForbiddenV4(address as ipaddr.IPv4);
}

/**
 * True when the URL names a refused address literally, or `localhost` (which resolves to loopback
 * without asking DNS). Such a URL can be rejected up front instead of at delivery time.
 * Names that merely resolve to a refused address are caught when connecting.
 */
export function literalForbiddenHost(url: string): boolean {
  const host = hostnameOf(url);
  if (host === undefined) return false;
  const bare = host.replace(/\.$/, '');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  const ip = literalIp(host);
  return ip !== undefined && isForbiddenAddress(ip);
}

/** The IP address a URL names literally (brackets stripped from IPv6), or undefined for a name. */
export function literalIpOf(url: string): string | undefined {
  const host = hostnameOf(url);
  return host === undefined ? undefined : literalIp(host);
}

function isForbiddenV4(address: ipaddr.IPv4): boolean {
  return address.range() !== 'unicast';
}

function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // Zone ids (fe80::1%eth0) only occur on link-local addresses, which are refused anyway.
  const bare = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  // isValidFourPartDecimal keeps out shorthand like "127.1" or "0x7f.0.0.1": resolvers and
  // net.connect hand back dotted quads, so anything else is not what it claims to be.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return undefined;
}

// WHATWG URL parsing lower-cases the host and normalises IPv4 forms such as 2130706433 or
// 0x7f.1 to 127.0.0.1, the same parsing the HTTP client applies before connecting.
function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function literalIp(hostname: string): string | undefined {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return hostname.slice(1, -1);
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? hostname : undefined;
}
