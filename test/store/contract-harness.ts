/**
 * The harness of the store contract (test/store/*.contract.test.ts): every aggregate's tests run
 * against SQLite (through the async adapter) and a real PostgreSQL server (embedded, or
 * TEST_DATABASE_URL): the same calls, the same expected values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_SOURCE_ID, type Article } from '../../src/core/article.ts';
import { silentLog } from '../../src/core/deps.ts';
import { articleContentHash } from '../../src/core/seeds/import.ts';
import { loadSeedDir } from '../../src/core/seeds/loader.ts';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import { openStore } from '../../src/core/store/index.ts';
import { PostgresStore } from '../../src/core/store/postgres/postgres-store.ts';
import { fromSqlite } from '../../src/core/store/sqlite-async.ts';
import { openAsyncStore } from '../../src/core/store/open-async-store.ts';
import type { NewOutbox } from '../../src/core/store/types.ts';
import { ROOT } from '../helpers/bot-process.ts';
import { startTestDatabase, type TestDatabase } from '../helpers/postgres.ts';

export class FakeClock {
  constructor(public t = Date.parse('2026-03-01T10:00:00.000Z')) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

export const { articles: seedFiles } = await loadSeedDir(path.join(ROOT, 'seeds'));
/** "000" … "004" → the parsed seed. */
export const seeds = new Map(seedFiles.map(({ fileName, article }) => [fileName.slice(0, 3), { fileName, article }]));
export const seedItems = () =>
  seedFiles.map(({ fileName, article }) => ({ article, dedupeKey: `file:${fileName}`, contentHash: articleContentHash(article) }));
export const fileOf = (id: string) => [...seeds.entries()].find(([, s]) => s.article.id === id)?.[0] ?? id;

/** What a contract test may vary about a source it adds. */
export type SourceOptions = { nextFetchAt?: string | null; fullText?: boolean };
/** A feed source of `guildId` with the fields every contract test uses. */
export const addSourceTo = (store: AsyncStore, guildId: string, url = 'https://example.org/feed', over: SourceOptions = {}) =>
  store.createSource({ guildId, channelId: 'c1', addedBy: 'u1', url, feedUrl: url, name: 'Example', kind: 'rss', intervalMinutes: 30, fullText: over.fullText ?? false, nextFetchAt: over.nextFetchAt ?? null });

export function article(over: Partial<Article> = {}): Article {
  return {
    id: over.id ?? '',
    sourceId: 'x',
    title: 'Troops sent to Russia',
    byline: null,
    outlet: 'Daily NK',
    dateline: null,
    tags: ['troops'],
    caption: null,
    body: ['First paragraph.', 'Second paragraph.'],
    editors: [],
    url: 'https://example.org/a',
    publishedAt: '2026-02-28T08:00:00.000Z',
    ...over,
  };
}
export const item = (key: string, over: Partial<Article> = {}, hash = `h-${key}`, textOrigin?: 'feed' | 'page' | 'summary' | 'stale') => ({
  article: article(over),
  dedupeKey: key,
  contentHash: hash,
  ...(textOrigin ? { textOrigin } : {}),
});
export const outbox = (over: Partial<NewOutbox> = {}): NewOutbox => ({
  kind: 'digest',
  refId: 'sub1',
  windowKey: '2026-03-01T10:00:00.000Z',
  channelId: 'chan1',
  payload: { title: 'Morning digest', items: [{ z: 1, a: 2 }] },
  nonce: 'n-1',
  ...over,
});

/** What an alert made without delivery fields holds in them. */
export const PLAIN_ALERT = {
  sourceId: null, filters: '{}', template: null, identity: 'bot', identityNote: null, notifyChannelId: null,
  status: 'active', pausedReason: null, delivered: 0, skipped: 0, failed: 0, lastError: null, lastDeliveredAt: null,
} as const;
export const PARKED = '9999-12-31T00:00:00.000Z';

export interface Harness {
  store: AsyncStore;
  /** Another connection (pool, or SQLite handle) to the same database. */
  second(): Promise<AsyncStore>;
  /**
   * Another concurrent caller as deployed: for SQLite the same process's store (one connection,
   * whose synchronous busy wait would block the event loop the open transaction needs), for
   * PostgreSQL another pool.
   */
  concurrent(): Promise<AsyncStore>;
  dispose(): Promise<void>;
}

const timings: Record<string, number> = {};

/** Every row but the migrations' own (the seed source), with sequences back at 1. */
export async function emptyDatabase(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ t: string }>("SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('schema_migrations', 'sources')");
    await c.query(`TRUNCATE ${rows.map((r) => r.t).join(', ')} RESTART IDENTITY CASCADE`);
    await c.query(`DELETE FROM sources WHERE id <> '${SEED_SOURCE_ID}'`);
  } finally {
    await c.end();
  }
}


/** The state of the running test: its store, the harness around it and the store's clock. */
export interface Live {
  kind: 'sqlite' | 'postgres';
  store: AsyncStore;
  h: Harness;
  clock: FakeClock;
}

/**
 * One aggregate's contract, run on SQLite (through the async adapter) and on a real PostgreSQL
 * (one embedded server per file). `body` declares the tests; `live()` is the running test's state.
 */
export function contractSuite(name: string, body: (live: () => Live) => void): void {
  describe.each(['sqlite', 'postgres'] as const)(`store contract, ${name}: %s`, (kind) => {
  let pgServer: TestDatabase | undefined;
  let h: Harness;
  let store: AsyncStore;
  let clock: FakeClock;
  const suiteStart = performance.now();

  beforeAll(async () => {
    // Started once per suite so its cost shows separately from the tests'.
    if (kind === 'postgres') {
      // One migrated database per suite, emptied before each test (copying a database costs
      // ~0.6 s here, emptying it well under 0.1 s).
      pgServer = await startTestDatabase();
      timings.pgStartMs = pgServer.server.startMs;
      const t0 = performance.now();
      await (await PostgresStore.open({ url: pgServer.url, clock: new FakeClock(), log: silentLog })).close();
      timings.pgMigrateMs = Math.round(performance.now() - t0);
    }
    // A server start (copying the data directory, PostgreSQL's own start-up) beside other test
    // files' servers and bots on a busy machine: well over the default hook timeout.
  }, 180_000);
  afterAll(async () => {
    await pgServer?.close();
    timings[`${kind}SuiteMs`] = Math.round(performance.now() - suiteStart);
    if (kind === 'postgres') console.info(`store contract (${name}) timings: ${JSON.stringify(timings)}`);
  });

  beforeEach(async () => {
    clock = new FakeClock();
    if (kind === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-contract-'));
      const file = path.join(dir, 'nd.db');
      const opened: AsyncStore[] = [];
      const open = () => {
        const s = fromSqlite(openStore({ path: file, clock, log: silentLog }));
        opened.push(s);
        return s;
      };
      // The first through the composition root's chooser: no DATABASE_URL → SQLite.
      const first = await openAsyncStore({ databaseUrl: null, sqlitePath: file, clock, log: silentLog });
      opened.push(first);
      h = {
        store: first,
        second: async () => open(),
        concurrent: async () => first,
        async dispose() {
          for (const s of opened) await s.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } else {
      const url = pgServer!.url;
      await emptyDatabase(url);
      const opened: AsyncStore[] = [];
      const open = async () => {
        const s = await openAsyncStore({ databaseUrl: url, sqlitePath: '/nonexistent/never-used.db', clock, log: silentLog });
        expect(s.kind).toBe('postgres');
        opened.push(s);
        return s;
      };
      h = {
        store: await open(),
        second: open,
        concurrent: open,
        async dispose() {
          for (const s of opened) await s.close();
        },
      };
    }
    store = h.store;
  });
  afterEach(async () => {
    await h.dispose();
  });

    body(() => ({ kind, store, h, clock }));
  });
}
