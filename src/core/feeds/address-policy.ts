import ipaddr from 'ipaddr.js';

export type AddressClass = 'public' | 'private' | 'loopback' | 'link-local' | 'cgnat' | 'multicast' | 'unspecified' | 'reserved' | 'metadata' | 'invalid';

const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

/** Classifies an IP address for SSRF checks; IPv4-mapped, NAT64 and 6to4 forms are judged by the IPv4 inside. */
export function classifyAddress(ip: string): AddressClass {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(ip.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return 'invalid';
  }
  if (METADATA.has(addr.toNormalizedString()) || METADATA.has(addr.toString())) return 'metadata';
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return classifyAddress(v6.toIPv4Address().toString());
    const parts = v6.toByteArray();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that decides.
    if (v6.match(ipaddr.IPv6.parse('64:ff9b::'), 96)) return classifyAddress(parts.slice(12).join('.'));
    if (v6.match(ipaddr.IPv6.parse('2002::'), 16)) return classifyAddress(parts.slice(2, 6).join('.'));
    // IPv4-compatible (deprecated ::a.b.c.d).
    if (parts.slice(0, 12).every((b) => b === 0) && !parts.slice(12).every((b) => b === 0) && !(parts[15] === 1 && parts.slice(12, 15).every((b) => b === 0))) {
      return classifyAddress(parts.slice(12).join('.'));
    }
  }
  switch (addr.range()) {
    case 'unicast':
      return 'public';
    case 'private':
    case 'uniqueLocal':
      return 'private';
    case 'loopback':
      return 'loopback';
    case 'linkLocal':
      return 'link-local';
    case 'carrierGradeNat':
      return 'cgnat';
    case 'multicast':
      return 'multicast';
    case 'unspecified':
      return 'unspecified';
    default:
      return 'reserved';
  }
}

/** True for every address a source must never be fetched from (anything but public unicast). */
export function isBlockedAddress(ip: string): boolean {
  return classifyAddress(ip) !== 'public';
}

/**
 * Validates what a moderator typed as a source URL: http(s) only, no credentials, a host.
 * WHATWG URL parsing also normalises decimal/hex/octal IPv4 hosts to dotted form, so the
 * address checks see the real address.
 */
export function parseSourceUrl(input: string): URL {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`);
  } catch {
    throw new Error(`"${text}": not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`"${text}": only http and https URLs can be sources`);
  }
  if (url.username || url.password) throw new Error(`"${text}": credentials in URLs are not allowed`);
  if (!url.hostname) throw new Error(`"${text}": the URL has no host`);
  url.hash = '';
  return url;
}
