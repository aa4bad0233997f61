import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { startBot, tempDataDir, BOT_START_MS } from './helpers/bot-process.ts';

let server: FeedServer;
const dirs: string[] = [];

function bigFeed(name: string, n: number): string {
  const items = Array.from({ length: n }, (_, i) => `<item><guid>${name}-${i}</guid><title>${name} dispatch ${i}</title><link>https://${name}.example/${i}</link><description>Report ${i} from the ${name} desk about troops and markets.</description></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${name} wire</title>${items.join('')}</channel></rss>`;
}

beforeAll(async () => {
  server = await startFeedServer();
  server.route('/alpha.xml', { type: 'application/rss+xml', body: bigFeed('alpha', 300) });
  server.route('/bravo.xml', { type: 'application/rss+xml', body: bigFeed('bravo', 8000) });
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function console(dataDir: string, input: string) {
  const bot = startBot({ ALLOW_PRIVATE_SOURCES: 'true' }, { stdin: input, dataDir });
  const { code } = await bot.exited;
  return { code, out: bot.stdout() };
}

function counts(dataDir: string): { integrity: string; bySource: Record<string, number>; duplicates: number } {
  const db = new Database(path.join(dataDir, 'newsdesk.db'), { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? '';
    // Articles are stored on a feed's archive row (no guild; named after its first follower) or the seeds.
    const rows = db.prepare('SELECT s.name AS name, COUNT(a.seq) AS n FROM sources s LEFT JOIN articles a ON a.source_id = s.id WHERE s.guild_id IS NULL GROUP BY s.id').all() as Array<{ name: string; n: number }>;
    const duplicates = (db.prepare('SELECT COUNT(*) AS n FROM (SELECT source_id, dedupe_key FROM articles GROUP BY 1, 2 HAVING COUNT(*) > 1)').get() as { n: number }).n;
    return { integrity, bySource: Object.fromEntries(rows.map((r) => [r.name, r.n])), duplicates };
  } finally {
    db.close();
  }
}

describe('restart after kill -9 in the middle of an ingest', () => {
  it('loses and duplicates nothing, and search answers the same after restart', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const first = await console(dataDir, `/source add url:${server.url}/alpha.xml\n/search alpha dispatch 17\n`);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Added source `[a-z0-9]+`/);
    const before = first.out.slice(first.out.indexOf('results for'));

    // Kill the bot while it fetches, parses and stores an 8,000-item feed.
    const bot = startBot({ ALLOW_PRIVATE_SOURCES: 'true' }, { stdin: `/source add url:${server.url}/bravo.xml\n`, dataDir });
    const hitsBefore = server.hits('/bravo.xml');
    for (let i = 0; i < 400 && server.hits('/bravo.xml') === hitsBefore; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 300)));
    bot.kill('SIGKILL');
    const exited = await bot.exited;
    expect(exited.signal).toBe('SIGKILL');

    const after = counts(dataDir);
    expect(after.integrity).toBe('ok');
    expect(after.duplicates).toBe(0);
    expect(after.bySource['alpha wire']).toBe(300);
    expect(after.bySource['Seed archive']).toBe(5);
    // The killed fetch is all or nothing.
    expect([undefined, 8000]).toContain(after.bySource['bravo wire']);

    const restarted = await console(dataDir, '/search alpha dispatch 17\n');
    expect(restarted.code).toBe(0);
    const again = restarted.out.slice(restarted.out.indexOf('results for'));
    if (after.bySource['bravo wire'] === undefined) expect(again).toBe(before);
    else expect(again.split('\n').find((l) => l.startsWith('## 1.'))).toBe(before.split('\n').find((l) => l.startsWith('## 1.')));
    expect(again).toMatch(/## 1\. alpha dispatch 17\n/);
  }, 3 * BOT_START_MS);
});
