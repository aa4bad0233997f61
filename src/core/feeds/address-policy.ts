import ipaddr from 'ipaddr.js';
import { UserError } from '../errors.ts';

/**
 * What an IP address is, for SSRF checks. Only 'public' may be fetched from; everything else is
 * some network the bot's host can reach but a moderator's URL must not.
 */
export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'metadata'
  | 'invalid';

/**
 * Cloud instance-metadata endpoints: the classic SSRF prize (credentials). Named separately so
 * they stay blocked even when private sources are allowed.
 */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean
  '169.254.170.2', // AWS ECS task credentials
  '100.100.100.200', // Alibaba Cloud
  'fd00:ec2::254', // AWS IPv6 IMDS
]);

const NAT64_WELL_KNOWN = ipaddr.IPv6.parse('64:ff9b::');
const SIX_TO_FOUR = ipaddr.IPv6.parse('2002::');
const GLOBAL_UNICAST = ipaddr.IPv6.parse('2000::');

function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  // Brackets from URL hosts and zone ids (fe80::1%eth0) are not part of the address.
  const bare = ip.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!bare || !ipaddr.isValid(bare)) return null;
  try {
    return ipaddr.parse(bare);
  } catch {
    return null;
  }
}

function v4FromBytes(bytes: number[]): string {
  return bytes.join('.');
}

function classifyV4(addr: ipaddr.IPv4): AddressClass {
  if (METADATA_ADDRESSES.has(addr.toString())) return 'metadata';
  // As a string: the bundled typings lag behind the ranges the library returns.
  switch (addr.range() as string) {
    case 'unicast':
      return 'public';
    case 'private':
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
    // broadcast, reserved (192.0.0/24, TEST-NETs, 198.18/15, 240/4), as112, amt
    default:
      return 'reserved';
  }
}

function classifyV6(addr: ipaddr.IPv6): AddressClass {
  if (METADATA_ADDRESSES.has(addr.toString())) return 'metadata';
  const bytes = addr.toByteArray();
  // Forms that carry an IPv4 address are judged by it: ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d
  // (translated), 64:ff9b::/96 (NAT64) and 2002:AABB:CCDD::/48 (6to4) all end up at that IPv4 host.
  if (addr.isIPv4MappedAddress() || addr.range() === 'rfc6145') return classifyV4(new ipaddr.IPv4(bytes.slice(12)));
  if (addr.match(NAT64_WELL_KNOWN, 96)) return classifyV4(new ipaddr.IPv4(bytes.slice(12)));
  if (addr.match(SIX_TO_FOUR, 16)) return classifyV4(new ipaddr.IPv4(bytes.slice(2, 6)));
  const head = bytes.slice(0, 12);
  if (head.every((b) => b === 0)) {
    // :: and ::1 are themselves; any other ::a.b.c.d is the deprecated IPv4-compatible form.
    const tail = bytes.slice(12);
    if (tail.every((b) => b === 0)) return 'unspecified';
    if (tail[0] === 0 && tail[1] === 0 && tail[2] === 0 && tail[3] === 1) return 'loopback';
    return classifyV4(ipaddr.IPv4.parse(v4FromBytes(tail)));
  }
  // As a string: the bundled typings lag behind the ranges the library returns.
  switch (addr.range() as string) {
    case 'unicast':
      // Only 2000::/3 is allocated global unicast; anything else is unassigned space.
      return addr.match(GLOBAL_UNICAST, 3) ? 'public' : 'reserved';
    case 'uniqueLocal':
    case 'deprecatedSiteLocal':
      return 'private';
    case 'loopback':
      return 'loopback';
    case 'linkLocal':
      return 'link-local';
    case 'multicast':
      return 'multicast';
    case 'unspecified':
      return 'unspecified';
    // teredo (tunnels to an embedded IPv4 we cannot vet), local-use NAT64 64:ff9b:1::/48,
    // documentation, benchmarking, discard, ORCHID, segment routing, …
    default:
      return 'reserved';
  }
}

/**
 * Classifies an IP address (v4 or v6, brackets and zone ids tolerated) for SSRF checks.
 * IPv4-mapped, IPv4-translated, IPv4-compatible, NAT64 and 6to4 forms are judged by the IPv4
 * address inside them, so `::ffff:7f00:1` is as much loopback as `127.0.0.1`.
 */
export function classifyAddress(ip: string): AddressClass {
  const addr = parseAddress(ip);
  if (!addr) return 'invalid';
  return addr.kind() === 'ipv4' ? classifyV4(addr as ipaddr.IPv4) : classifyV6(addr as ipaddr.IPv6);
}

/** True for every address a source must never be fetched from: anything but public unicast. */
export function isBlockedAddress(ip: string): boolean {
  return classifyAddress(ip) !== 'public';
}

/** URLs longer than this are refused: no feed needs one, and they bloat logs and replies. */
const MAX_URL_LENGTH = 4096;

/**
 * `example.org:8080/feed` or `localhost:8080` typed without a scheme must not read as a URL with
 * the scheme "example.org"; a dotless word before the colon (`javascript:1`) stays a scheme.
 */
const HOST_PORT_WITHOUT_SCHEME = /^(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+):\d+(?:[/?#]|$)/i;

/**
 * A URL as it may be echoed in an error message or a log: userinfo (a password) replaced by
 * `***`, so a refused `https://user:secret@host/` is never repeated into a channel.
 */
export function redactCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
}

/** What the user typed, fit to echo back: no password, and not 4,000 characters of it. */
function quoteInput(text: string): string {
  const redacted = redactCredentials(text);
  return redacted.length > 200 ? `${redacted.slice(0, 200)}…` : redacted;
}

/**
 * Validates what a moderator typed as a source URL and returns it normalised: http(s) only, no
 * credentials, a host, no fragment. A missing scheme means https. WHATWG URL parsing also turns
 * decimal, hex and octal IPv4 hosts (`http://2130706433/`, `http://0x7f.1/`) into dotted form, so
 * the address checks see the real address. Throws UserError naming the input.
 */
export function parseSourceUrl(input: string): URL {
  const text = input.trim();
  if (!text) throw new UserError('"": the URL is empty', { id: 'url.empty' });
  if (text.length > MAX_URL_LENGTH) throw new UserError(`"${quoteInput(text)}": the URL is longer than ${MAX_URL_LENGTH} characters`, { id: 'url.too-long', values: { maxUrlLength: MAX_URL_LENGTH } });
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) && !HOST_PORT_WITHOUT_SCHEME.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    throw new UserError(`"${quoteInput(text)}": not a valid URL`, { id: 'url.invalid' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`"${quoteInput(text)}": only http and https URLs can be sources`, { id: 'url.scheme' });
  }
  if (url.username || url.password) throw new UserError(`"${quoteInput(text)}": credentials in URLs are not allowed`, { id: 'url.credentials' });
  if (!url.hostname) throw new UserError(`"${quoteInput(text)}": the URL has no host`, { id: 'url.no-host' });
  url.hash = '';
  return url;
}
