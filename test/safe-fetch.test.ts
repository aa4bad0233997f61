import dc from 'node:diagnostics_channel';
import dns from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyAddress, isBlockedAddress, parseSourceUrl, redactCredentials } from '../src/core/feeds/address-policy.ts';
import { decodeBody } from '../src/core/feeds/charset.ts';
import { FetchError, fetchWithRetry, formatBytes, isRetryable, safeFetch, type FetchOptions } from '../src/core/feeds/safe-fetch.ts';
import { HOSTILE, startFeedServer, type FeedServer } from './feed-server.ts';

const CORPORA = path.resolve(import.meta.dirname, '../../shared/corpora');
const OK_BODY = '<rss version="2.0"><channel><title>OK</title></channel></rss>';

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  server.route('/ok.xml', { body: OK_BODY });
});
afterAll(() => server.close());

/**
 * Every TCP socket this process creates and every address one of them tries to connect to, seen
 * through Node's own diagnostics channel: the proof that a refusal happened before connecting.
 */
const sockets: Socket[] = [];
const attempts: string[] = [];
dc.subscribe('net.client.socket', (message) => {
  const { socket } = message as { socket: Socket };
  sockets.push(socket);
  socket.on('connectionAttempt', (ip: string) => attempts.push(ip));
});
beforeEach(() => {
  sockets.length = 0;
  attempts.length = 0;
});

/**
 * Tripwire: this file must never send a packet beyond loopback, even if safeFetch regresses. Any
 * connect to a non-loopback literal, or a DNS answer outside 127/8 and ::1, is turned into an
 * error before Node touches the network, and recorded so the test fails.
 */
const violations: string[] = [];
const loopbackOnly = (ip: string) => /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/.test(ip);
type LookupFn = (host: string, options: object, cb: (err: Error | null, address?: unknown, family?: number) => void) => void;
const realConnect = net.Socket.prototype.connect;
function guardedLookup(inner: LookupFn): LookupFn {
  return (host, options, cb) =>
    inner(host, options, (err, address, family) => {
      if (err) return cb(err);
      const list = Array.isArray(address) ? (address as Array<{ address: string }>).map((a) => a.address) : [String(address)];
      const outside = list.filter((a) => !loopbackOnly(a));
      if (outside.length) {
        violations.push(`${host} → ${outside.join(', ')}`);
        return cb(new Error(`test tripwire: ${host} resolved beyond loopback`));
      }
      cb(null, address, family);
    });
}
beforeAll(() => {
  net.Socket.prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]) {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string; lookup?: LookupFn } | number | string;
    if (typeof options === 'object' && options !== null && !options.path) {
      const host = (options.host ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
      if (net.isIP(host) && !loopbackOnly(host)) {
        violations.push(host);
        process.nextTick(() => this.destroy(new Error(`test tripwire: connect to ${host} refused`)));
        return this;
      }
      if (!net.isIP(host)) options.lookup = guardedLookup((options.lookup ?? dns.lookup) as LookupFn);
    }
    return (realConnect as (...a: unknown[]) => Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
});
afterAll(() => {
  net.Socket.prototype.connect = realConnect;
});
afterEach(() => {
  const seen = violations.splice(0);
  expect(seen, 'connections beyond loopback were attempted').toEqual([]);
});

/** Only 127.0.0.1 (this file's server) is allowed; 127.0.0.2, 10/8 and the rest stay blocked. */
const onlyTestServer = (ip: string) => ip !== '127.0.0.1' && isBlockedAddress(ip);
const allow = { allowPrivate: true } as const;

async function failure(url: string, opts: FetchOptions = {}): Promise<FetchError> {
  try {
    await safeFetch(url, { timeoutMs: 3000, ...opts });
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error(`${url} was fetched`);
}

const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe('classifyAddress / isBlockedAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:82b::200e', 'public'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00::1', 'private'],
    ['fc00::1', 'private'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::a00:1', 'reserved'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c0a8:0101::1', 'private'],
    ['2002:808:808::1', 'public'],
    ['2001::1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['', 'invalid'],
    ['not-an-ip', 'invalid'],
    ['1.2.3.4.5', 'invalid'],
    ['::ffff:1.2.3.400', 'invalid'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
    expect(isBlockedAddress(ip)).toBe(cls !== 'public');
  });
});

describe('parseSourceUrl', () => {
  it.each([
    ['ftp://x', '"ftp://x": only http and https URLs can be sources'],
    ['file:///etc/passwd', '"file:///etc/passwd": only http and https URLs can be sources'],
    ['data:text/xml,<rss/>', '"data:text/xml,<rss/>": only http and https URLs can be sources'],
    ['javascript:alert(1)', '"javascript:alert(1)": only http and https URLs can be sources'],
    ['JavaScript:1', '"JavaScript:1": only http and https URLs can be sources'],
    ['gopher://example.org/', '"gopher://example.org/": only http and https URLs can be sources'],
    ['ws://example.org/feed', '"ws://example.org/feed": only http and https URLs can be sources'],
    ['https://user:pass@example.org/feed', '"https://***@example.org/feed": credentials in URLs are not allowed'],
    ['https://user@example.org/feed', '"https://***@example.org/feed": credentials in URLs are not allowed'],
    ['https://a:p@ss@example.org/', '"https://***@example.org/": credentials in URLs are not allowed'],
    ['ftp://user:secret@example.org/', '"ftp://***@example.org/": only http and https URLs can be sources'],
    ['http://[::1', '"http://[::1": not a valid URL'],
    ['http://', '"http://": not a valid URL'],
    ['http://exa mple.org/', '"http://exa mple.org/": not a valid URL'],
    ['http://[fe80::1%25eth0]/', '"http://[fe80::1%25eth0]/": not a valid URL'],
    ['   ', '"": the URL is empty'],
  ])('refuses %s', (input, message) => {
    expect(() => parseSourceUrl(input)).toThrow(expect.objectContaining({ name: 'UserError', message, id: expect.stringMatching(/^url\./) }));
  });

  it('refuses a 5,000-character URL and quotes only its start', () => {
    const long = `https://example.org/${'a'.repeat(5000)}`;
    expect(() => parseSourceUrl(long)).toThrow(expect.objectContaining({ id: 'url.too-long', message: `"https://example.org/${'a'.repeat(180)}…": the URL is longer than 4096 characters` }));
  });

  it.each([
    [' https://Example.ORG:443/feed#top ', 'https://example.org/feed'],
    ['example.org/feed', 'https://example.org/feed'],
    ['example.org:8080/feed', 'https://example.org:8080/feed'],
    ['localhost:8080/feed', 'https://localhost:8080/feed'],
    ['HTTP://EXAMPLE.org/Path?q=1', 'http://example.org/Path?q=1'],
    ['http://café.example/', 'http://xn--caf-dma.example/'],
    // WHATWG URL turns every numeric IPv4 spelling into dotted form: the checks see the real address.
    ['http://2130706433/', 'http://127.0.0.1/'],
    ['http://0x7f000001/', 'http://127.0.0.1/'],
    ['http://0x7f.1/', 'http://127.0.0.1/'],
    ['http://0177.0.0.1/', 'http://127.0.0.1/'],
    ['http://127.1/', 'http://127.0.0.1/'],
    ['http://0/', 'http://0.0.0.0/'],
    ['http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/'],
    ['http:///example.org/feed', 'http://example.org/feed'],
  ])('normalises %s to %s', (input, href) => {
    expect(parseSourceUrl(input).href).toBe(href);
  });

  it('redacts credentials for messages', () => {
    expect(redactCredentials('https://u:p@x.example/a@b')).toBe('https://***@x.example/a@b');
    expect(redactCredentials('https://x.example/a@b')).toBe('https://x.example/a@b');
  });
});

describe('SSRF: private destinations are refused before any connection', () => {
  // [what the moderator typed, the URL as normalised (and quoted in the message), the address refused]
  it.each([
    ['http://127.0.0.1:PORT/ok.xml', 'http://127.0.0.1:PORT/ok.xml', '127.0.0.1'],
    ['http://2130706433:PORT/ok.xml', 'http://127.0.0.1:PORT/ok.xml', '127.0.0.1'],
    ['http://0x7f.0.0.1:PORT/ok.xml', 'http://127.0.0.1:PORT/ok.xml', '127.0.0.1'],
    ['http://0177.0.0.1:PORT/ok.xml', 'http://127.0.0.1:PORT/ok.xml', '127.0.0.1'],
    ['http://127.1:PORT/ok.xml', 'http://127.0.0.1:PORT/ok.xml', '127.0.0.1'],
    ['http://0.0.0.0:PORT/ok.xml', 'http://0.0.0.0:PORT/ok.xml', '0.0.0.0'],
    ['http://0:PORT/ok.xml', 'http://0.0.0.0:PORT/ok.xml', '0.0.0.0'],
    ['http://[::1]:PORT/ok.xml', 'http://[::1]:PORT/ok.xml', '::1'],
    ['http://[::]:PORT/ok.xml', 'http://[::]:PORT/ok.xml', '::'],
    ['http://[::ffff:127.0.0.1]:PORT/ok.xml', 'http://[::ffff:7f00:1]:PORT/ok.xml', '::ffff:7f00:1'],
    ['http://[::ffff:7f00:1]:PORT/ok.xml', 'http://[::ffff:7f00:1]:PORT/ok.xml', '::ffff:7f00:1'],
    ['http://[64:ff9b::7f00:1]:PORT/ok.xml', 'http://[64:ff9b::7f00:1]:PORT/ok.xml', '64:ff9b::7f00:1'],
    ['http://[fe80::1]/', 'http://[fe80::1]/', 'fe80::1'],
    ['http://[fd00::1]/', 'http://[fd00::1]/', 'fd00::1'],
    ['http://10.0.0.1/', 'http://10.0.0.1/', '10.0.0.1'],
    ['http://172.16.5.4:8080/feed', 'http://172.16.5.4:8080/feed', '172.16.5.4'],
    ['http://192.168.0.1/', 'http://192.168.0.1/', '192.168.0.1'],
    ['http://100.64.0.1/', 'http://100.64.0.1/', '100.64.0.1'],
    ['http://224.0.0.1/', 'http://224.0.0.1/', '224.0.0.1'],
    ['http://255.255.255.255/', 'http://255.255.255.255/', '255.255.255.255'],
  ])('%s', async (typed, shown, ip) => {
    const port = String(server.port);
    const connectionsBefore = server.connections();
    const err = await failure(typed.replace('PORT', port));
    expect(err.kind).toBe('blocked');
    expect(err.message).toBe(`"${shown.replace('PORT', port)}": blocked: ${ip} is a private or reserved address`);
    expect(sockets).toHaveLength(0);
    expect(server.connections()).toBe(connectionsBefore);
  });

  it.each(['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/latest/meta-data/', 'http://[::ffff:a9fe:a9fe]/latest/meta-data/'])(
    'refuses the metadata endpoint %s, even with private sources allowed',
    async (url) => {
      for (const opts of [{}, allow]) {
        const err = await failure(url, opts);
        expect(err.kind).toBe('blocked');
        expect(err.message).toMatch(/^"http:\/\/[^"]+": blocked: \S+ is a cloud metadata address$/);
      }
      expect(sockets).toHaveLength(0);
    },
  );

  it('refuses a name that resolves to loopback, from an injected resolver and from the system one (localhost)', async () => {
    const before = server.connections();
    const injected = await failure(`http://news.example:${server.port}/ok.xml`, { lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect(injected.message).toBe(`"http://news.example:${server.port}/ok.xml": blocked: news.example resolves to a private address`);
    const system = await failure(`http://localhost:${server.port}/ok.xml`);
    expect(system.message).toBe(`"http://localhost:${server.port}/ok.xml": blocked: localhost resolves to a private address`);
    expect(attempts).toEqual([]);
    expect(server.connections()).toBe(before);
  });

  it.each([
    ['public then private', [{ address: '93.184.216.34', family: 4 as const }, { address: '10.0.0.1', family: 4 as const }]],
    ['private then public', [{ address: '10.0.0.1', family: 4 as const }, { address: '93.184.216.34', family: 4 as const }]],
    ['public v4, loopback v6', [{ address: '93.184.216.34', family: 4 as const }, { address: '::1', family: 6 as const }]],
    ['IPv4-mapped loopback', [{ address: '::ffff:127.0.0.1', family: 6 as const }]],
    ['NAT64 private', [{ address: '64:ff9b::a00:1', family: 6 as const }]],
    ['6to4 private', [{ address: '2002:c0a8:101::1', family: 6 as const }]],
    ['metadata', [{ address: '169.254.169.254', family: 4 as const }]],
  ])('refuses a public-looking name whose DNS answers include a blocked address (%s)', async (_name, answers) => {
    const err = await failure('https://public.example/feed', { lookup: async () => answers });
    expect(err.kind).toBe('blocked');
    expect(err.message).toBe('"https://public.example/feed": blocked: public.example resolves to a private address');
    expect(attempts).toEqual([]);
  });

  it('refuses each redirect hop to a blocked address before connecting to it', async () => {
    const port = server.port;
    const cases: Array<[string, string]> = [
      [HOSTILE.redirectLoopback, `"http://127.0.0.2:${port}/ok.xml": blocked: 127.0.0.2 is a private or reserved address`],
      [HOSTILE.redirectPrivate, '"http://10.0.0.1/feed.xml": blocked: 10.0.0.1 is a private or reserved address'],
      [HOSTILE.redirectMetadata, '"http://169.254.169.254/latest/meta-data/": blocked: 169.254.169.254 is a cloud metadata address'],
    ];
    const okHits = server.hits('/ok.xml');
    for (const [route, message] of cases) {
      const err = await failure(`${server.url}${route}`, { isBlocked: onlyTestServer });
      expect(err.kind).toBe('blocked');
      expect(err.message).toBe(message);
      expect(server.hits(route)).toBe(1);
    }
    // The first hop of each went to the test server; no hop went anywhere else.
    expect(attempts).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(server.hits('/ok.xml')).toBe(okHits);
  });

  it('refuses a redirect to a name that resolves privately, and to a non-http scheme', async () => {
    server.route('/to-internal', { status: 302, body: '', headers: { location: `http://intranet.example:${server.port}/ok.xml` } });
    const lookup = async (host: string) => (host === 'intranet.example' ? [{ address: '10.1.1.1', family: 4 as const }] : []);
    const internal = await failure(`${server.url}/to-internal`, { isBlocked: onlyTestServer, lookup });
    expect(internal.message).toBe(`"http://intranet.example:${server.port}/ok.xml": blocked: intranet.example resolves to a private address`);
    const file = await failure(`${server.url}${HOSTILE.redirectFile}`, { isBlocked: onlyTestServer });
    expect(file.kind).toBe('blocked');
    expect(file.message).toBe(`"${server.url}${HOSTILE.redirectFile}": redirect to "file:///etc/passwd" refused: only http and https URLs can be sources`);
    server.route('/to-creds', { status: 301, body: '', headers: { location: `http://admin:hunter2@127.0.0.1:${server.port}/ok.xml` } });
    const creds = await failure(`${server.url}/to-creds`, { isBlocked: onlyTestServer });
    expect(creds.message).toBe(`"${server.url}/to-creds": redirect to "http://***@127.0.0.1:${server.port}/ok.xml" refused: credentials in URLs are not allowed`);
    expect(attempts).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('checks the address actually connected to, not only what DNS said (rebinding between the two)', async () => {
    // The resolver-time check sees 127.0.0.1 as fine, the connected-socket check does not: the
    // socket must be dropped before the request is written.
    let checks = 0;
    const rebinding = (ip: string) => ip === '127.0.0.1' && ++checks > 1;
    const before = { connections: server.connections(), open: server.openConnections(), hits: server.hits('/ok.xml') };
    const err = await failure(`http://rebind.example:${server.port}/ok.xml`, { lookup: async () => [{ address: '127.0.0.1', family: 4 }], isBlocked: rebinding });
    expect(err.kind).toBe('blocked');
    expect(err.message).toBe(`"http://rebind.example:${server.port}/ok.xml": blocked: connected to private address 127.0.0.1`);
    expect(server.connections()).toBe(before.connections + 1);
    // Once the server has seen the dropped connection close, it has read everything sent on it.
    for (let i = 0; i < 200 && server.openConnections() > before.open; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.openConnections()).toBeLessThanOrEqual(before.open);
    expect(server.hits('/ok.xml')).toBe(before.hits);
  });

  it('reaches the local server when private sources are allowed (ALLOW_PRIVATE_SOURCES=true)', async () => {
    const res = await safeFetch(`${server.url}/ok.xml`, allow);
    expect(res).toMatchObject({ url: `${server.url}/ok.xml`, status: 200, contentType: 'text/xml', etag: null, lastModified: null, redirects: [], peerAddress: '127.0.0.1' });
    expect(text(res.body)).toBe(OK_BODY);
    expect(res.durationMs).toBeGreaterThanOrEqual(0);
    // The same URL without the opt-in is refused.
    expect((await failure(`${server.url}/ok.xml`)).kind).toBe('blocked');
  });

  it.each([
    ['file:///etc/passwd', '"file:///etc/passwd": only http and https URLs can be sources'],
    ['data:text/xml,<rss/>', '"data:text/xml,<rss/>": only http and https URLs can be sources'],
    ['ftp://example.org/feed.xml', '"ftp://example.org/feed.xml": only http and https URLs can be sources'],
    ['javascript:alert(1)', '"javascript:alert(1)": only http and https URLs can be sources'],
    ['https://user:pass@example.org/feed', '"https://***@example.org/feed": credentials in URLs are not allowed'],
    ['http://[::1', '"http://[::1": not a valid URL'],
  ])('refuses %s without touching the network', async (url, message) => {
    const err = await failure(url, allow);
    expect(err.kind).toBe('invalid-url');
    expect(err.message).toBe(message);
    expect(err.message).not.toContain(':pass@');
    expect(sockets).toHaveLength(0);
  });
});

describe('hostile and broken servers (private allowed: the server is local)', () => {
  it('answers 404 and 500 with exact messages and the status', async () => {
    const missing = await failure(`${server.url}/missing`, allow);
    expect([missing.kind, missing.status, missing.message]).toEqual(['http', 404, `"${server.url}/missing": HTTP 404`]);
    const broken = await failure(`${server.url}${HOSTILE.error500}`, allow);
    expect([broken.kind, broken.status, broken.message]).toEqual(['http', 500, `"${server.url}/hostile/500": HTTP 500`]);
  });

  it('gives up on a slowloris body at the total deadline', async () => {
    // Without a deadline this would never return (the test's own timeout would fail it); the message
    // names the deadline that applied.
    const err = await failure(`${server.url}${HOSTILE.slowloris}`, { ...allow, timeoutMs: 500 });
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`"${server.url}/hostile/slowloris": no complete response within 0.5 s`);
  });

  it('gives up on a server that never sends headers, and on a resolver that never answers', async () => {
    const hang = await failure(`${server.url}${HOSTILE.hang}`, { ...allow, timeoutMs: 300 });
    expect(hang.message).toBe(`"${server.url}/hostile/hang": no complete response within 0.3 s`);
    const dns = await failure('http://stuck.example/feed', { timeoutMs: 300, lookup: () => new Promise(() => {}) });
    expect([dns.kind, dns.message]).toEqual(['timeout', '"http://stuck.example/feed": no complete response within 0.3 s']);
  });

  it.each([
    ['gzip', HOSTILE.gzipBomb],
    ['raw deflate', HOSTILE.deflateBomb],
    ['brotli', HOSTILE.brotliBomb],
  ])('stops a %s bomb at the decompressed cap', async (_name, route) => {
    // Inflating 15 MiB takes a loaded machine more than the default 3 s; the cap is what is tested.
    const err = await failure(`${server.url}${route}`, { ...allow, timeoutMs: 30_000 });
    expect(err.kind).toBe('too-large');
    expect(err.message).toBe(`"${server.url}${route}": response larger than 15 MiB`);
    // The whole bomb is tiny on the wire: the cap counted what it inflated to.
    expect(server.bytesSent(route)).toBeLessThan(64 * 1024);
  });

  it('stops a 50 MB stream at the cap instead of downloading it', async () => {
    const err = await failure(`${server.url}${HOSTILE.huge}`, { ...allow, timeoutMs: 10_000 });
    expect([err.kind, err.message]).toEqual(['too-large', `"${server.url}/hostile/huge": response larger than 15 MiB`]);
    expect(server.bytesSent(HOSTILE.huge)).toBeLessThan(40_000_000);
    const declared = await failure(`${server.url}${HOSTILE.hugeDeclared}`, allow);
    expect([declared.kind, declared.message]).toEqual(['too-large', `"${server.url}/hostile/huge-declared": response larger than 15 MiB`]);
  });

  it('applies a custom cap and names it in the message', async () => {
    server.route('/kilobytes', { body: 'x'.repeat(3000), type: 'text/plain' });
    expect((await failure(`${server.url}/kilobytes`, { ...allow, maxBytes: 1000 })).message).toBe(`"${server.url}/kilobytes": response larger than 1000 bytes`);
    expect((await failure(`${server.url}/kilobytes`, { ...allow, maxBytes: 2048 })).message).toBe(`"${server.url}/kilobytes": response larger than 2 KiB`);
    expect((await safeFetch(`${server.url}/kilobytes`, { ...allow, maxBytes: 3000 })).body).toHaveLength(3000);
    expect([formatBytes(15 * 1024 * 1024), formatBytes(1536), formatBytes(10)]).toEqual(['15 MiB', '1.5 KiB', '10 bytes']);
  });

  it('stops endless redirects, follows a chain of five, and honours maxRedirects', async () => {
    const loop = await failure(`${server.url}${HOSTILE.loop}`, allow);
    expect([loop.kind, loop.message]).toEqual(['too-many-redirects', `"${server.url}/hostile/loop": redirect loop back to ${server.url}/hostile/loop`]);
    const long = await failure(`${server.url}${HOSTILE.chain(6)}`, allow);
    expect([long.kind, long.message]).toEqual(['too-many-redirects', `"${server.url}/hostile/chain/6": more than 5 redirects`]);
    const ok = await safeFetch(`${server.url}${HOSTILE.chain(5)}`, allow);
    expect(ok.redirects).toEqual([4, 3, 2, 1, 0].map((n) => `${server.url}/hostile/chain/${n}`));
    expect([ok.url, text(ok.body)]).toEqual([`${server.url}/hostile/chain/0`, 'arrived']);
    const none = await failure(`${server.url}${HOSTILE.chain(1)}`, { ...allow, maxRedirects: 0 });
    expect(none.message).toBe(`"${server.url}/hostile/chain/1": more than 0 redirects`);
    server.route('/no-location', { status: 301, body: '' });
    expect((await failure(`${server.url}/no-location`, allow)).message).toBe(`"${server.url}/no-location": HTTP 301 without a Location header`);
  });

  it('decodes gzip, zlib and raw deflate, brotli and two stacked encodings; refuses unknown ones and deeper stacks', async () => {
    const body = '<rss version="2.0"><channel><title>Zipped – ünïcode</title></channel></rss>';
    const routes: Array<[string, Uint8Array, string]> = [
      ['/gz', zlib.gzipSync(body), 'gzip'],
      ['/xgz', zlib.gzipSync(body), 'x-gzip'],
      ['/zlib', zlib.deflateSync(body), 'deflate'],
      ['/raw', zlib.deflateRawSync(body), 'deflate'],
      ['/br', zlib.brotliCompressSync(body), 'br'],
      ['/stacked', zlib.brotliCompressSync(zlib.gzipSync(body)), 'gzip, br'],
      ['/identity', Buffer.from(body), 'identity'],
    ];
    for (const [route, bytes, coding] of routes) {
      server.route(route, { body: bytes, headers: { 'content-encoding': coding } });
      expect(text((await safeFetch(server.url + route, allow)).body), route).toBe(body);
    }
    // More than two codings (3,000 nested brotli layers, a header that fits in 16 KB) are refused, never decoded.
    let nested: Uint8Array = Buffer.from(body);
    for (let i = 0; i < 3000; i++) nested = zlib.brotliCompressSync(nested, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 0 } });
    server.route('/nested', { body: nested, headers: { 'content-encoding': Array(3000).fill('br').join(', ') } });
    const refused = await failure(`${server.url}/nested`, allow);
    expect([refused.kind, refused.message]).toEqual(['network', `"${server.url}/nested": 3000 stacked content encodings; at most 2 are decoded`]);
    server.route('/three', { body: zlib.gzipSync(zlib.brotliCompressSync(zlib.gzipSync(body))), headers: { 'content-encoding': 'gzip, br, gzip' } });
    expect((await failure(`${server.url}/three`, allow)).message).toBe(`"${server.url}/three": 3 stacked content encodings; at most 2 are decoded`);
    server.route('/zstd', { body: 'whatever', headers: { 'content-encoding': 'zstd' } });
    expect((await failure(`${server.url}/zstd`, allow)).message).toBe(`"${server.url}/zstd": unsupported content-encoding "zstd"`);
    server.route('/corrupt', { body: Buffer.from('not gzip at all'), headers: { 'content-encoding': 'gzip' } });
    const corrupt = await failure(`${server.url}/corrupt`, allow);
    expect([corrupt.kind, corrupt.message]).toEqual(['network', `"${server.url}/corrupt": body cannot be decompressed (incorrect header check)`]);
    server.route('/empty-gz', { body: '', headers: { 'content-encoding': 'gzip' } });
    expect((await safeFetch(`${server.url}/empty-gz`, allow)).body).toHaveLength(0);
    const sent = server.requests.find((r) => r.path === '/gz')!.headers;
    expect([sent['accept-encoding'], sent['user-agent']]).toEqual(['gzip, deflate, br', 'NewsdeskBot/1.0 (+https://github.com/newsdesk)']);
  });

  it('serves the corpora with validators and answers conditional GETs with 304 and an empty body', async () => {
    server.serveCorpus('/corpus/', path.join(CORPORA, 'feeds/rss-parser/input'));
    const first = await safeFetch(`${server.url}/corpus/rss-1.rss`, allow);
    expect([first.status, first.contentType]).toEqual([200, 'application/rss+xml']);
    expect(first.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(first.body.length).toBeGreaterThan(0);
    const byEtag = await safeFetch(`${server.url}/corpus/rss-1.rss`, { ...allow, headers: { 'If-None-Match': first.etag! } });
    expect([byEtag.status, byEtag.body.length, byEtag.etag]).toEqual([304, 0, first.etag]);
    const byDate = await safeFetch(`${server.url}/corpus/rss-1.rss`, { ...allow, headers: { 'if-modified-since': first.lastModified! } });
    expect([byDate.status, byDate.body.length]).toEqual([304, 0]);
    const stale = await safeFetch(`${server.url}/corpus/rss-1.rss`, { ...allow, headers: { 'if-none-match': '"something-else"' } });
    expect(stale.status).toBe(200);
    expect(server.requests.filter((r) => r.path === '/corpus/rss-1.rss').map((r) => r.headers['if-none-match'] ?? null)).toEqual([null, first.etag, null, '"something-else"']);
    expect((await failure(`${server.url}/corpus/../../../../etc/passwd`, allow)).status).toBe(404);
  });

  it('sends feedparser Header: lines and JSON Feed types as the fixtures ask', async () => {
    server.serveCorpus('/fp/', path.join(CORPORA, 'feeds/feedparser'));
    server.serveCorpus('/jf/', path.join(CORPORA, 'feeds/jsonfeed'));
    const gb = await safeFetch(`${server.url}/fp/encoding/http_application_atom_xml_gb2312_charset.xml`, allow);
    expect(gb.contentType).toBe("application/atom+xml;charset='gb2312'");
    expect(decodeBody(gb.body, gb.contentType)).toMatchObject({ encoding: 'gb18030', source: 'header' });
    const plain = await safeFetch(`${server.url}/fp/encoding/no_content_type_default.xml`, allow);
    expect(plain.contentType).toBe('text/xml');
    expect((await safeFetch(`${server.url}/jf/spec-examples/jsonfeed-1.1-simple.json`, allow)).contentType).toBe('application/feed+json');
    expect((await safeFetch(`${server.url}/jf/gofeed/version_json_10.json`, allow)).contentType).toBe('application/feed+json');
    expect((await safeFetch(`${server.url}/jf/gofeed/invalid/invalid.json`, allow)).contentType).toBe('application/json');
  });

  it('delivers bytes untouched so a lying charset header can be corrected by decodeBody', async () => {
    for (const route of [HOSTILE.wrongCharset, HOSTILE.lyingUtf8]) {
      const res = await safeFetch(server.url + route, allow);
      expect(decodeBody(res.body, res.contentType).text).toBe('<rss version="2.0"><channel><title>Café Jürgen</title></channel></rss>');
    }
  });

  it('reports refused connections, non-HTTP servers and DNS failures as such', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const refused = await failure(`http://127.0.0.1:${closed}/feed`, allow);
    expect([refused.kind, refused.message]).toEqual(['network', `"http://127.0.0.1:${closed}/feed": connection refused (ECONNREFUSED)`]);

    const garbage = net.createServer((s) => s.resume().end('SSH-2.0-OpenSSH_9.6\r\n'));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    const gport = (garbage.address() as AddressInfo).port;
    const notHttp = await failure(`http://127.0.0.1:${gport}/`, allow);
    expect([notHttp.kind, notHttp.message]).toEqual(['network', `"http://127.0.0.1:${gport}/": the server did not answer with HTTP (HPE_INVALID_CONSTANT)`]);
    await new Promise((r) => garbage.close(r));

    const nothing = await failure('http://gone.example/feed', { lookup: async () => [] });
    expect([nothing.kind, nothing.message]).toEqual(['dns', '"http://gone.example/feed": gone.example does not resolve']);
    const enotfound = await failure('http://gone.example/feed', { lookup: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })) });
    expect(enotfound.message).toBe('"http://gone.example/feed": gone.example does not resolve (ENOTFOUND)');
  });

  it('passes caller headers, refuses header injection, and can be cancelled', async () => {
    await safeFetch(`${server.url}/ok.xml`, { ...allow, headers: { 'X-Trace': 'abc' }, userAgent: 'Custom/2' });
    const last = server.requests.at(-1)!;
    expect([last.headers['x-trace'], last.headers['user-agent']]).toEqual(['abc', 'Custom/2']);
    const injected = await failure(`${server.url}/ok.xml`, { ...allow, headers: { 'if-none-match': '"x"\r\nX-Evil: 1' } });
    expect(injected.kind).toBe('invalid-url');
    expect(injected.message).toMatch(new RegExp(`^"${server.url}/ok.xml": request refused: `));

    const controller = new AbortController();
    const pending = failure(`${server.url}${HOSTILE.slowloris}`, { ...allow, signal: controller.signal, timeoutMs: 10_000 });
    setTimeout(() => controller.abort(), 100);
    expect((await pending).message).toBe(`"${server.url}/hostile/slowloris": cancelled`);
    const before = sockets.length;
    expect((await failure(`${server.url}/ok.xml`, { ...allow, signal: AbortSignal.abort() })).message).toBe(`"${server.url}/ok.xml": cancelled`);
    expect(sockets).toHaveLength(before);
  });
});

describe('fetchWithRetry', () => {
  const recordSleeps = () => {
    const waits: number[] = [];
    return { waits, sleep: async (ms: number) => void waits.push(ms) };
  };

  it('retries a 503 twice with backoff, then succeeds', async () => {
    let n = 0;
    server.route('/flaky', (_req, res) => {
      n++;
      res.writeHead(n < 3 ? 503 : 200, { 'content-type': 'text/plain' });
      res.end(n < 3 ? 'busy' : 'ok');
    });
    const { waits, sleep } = recordSleeps();
    const res = await fetchWithRetry(`${server.url}/flaky`, { ...allow, sleep, backoffMs: 100 });
    expect([res.status, text(res.body), n, waits]).toEqual([200, 'ok', 3, [100, 200]]);
  });

  it('reports the number of tries when it keeps failing', async () => {
    const { waits, sleep } = recordSleeps();
    const before = server.hits(HOSTILE.unavailable);
    const err = (await fetchWithRetry(`${server.url}${HOSTILE.unavailable}`, { ...allow, sleep }).then(
      () => null,
      (e: unknown) => e,
    )) as FetchError;
    expect(err).toBeInstanceOf(FetchError);
    expect([err.kind, err.status, err.message]).toEqual(['http', 503, `"${server.url}/hostile/503": HTTP 503 after 3 tries`]);
    expect(server.hits(HOSTILE.unavailable) - before).toBe(3);
    expect(waits).toEqual([1000, 2000]);
    const timeout = (await fetchWithRetry(`${server.url}${HOSTILE.hang}`, { ...allow, sleep, tries: 2, timeoutMs: 200 }).then(
      () => null,
      (e: unknown) => e,
    )) as FetchError;
    expect(timeout.message).toBe(`"${server.url}/hostile/hang": no complete response within 0.2 s after 2 tries`);
  });

  it('does not retry 4xx, refusals or a cancelled fetch', async () => {
    const { waits, sleep } = recordSleeps();
    const before = server.hits('/missing');
    await expect(fetchWithRetry(`${server.url}/missing`, { ...allow, sleep })).rejects.toThrow(new FetchError(`${server.url}/missing`, 'http', 'HTTP 404', 404));
    expect(server.hits('/missing') - before).toBe(1);
    await expect(fetchWithRetry('http://10.0.0.1/', { sleep })).rejects.toThrow('"http://10.0.0.1/": blocked: 10.0.0.1 is a private or reserved address');
    await expect(fetchWithRetry(`${server.url}/ok.xml`, { ...allow, sleep, signal: AbortSignal.abort() })).rejects.toThrow(`"${server.url}/ok.xml": cancelled`);
    expect(waits).toEqual([]);
  });

  it.each([
    [new FetchError('u', 'network', 'x'), true],
    [new FetchError('u', 'timeout', 'x'), true],
    [new FetchError('u', 'http', 'HTTP 500', 500), true],
    [new FetchError('u', 'http', 'HTTP 429', 429), true],
    [new FetchError('u', 'http', 'HTTP 404', 404), false],
    [new FetchError('u', 'blocked', 'x'), false],
    [new FetchError('u', 'too-large', 'x'), false],
    [new FetchError('u', 'dns', 'u does not resolve (EAI_AGAIN)'), true],
    [new FetchError('u', 'dns', 'u does not resolve (ENOTFOUND)'), false],
    [new Error('other'), false],
  ])('isRetryable(%s) is %s', (err, expected) => {
    expect(isRetryable(err)).toBe(expected);
  });
});

describe('the feed server itself', () => {
  it('counts hits per path and records requests with flat headers', async () => {
    const probe = await startFeedServer();
    try {
      probe.route('/a', (_req, res) => res.end('a'));
      for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => http.get(`${probe.url}/a?x=${i}`, (res) => res.resume().on('end', resolve)));
      expect(probe.hits('/a')).toBe(2);
      expect(probe.hits('/b')).toBe(0);
      expect(probe.requests.map((r) => [r.method, r.path, typeof r.headers.host])).toEqual([
        ['GET', '/a', 'string'],
        ['GET', '/a', 'string'],
      ]);
      expect(probe.bytesSent('/a')).toBe(2);
    } finally {
      await probe.close();
    }
  });
});
