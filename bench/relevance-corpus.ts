/**
 * The real-article corpus of the relevance dev set (test/data/relevance-dev.json): the seeds, every
 * page of ../shared/corpora/pages (Readability's test pages and the extraction benchmark) and every
 * item of its feeds, each turned into articles the way `/source add` turns a page or a feed into
 * store rows (extractPage / parseFeed → toIngestItems), ingested into an in-memory SQLite store and
 * searched through a Newsroom: the code path of the bot's /search.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Article } from '../src/core/article.ts';
import { silentLog } from '../src/core/deps.ts';
import { decodeBody } from '../src/core/feeds/charset.ts';
import { extractPage } from '../src/core/feeds/extract-page.ts';
import { parseFeed } from '../src/core/feeds/parse-feed.ts';
import type { FetchResult } from '../src/core/feeds/safe-fetch.ts';
import { Newsroom, type SearchOptions } from '../src/core/newsroom/index.ts';
import { importSeeds } from '../src/core/seeds/import.ts';
import { pageItem, toIngestItems, type Resolved } from '../src/core/sources/items.ts';
import type { AsyncStore } from '../src/core/store/async-store.ts';
import { openStore, type SqliteStore } from '../src/core/store/index.ts';
import { fromSqlite } from '../src/core/store/sqlite-async.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
export const CORPORA = path.resolve(ROOT, '../shared/corpora');
export const GUILD = 'relevance';

/** One document of the corpus before ingest: where it came from and how to read it. */
interface Doc {
  /** Stable name: `page:<folder>/<name>` or `feed:<path below feeds/>`. */
  origin: string;
  kind: 'page' | 'feed';
  url: string;
  bytes: Uint8Array;
  contentType: string | null;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Every page and feed file of the corpora, in a fixed order. */
export function corpusDocs(root = CORPORA): Doc[] {
  const docs: Doc[] = [];
  const readability = path.join(root, 'pages/readability');
  for (const name of fs.readdirSync(readability).sort()) {
    const file = path.join(readability, name, 'source.html');
    if (!fs.existsSync(file)) continue;
    docs.push({ origin: `page:readability/${name}`, kind: 'page', url: `http://fakehost/${name}/page.html`, bytes: fs.readFileSync(file), contentType: 'text/html' });
  }
  const bench = path.join(root, 'pages/extraction-benchmark');
  const truth = JSON.parse(fs.readFileSync(path.join(bench, 'ground-truth.json'), 'utf8')) as Record<string, { url: string }>;
  for (const id of Object.keys(truth).sort()) {
    const file = path.join(bench, 'html', `${id}.html.gz`);
    docs.push({ origin: `page:extraction-benchmark/${id.slice(0, 16)}`, kind: 'page', url: truth[id]!.url, bytes: zlib.gunzipSync(fs.readFileSync(file)), contentType: 'text/html' });
  }
  const feeds = path.join(root, 'feeds');
  // Byte-identical copies (rss-parser's xml2js-options.rss is rss-1.rss) would be two sources of one feed.
  const seen = new Set<string>();
  for (const file of walk(feeds)) {
    const rel = path.relative(feeds, file);
    // Expected outputs and case lists are not feeds.
    if (/(^|\/)(output|LICENSE|README)|_expected\.json$|(cases|expectations|index)\.json$|\.txt$/.test(rel)) continue;
    if (!/\.(rss|atom|xml|json|rdf)$/i.test(file)) continue;
    const bytes = fs.readFileSync(file);
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (seen.has(hash)) continue;
    seen.add(hash);
    docs.push({ origin: `feed:${rel}`, kind: 'feed', url: `http://127.0.0.1:8097/${rel}`, bytes, contentType: null });
  }
  return docs;
}

function fetched(doc: Doc): FetchResult {
  return { url: doc.url, status: 200, headers: {}, body: doc.bytes, contentType: doc.contentType, etag: null, lastModified: null, redirects: [], peerAddress: '127.0.0.1', durationMs: 0 };
}

/** A corpus document as resolved items (null: not an article or not a feed, as the bot would refuse it). */
function resolve(doc: Doc, now: Date): Resolved | null {
  const text = decodeBody(doc.bytes, doc.contentType).text;
  try {
    if (doc.kind === 'page') {
      const page = extractPage(text, doc.url);
      if (page.paragraphs.length === 0) return null;
      return { kind: 'page', feedUrl: doc.url, title: page.siteName ?? new URL(doc.url).hostname, items: [{ item: pageItem(page, doc.url), page }], fetched: fetched(doc), discoveredFrom: null };
    }
    const feed = parseFeed(text, { url: doc.url, now });
    if (feed.items.length === 0) return null;
    return { kind: feed.kind, feedUrl: doc.url, title: feed.title ?? doc.origin, items: feed.items.map((item) => ({ item })), fetched: fetched(doc), discoveredFrom: null };
  } catch {
    return null;
  }
}

export interface CorpusArticle {
  /** Where it came from (`page:…`, `feed:…#<n>`, `seed:<title>`): how the dev set names its targets. */
  origin: string;
  article: Article;
}

/**
 * Every corpus document that the bot would accept, resolved into items, in a fixed shuffled order
 * (by a hash of its origin): a newsroom receives pages and feeds mixed, so the hot window (the
 * newest) holds some of each, as it would.
 */
export function corpusResolved(now: Date, root = CORPORA): Array<{ origin: string; resolved: Resolved }> {
  const out: Array<{ origin: string; resolved: Resolved }> = [];
  const key = (d: Doc) => createHash('sha1').update(d.origin).digest('hex');
  for (const doc of corpusDocs(root).sort((a, b) => key(a).localeCompare(key(b)))) {
    const resolved = resolve(doc, now);
    if (resolved) out.push({ origin: doc.origin, resolved });
  }
  return out;
}

export interface CorpusStore {
  store: AsyncStore;
  sqlite: SqliteStore;
  clock: { now(): Date };
  /** origin → article id, and back. */
  idOf: Map<string, string>;
  originOf: Map<string, string>;
  articles: CorpusArticle[];
  /** Where the articles are searched (see `corpusStore`). */
  tiers: 'split' | 'archive' | 'hot';
  /** A Newsroom over the store with these search options, its index built. */
  newsroom(search?: SearchOptions): Promise<Newsroom>;
  close(): void;
}

let resolvedOnce: Array<{ origin: string; resolved: Resolved }> | null = null;

/**
 * The corpus in a fresh in-memory store, one source per document, an hour apart. `tiers` decides
 * where the articles are searched: 'split' (the newest half in the hot tier, the rest in the
 * archive tier), 'archive' (all in the archive tier: the clock is past the hot window's age bound),
 * 'hot' (all in the hot tier).
 */
export async function corpusStore(opts: { tiers?: 'split' | 'archive' | 'hot'; root?: string } = {}): Promise<CorpusStore> {
  const tiers = opts.tiers ?? 'split';
  const start = Date.parse('2026-03-01T00:00:00Z');
  let now = start;
  const clock = { now: () => new Date(now) };
  const sqlite = openStore({ path: ':memory:', clock, log: silentLog });
  const store = fromSqlite(sqlite);
  const idOf = new Map<string, string>();
  const originOf = new Map<string, string>();
  const articles: CorpusArticle[] = [];
  const record = (origin: string, article: Article) => {
    if (idOf.has(origin)) return;
    idOf.set(origin, article.id);
    originOf.set(article.id, origin);
    articles.push({ origin, article });
  };
  const seeds = await importSeeds({ store, log: silentLog }, path.join(ROOT, 'seeds'));
  for (const a of seeds.inserted) record(`seed:${a.title.slice(0, 40)}`, a);
  const resolved = opts.root ? corpusResolved(new Date(start), opts.root) : (resolvedOnce ??= corpusResolved(new Date(start)));
  for (const { origin, resolved: r } of resolved) {
    const row = sqlite.createSource({ guildId: GUILD, channelId: null, addedBy: 'relevance', url: r.feedUrl, feedUrl: r.feedUrl, name: r.title, kind: r.kind, intervalMinutes: 60, fullText: false, nextFetchAt: null });
    const items = toIngestItems(row, r);
    const result = await store.ingest(row.id, items, { announce: false });
    const index = new Map(items.map((i, n) => [i.article.id, n]));
    for (const a of result.inserted) record(r.kind === 'page' ? origin : `${origin}#${index.get(a.id)}`, a);
    // One hour between documents: the hot window can be placed between them.
    now += 3_600_000;
  }
  const total = articles.length;
  const hotMaxArticles = tiers === 'split' ? Math.floor(total / 2) : tiers === 'hot' ? total + 1 : 1;
  if (tiers === 'archive') now += 400 * 86_400_000;
  return {
    store,
    sqlite,
    clock,
    idOf,
    originOf,
    articles,
    tiers,
    newsroom: async (search = {}) => {
      const newsroom = new Newsroom({ store, clock, log: silentLog, search: { hotDays: 365, hotMaxArticles, ...search } });
      await newsroom.buildIndex();
      await newsroom.loadExpansion();
      return newsroom;
    },
    close: () => sqlite.close(),
  };
}
