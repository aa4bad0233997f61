import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAddress, isBlockedAddress, parseSourceUrl } from '../src/core/feeds/address-policy.ts';
import { FetchError, fetchWithRetry, safeFetch } from '../src/core/feeds/safe-fetch.ts';
import { startFeedServer, type FeedServer } from './feed-server.ts';

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  server.route('/ok.xml', { body: '<rss version="2.0"><channel><title>OK</title></channel></rss>' });
});
afterAll(() => server.close());

/** Only 127.0.0.1 (our test server) is allowed; everything else private stays blocked. */
const onlyTestServer = (ip: string) => ip !== '127.0.0.1' && isBlockedAddress(ip);

async function refusal(url: string, opts: Parameters<typeof safeFetch>[1] = {}): Promise<FetchError> {
  try {
    await safeFetch(url, { timeoutMs: 2000, ...opts });
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error(`${url} was fetched`);
}

describe('address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:c0a8:0101::1', 'private'],
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
    expect(isBlockedAddress(ip)).toBe(cls !== 'public');
  });

  it.each([
    ['ftp://example.org/feed', '"ftp://example.org/feed": only http and https URLs can be sources'],
    ['file:///etc/passwd', '"file:///etc/passwd": only http and https URLs can be sources'],
    ['data:text/xml,<rss/>', '"data:text/xml,<rss/>": only http and https URLs can be sources'],
    ['javascript:alert(1)', '"javascript:alert(1)": only http and https URLs can be sources'],
    ['https://user:pass@example.org/feed', '"https://user:pass@example.org/feed": credentials in URLs are not allowed'],
    ['http://[::1', '"http://[::1": not a valid URL'],
  ])('parseSourceUrl refuses %s', (input, message) => {
    expect(() => parseSourceUrl(input)).toThrow(message);
  });

  it('normalises decimal, hex and octal IPv4 hosts so they are checked for what they are', () => {
    expect(parseSourceUrl('http://2130706433/').hostname).toBe('127.0.0.1');
    expect(parseSourceUrl('http://0x7f.1/').hostname).toBe('127.0.0.1');
    expect(parseSourceUrl('http://0177.0.0.1/').hostname).toBe('127.0.0.1');
    expect(parseSourceUrl('example.org/feed').toString()).toBe('https://example.org/feed');
  });
});

describe('SSRF: private destinations are refused before any connection', () => {
  it.each([
    'http://127.0.0.1:PORT/ok.xml',
    'http://2130706433:PORT/ok.xml',
    'http://0x7f.0.0.1:PORT/ok.xml',
    'http://0177.0.0.1:PORT/ok.xml',
    'http://[::1]:PORT/ok.xml',
    'http://[::ffff:127.0.0.1]:PORT/ok.xml',
    'http://[::ffff:7f00:1]:PORT/ok.xml',
    'http://localhost:PORT/ok.xml',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.0.1/',
    'http://100.64.0.1/',
    'http://0.0.0.0:PORT/ok.xml',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
  ])('%s', async (template) => {
    const before = server.hits('/ok.xml');
    const err = await refusal(template.replace('PORT', String(server.port)));
    expect(err.kind).toBe('blocked');
    expect(err.message).toMatch(/^"http:\/\/[^"]+": blocked: /);
    expect(server.hits('/ok.xml')).toBe(before);
  });

  it('refuses a DNS name that resolves to loopback, and one with a mix of public and private answers uses only the public one', async () => {
    const err = await refusal(`http://news.example:${server.port}/ok.xml`, { lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect(err.message).toBe(`"http://news.example:${server.port}/ok.xml": blocked: news.example resolves to a private address`);
    // Mixed answers: the private one is never tried. (The public one is unreachable here, so the
    // test injects a policy that treats 127.0.0.2 as "public" and checks it was the one used.)
    const res = await safeFetch(`http://mixed.example:${server.port}/ok.xml`, {
      lookup: async () => [{ address: '10.0.0.1', family: 4 }, { address: '127.0.0.1', family: 4 }],
      isBlocked: onlyTestServer,
    });
    expect(res.peerAddress).toBe('127.0.0.1');
  });

  it('refuses a redirect from an allowed host to a private one, on the hop', async () => {
    server.route('/redirect-private', { status: 302, body: '', headers: { location: `http://127.0.0.2:${server.port}/ok.xml` } });
    server.route('/redirect-file', { status: 302, body: '', headers: { location: 'file:///etc/passwd' } });
    const err = await refusal(`${server.url}/redirect-private`, { isBlocked: onlyTestServer });
    expect(err.kind).toBe('blocked');
    expect(err.message).toBe(`"http://127.0.0.2:${server.port}/ok.xml": blocked: 127.0.0.2 is a private or reserved address`);
    const file = await refusal(`${server.url}/redirect-file`, { isBlocked: onlyTestServer });
    expect(file.message).toMatch(/redirects to a refused URL \(only http and https URLs can be sources\)/);
  });

  it('checks the address actually connected to, not only what DNS said', async () => {
    // DNS claims a "public" address, but the socket ends up on loopback.
    const err = await refusal(`http://sneaky.example:${server.port}/ok.xml`, {
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
      isBlocked: (ip) => ip === '127.0.0.1' && !checkedOnce(),
    });
    expect(err.message).toMatch(/blocked: connected to private address 127\.0\.0\.1/);
  });

  it('reaches the local server when private sources are allowed (as tests and intranets configure)', async () => {
    const res = await safeFetch(`${server.url}/ok.xml`, { allowPrivate: true });
    expect(res.status).toBe(200);
    expect(new TextDecoder().decode(res.body)).toContain('<title>OK</title>');
    expect(res.peerAddress).toBe('127.0.0.1');
  });
});

let checks = 0;
/** The first policy call (DNS) says "fine"; later calls (the connected socket) see the truth. */
function checkedOnce(): boolean {
  checks++;
  return checks === 1;
}

describe('hostile servers', () => {
  const allow = { allowPrivate: true } as const;
  it('answers a clear 404', async () => {
    const err = await refusal(`${server.url}/missing`, allow);
    expect(err.message).toBe(`"${server.url}/missing": HTTP 404`);
    expect(err.status).toBe(404);
  });
  it('gives up on a slowloris body at the total deadline', async () => {
    const started = Date.now();
    const err = await refusal(`${server.url}/hostile/slowloris`, { ...allow, timeoutMs: 500 });
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`"${server.url}/hostile/slowloris": no complete response within 0.5 s`);
    expect(Date.now() - started).toBeLessThan(3000);
  });
  it('gives up on a server that never answers', async () => {
    const err = await refusal(`${server.url}/hostile/hang`, { ...allow, timeoutMs: 400 });
    expect(err.kind).toBe('timeout');
  });
  it('stops a gzip bomb at the decompressed cap', async () => {
    const err = await refusal(`${server.url}/hostile/gzip-bomb`, allow);
    expect(err.kind).toBe('too-large');
    expect(err.message).toBe(`"${server.url}/hostile/gzip-bomb": response larger than 15 MiB`);
  });
  it('stops a 50 MB page without buffering it', async () => {
    const before = process.memoryUsage().rss;
    const err = await refusal(`${server.url}/hostile/huge`, { ...allow, timeoutMs: 10_000 });
    expect(err.kind).toBe('too-large');
    expect(process.memoryUsage().rss - before).toBeLessThan(45 * 1024 * 1024);
  });
  it('stops endless redirects and follows a short chain', async () => {
    const loop = await refusal(`${server.url}/hostile/loop`, allow);
    expect(loop.kind).toBe('too-many-redirects');
    const long = await refusal(`${server.url}/hostile/chain/6`, allow);
    expect(long.message).toBe(`"${server.url}/hostile/chain/6": more than 5 redirects`);
    const ok = await safeFetch(`${server.url}/hostile/chain/5`, allow);
    expect(ok.redirects).toHaveLength(5);
    expect(new TextDecoder().decode(ok.body)).toBe('arrived');
  });
  it('decodes gzip, deflate and brotli bodies', async () => {
    const zlib = await import('node:zlib');
    const text = '<rss version="2.0"><channel><title>Zipped</title></channel></rss>';
    server.route('/gz', { body: zlib.gzipSync(text), headers: { 'content-encoding': 'gzip' } });
    server.route('/br', { body: zlib.brotliCompressSync(text), headers: { 'content-encoding': 'br' } });
    server.route('/df', { body: zlib.deflateSync(text), headers: { 'content-encoding': 'deflate' } });
    for (const p of ['/gz', '/br', '/df']) expect(new TextDecoder().decode((await safeFetch(server.url + p, allow)).body)).toBe(text);
  });
  it('answers a conditional GET with 304 and an empty body', async () => {
    server.serveCorpus('/corpus/', new URL('../../shared/corpora/feeds/rss-parser/input/', import.meta.url).pathname);
    const first = await safeFetch(`${server.url}/corpus/rss-1.rss`, allow);
    expect(first.etag).toBeTruthy();
    const again = await safeFetch(`${server.url}/corpus/rss-1.rss`, { ...allow, headers: { 'if-none-match': first.etag! } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });
  it('retries 5xx and reports the tries when it keeps failing', async () => {
    let n = 0;
    server.route('/flaky', (_req, res) => {
      n++;
      res.writeHead(n < 3 ? 503 : 200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    const sleep = async () => {};
    expect((await fetchWithRetry(`${server.url}/flaky`, { ...allow, sleep })).status).toBe(200);
    expect(n).toBe(3);
    server.route('/down', { status: 503, body: 'down' });
    await expect(fetchWithRetry(`${server.url}/down`, { ...allow, sleep })).rejects.toThrow(`"${server.url}/down": HTTP 503 after 3 tries`);
    const notFound = fetchWithRetry(`${server.url}/missing`, { ...allow, sleep });
    await expect(notFound).rejects.toThrow(`"${server.url}/missing": HTTP 404`);
  });
});
