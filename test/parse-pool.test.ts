import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ParsePool, type ParseRequest } from '../src/core/feeds/parse-pool.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORPORA = path.resolve(ROOT, '../shared/corpora');
const NOW = '2030-01-01T00:00:00.000Z';
const run = promisify(execFile);

const request = (bytes: Uint8Array | string, url = 'https://feeds.example.test/feed', contentType: string | null = null): ParseRequest => ({
  kind: 'auto',
  bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes,
  contentType,
  url,
  now: NOW,
});
const corpus = (rel: string) => fs.readFileSync(path.join(CORPORA, rel));

describe('ParsePool', () => {
  const pool = new ParsePool({ size: 2, timeoutMs: 20_000 });
  afterAll(() => pool.close());

  it('parses a real feed in a worker', async () => {
    const r = await pool.parse(request(corpus('feeds/rss-parser/input/heise.atom')));
    expect(r.type).toBe('feed');
    if (r.type !== 'feed') return;
    expect([r.encoding, r.feed.kind, r.feed.items.length]).toEqual(['utf-8', 'atom', 15]);
    expect(r.feed.items[0]!.title).toBe('Java-Anwendungsserver: Red Hat gibt WildFly 10 frei');
  });

  it('decodes with the declared charset before parsing (ISO-8859-1 feed)', async () => {
    const r = await pool.parse(request(corpus('feeds/encodings/reader-parser/encoding_ISO-8859-1.xml'), 'https://x.example/feed', 'application/rss+xml; charset=ISO-8859-1'));
    expect(r.type).toBe('feed');
    if (r.type !== 'feed') return;
    expect(r.encoding).toBe('windows-1252');
    expect(r.feed.items[5]!.title).toBe('Projekt Jedi: Microsoft will weiter mit US-Militär zusammenarbeiten');
  });

  it('answers an HTML page with its feeds and its article', async () => {
    const r = await pool.parse(request(corpus('pages/readability/heise/source.html'), 'http://fakehost/test/page.html', 'text/html'));
    expect(r.type).toBe('page');
    if (r.type !== 'page') return;
    expect(r.feeds.map((f) => f.url)).toEqual(['http://www.heise.de/mac-and-i/news-atom.xml', 'http://www.heise.de/mac-and-i/news.rdf']);
    expect(r.page.title).toBe('1Password für Mac generiert Einmal-Passwörter');
    expect(r.page.readerable).toBe(true);
  });

  it.each([
    ['plain text', 'hello there', 'not a feed: the document is neither XML nor JSON'],
    ['broken JSON', '{"version": "https://jsonfeed.org/version/1", "items": [', 'malformed JSON: '],
    ['an XML document that is no feed', '<?xml version="1.0"?><note/>', 'not a feed: the root element is <note>'],
  ])('answers %s with a clear error instead of throwing', async (_what, body, message) => {
    const r = await pool.parse(request(body));
    expect(r.type).toBe('error');
    if (r.type === 'error') expect(r.message.startsWith(message)).toBe(true);
  });

  it('runs queued tasks to completion with two workers', async () => {
    const files = ['reddit.rss', 'guardian.rss', 'craigslist.rss', 'heise.atom', 'feedburner.atom', 'narro.rss'];
    const results = await Promise.all(files.map((f) => pool.parse(request(corpus(`feeds/rss-parser/input/${f}`)))));
    expect(results.map((r) => (r.type === 'feed' ? r.feed.items.length : r.type))).toEqual([24, 55, 25, 15, 25, 1]);
    expect(pool.workerCount).toBe(2);
  });
});

describe('ParsePool time limit', () => {
  it('stops a stuck task and a pathological real input, replacing the worker each time', async () => {
    const pool = new ParsePool({ size: 1, timeoutMs: 600 });
    try {
      // Warm the worker first, so the limit measures the task and not the worker's start-up.
      expect((await pool.parse(request('<rss version="2.0"><channel><item><title>warm</title></item></channel></rss>'))).type).toBe('feed');
      const hung = pool.hangForTest();
      const queued = pool.parse(request('<rss version="2.0"><channel><item><title>after</title></item></channel></rss>'));
      expect(await hung).toEqual({ type: 'error', message: 'parsing timed out after 0.6 s' });
      // The task queued behind the stuck one runs on a fresh worker.
      const after = await queued;
      expect(after.type === 'feed' && after.feed.items[0]!.title).toBe('after');
      expect(pool.workerCount).toBe(1);
      // HTML nested 200,000 deep: linkedom's parser needs many seconds for it.
      const deep = await pool.parse(request(`<html><body>${'<div>'.repeat(200_000)}x</body></html>`, 'https://x.example/', 'text/html'));
      expect(deep).toEqual({ type: 'error', message: 'parsing timed out after 0.6 s' });
      const again = await pool.parse(request('<rss version="2.0"><channel><item><title>again</title></item></channel></rss>'));
      expect(again.type === 'feed' && again.feed.items[0]!.title).toBe('again');
    } finally {
      await pool.close();
    }
  });
});

describe('ParsePool limits and shutdown', () => {
  it('refuses work beyond its bounded queue at once', async () => {
    const pool = new ParsePool({ size: 1, timeoutMs: 30_000, maxQueue: 1 });
    const running = pool.hangForTest();
    const waiting = pool.parse(request('<rss version="2.0"><channel></channel></rss>'));
    expect(await pool.parse(request('<rss/>'))).toEqual({ type: 'error', message: 'parser is busy (queue full at 1); try again shortly' });
    await pool.close();
    expect([await running, await waiting]).toEqual([{ type: 'error', message: 'parser is shut down' }, { type: 'error', message: 'parser is shut down' }]);
  });

  it('fails running and queued tasks on close, and everything after it', async () => {
    const pool = new ParsePool({ size: 1, timeoutMs: 30_000 });
    const running = pool.hangForTest();
    const queued = pool.parse(request('<rss/>'));
    await new Promise((r) => setTimeout(r, 50));
    await pool.close();
    const down = { type: 'error', message: 'parser is shut down' };
    expect(await running).toEqual(down);
    expect(await queued).toEqual(down);
    expect(await pool.parse(request('<rss/>'))).toEqual(down);
    expect(pool.workerCount).toBe(0);
  });
});

describe('ParsePool outside vitest', () => {
  // The worker is TypeScript with no build step: prove the bootstrap works under the project's
  // real runners too, not only under vitest's module loader. The two child processes start when
  // this file loads, so they overlap with the tests above.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-pool-'));
  const script = path.join(dir, 'check.mts');
  fs.writeFileSync(
    script,
    `import { ParsePool } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/core/feeds/parse-pool.ts')).href)};
const pool = new ParsePool({ size: 1, timeoutMs: 1000 });
const feed = await pool.parse({ kind: 'auto', bytes: new TextEncoder().encode('<rss version="2.0"><channel><item><title>from a script</title></item></channel></rss>'), contentType: null, url: 'http://x/', now: ${JSON.stringify(NOW)} });
const hang = await pool.hangForTest();
await pool.close();
console.log(JSON.stringify({ title: feed.type === 'feed' ? feed.feed.items[0].title : feed, hang }));
`,
  );
  const runs = Promise.all([
    run(path.join(ROOT, 'node_modules/.bin/tsx'), [script], { cwd: ROOT, timeout: 60_000 }),
    run(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, timeout: 60_000 }),
  ]);
  // Settled here too, so a failure is reported by the test below rather than as an unhandled rejection.
  runs.catch(() => undefined);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('works under `tsx script.mts` and `node --import tsx script.mts`', async () => {
    const [viaTsx, viaNode] = await runs;
    const expected = { title: 'from a script', hang: { type: 'error', message: 'parsing timed out after 1 s' } };
    expect(JSON.parse(viaTsx.stdout.trim())).toEqual(expected);
    expect(JSON.parse(viaNode.stdout.trim())).toEqual(expected);
  });
});
