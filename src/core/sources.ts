import type { Article } from './article.ts';
import { makeArticleId } from './article.ts';
import type { Clock, Log } from './deps.ts';
import { UserError } from './errors.ts';
import { contentHash, dedupeKey } from './feeds/dedupe.ts';
import { COMMON_FEED_PATHS } from './feeds/discover.ts';
import type { FeedItem, ParsedFeed } from './feeds/parse-feed.ts';
import type { ParsePool, ParseResponse } from './feeds/parse-pool.ts';
import { FetchError, type FetchOptions, type FetchResult } from './feeds/safe-fetch.ts';
import { parseSourceUrl } from './feeds/address-policy.ts';
import type { ExtractedPage } from './feeds/extract-page.ts';
import type { FetchAttempt, IngestItem, IngestResult, SourceKind, SourceRow, SqliteStore } from './store/index.ts';

/** After this many failures in a row a source is paused and its channel warned. */
export const MAX_CONSECUTIVE_FAILURES = 10;
/** Backoff never waits longer than a day between attempts. */
const MAX_BACKOFF_MS = 24 * 3_600_000;
/** Items fetched for full text per refresh, so a big summary-only feed cannot stall the poller. */
const FULL_TEXT_PER_REFRESH = 20;

export interface SourcesDeps {
  store: SqliteStore;
  clock: Clock;
  log: Log;
  fetch: (url: string, opts?: FetchOptions) => Promise<FetchResult>;
  parser: Pick<ParsePool, 'parse'>;
  fetchOptions: FetchOptions;
  /** Called after every ingest that changed something: the index and alerts follow the store. */
  onIngest: (sourceId: string, result: IngestResult) => void | Promise<void>;
  /** Called when the store deletes articles. */
  onRemove: (articleIds: string[]) => void;
  /** Posts a warning to a channel (exactly once, through the outbox). */
  notify: (channelId: string, key: string, text: string) => void;
  /** 0..1 random source for jitter; injected so tests are deterministic. */
  random?: () => number;
  defaultIntervalMinutes: number;
}

export interface AddSourceRequest {
  guildId: string;
  channelId: string | null;
  userId: string;
  url: string;
  name?: string;
  backfill?: boolean;
  intervalMinutes?: number;
  fullText?: boolean;
}

export interface SourcePreview {
  source: SourceRow;
  kind: SourceKind;
  title: string;
  items: number;
  newest: string[];
  discoveredFrom: string | null;
}

export interface RefreshOutcome {
  source: SourceRow;
  attempt: FetchAttempt;
  inserted: number;
  updated: number;
}

interface Resolved {
  kind: SourceKind;
  feedUrl: string;
  title: string;
  items: Array<{ item: FeedItem; page?: ExtractedPage }>;
  fetched: FetchResult;
  discoveredFrom: string | null;
}

/**
 * Moderator-managed sources: validating and adding feeds and pages, refreshing them on their
 * interval with conditional GETs, backoff and pausing, and turning their items into articles.
 */
export class Sources {
  private readonly random: () => number;
  private readonly running = new Set<string>();

  constructor(private readonly deps: SourcesDeps) {
    this.random = deps.random ?? Math.random;
  }

  /**
   * Validates a URL, detects what it is (feed, page with a feed, or a single article page),
   * stores it and its current items, and returns a preview. Existing items are indexed but
   * count as already announced unless `backfill` is set.
   */
  async add(req: AddSourceRequest): Promise<SourcePreview> {
    const url = this.validateUrl(req.url);
    const existing = this.deps.store.findSourceByUrl(req.guildId, url);
    if (existing) throw new UserError(`"${url}" is already a source here (id ${existing.id}, ${existing.name}).`);
    const interval = req.intervalMinutes ?? this.deps.defaultIntervalMinutes;
    const resolved = await this.resolve(url);
    const again = this.deps.store.findSourceByUrl(req.guildId, resolved.feedUrl);
    if (again) throw new UserError(`"${url}" leads to ${resolved.feedUrl}, which is already a source here (id ${again.id}, ${again.name}).`);
    const name = (req.name?.trim() || resolved.title || new URL(url).hostname).slice(0, 100);
    const now = this.deps.clock.now();
    const started = Date.now();
    let source!: SourceRow;
    let result!: IngestResult;
    this.deps.store.transaction(() => {
      source = this.deps.store.createSource({
        guildId: req.guildId,
        channelId: req.channelId,
        addedBy: req.userId,
        url,
        feedUrl: resolved.feedUrl,
        name,
        kind: resolved.kind,
        intervalMinutes: interval,
        fullText: req.fullText ?? false,
        nextFetchAt: this.nextFetch(now, interval, 0).toISOString(),
      });
      const items = this.toIngestItems(source, resolved);
      result = this.deps.store.ingest(source.id, items, { announce: req.backfill ?? false });
      const attempt = this.attempt(now, resolved.fetched, result, null, started);
      this.deps.store.recordFetch(source.id, attempt);
      source = this.deps.store.updateSource(source.id, {
        etag: resolved.fetched.etag,
        lastModified: resolved.fetched.lastModified,
        lastAttemptAt: attempt.at,
        lastSuccessAt: attempt.at,
      });
    });
    await this.deps.onIngest(source.id, result);
    this.deps.log.info({ sourceId: source.id, guildId: req.guildId, url, kind: resolved.kind, items: result.inserted.length }, 'source added');
    const newest = [...resolved.items]
      .sort((a, b) => (b.item.publishedAt ?? '').localeCompare(a.item.publishedAt ?? ''))
      .slice(0, 3)
      .map((i) => i.item.title || '(untitled)');
    return { source, kind: resolved.kind, title: resolved.title, items: resolved.items.length, newest, discoveredFrom: resolved.discoveredFrom };
  }

  /** Fetches a source now, records the attempt, and stores new and updated items. */
  async refresh(sourceId: string, opts: { manual?: boolean } = {}): Promise<RefreshOutcome> {
    const source = this.deps.store.getSource(sourceId);
    if (!source) throw new UserError(`No source with id "${sourceId}".`);
    if (this.running.has(sourceId)) throw new UserError(`Source ${sourceId} is being fetched right now; try again in a moment.`);
    this.running.add(sourceId);
    const started = Date.now();
    const now = this.deps.clock.now();
    try {
      const target = source.feedUrl ?? source.url;
      const headers: Record<string, string> = {};
      // A manual refresh still uses the validators: a 304 is the right answer when nothing changed.
      if (source.etag) headers['if-none-match'] = source.etag;
      if (source.lastModified) headers['if-modified-since'] = source.lastModified;
      let fetched: FetchResult;
      let result: IngestResult = { inserted: [], updated: [], unchanged: 0 };
      try {
        fetched = await this.deps.fetch(target, { ...this.deps.fetchOptions, headers });
        if (fetched.status !== 304) {
          const resolved = await this.parseAs(source, fetched);
          const full = await this.fillFullText(source, resolved);
          const items = this.toIngestItems(source, full);
          const attempt = this.attempt(now, fetched, null, null, started);
          result = this.deps.store.ingest(source.id, items, {
            announce: true,
            after: (r) => {
              this.deps.store.recordFetch(source.id, { ...attempt, newItems: r.inserted.length, updatedItems: r.updated.length });
              this.markSuccess(source, now, fetched);
            },
          });
        } else {
          this.deps.store.transaction(() => {
            this.deps.store.recordFetch(source.id, this.attempt(now, fetched, null, null, started));
            this.markSuccess(source, now, fetched);
          });
        }
      } catch (err) {
        const message = describeFailure(target, err);
        const attempt: FetchAttempt = {
          at: now.toISOString(),
          durationMs: Date.now() - started,
          httpStatus: err instanceof FetchError ? (err.status ?? null) : null,
          newItems: 0,
          updatedItems: 0,
          error: message,
        };
        const updated = this.markFailure(source, now, attempt);
        if (!(err instanceof FetchError) && !(err instanceof UserError)) this.deps.log.warn({ sourceId, err }, 'source refresh failed unexpectedly');
        else this.deps.log.info({ sourceId, error: message, failures: updated.consecutiveFailures }, 'source refresh failed');
        if (opts.manual) throw new UserError(`Refresh of ${source.name} (${source.id}) failed: ${message}`);
        return { source: updated, attempt, inserted: 0, updated: 0 };
      }
      if (result.inserted.length || result.updated.length) await this.deps.onIngest(source.id, result);
      this.deps.log.info({ sourceId, status: fetched.status, items: result.inserted.length, updated: result.updated.length }, 'source refreshed');
      const latest = this.deps.store.getSource(sourceId)!;
      return { source: latest, attempt: this.deps.store.fetchHistory(sourceId, 1)[0]!, inserted: result.inserted.length, updated: result.updated.length };
    } finally {
      this.running.delete(sourceId);
    }
  }

  /** Refreshes every due source, at most `concurrency` at a time. Never throws. */
  async pollDue(concurrency: number): Promise<number> {
    const due = this.deps.store.dueSources(this.deps.clock.now(), 200).filter((s) => !this.running.has(s.id));
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const source = due[next++]!;
        try {
          await this.refresh(source.id);
        } catch (err) {
          this.deps.log.error({ sourceId: source.id, err }, 'poll failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    return due.length;
  }

  /** Removes a source, its articles (from store and index) and history. */
  remove(guildId: string, sourceId: string): SourceRow {
    const source = this.owned(guildId, sourceId);
    const { articleIds } = this.deps.store.deleteSource(source.id);
    this.deps.onRemove(articleIds);
    this.deps.log.info({ sourceId, guildId, articles: articleIds.length }, 'source removed');
    return source;
  }

  pause(guildId: string, sourceId: string): SourceRow {
    const source = this.owned(guildId, sourceId);
    return this.deps.store.updateSource(source.id, { status: 'paused', pausedReason: 'paused by a moderator' });
  }

  resume(guildId: string, sourceId: string): SourceRow {
    const source = this.owned(guildId, sourceId);
    return this.deps.store.updateSource(source.id, {
      status: 'active',
      pausedReason: null,
      consecutiveFailures: 0,
      nextFetchAt: this.deps.clock.now().toISOString(),
    });
  }

  /** A guild's sources with their article counts, oldest first. */
  list(guildId: string): Array<{ source: SourceRow; articles: number }> {
    const counts = this.deps.store.countBySource();
    return this.deps.store.listSources(guildId).map((source) => ({ source, articles: counts.get(source.id) ?? 0 }));
  }

  get(guildId: string, sourceId: string): SourceRow {
    return this.owned(guildId, sourceId);
  }

  articleCount(sourceId: string): number {
    return this.deps.store.countArticles([sourceId]);
  }

  /** The latest fetch attempts, newest first. */
  health(sourceId: string, limit: number): FetchAttempt[] {
    return this.deps.store.fetchHistory(sourceId, limit);
  }

  /** A source of this guild, or a UserError (another guild's source is "not found" here). */
  owned(guildId: string, sourceId: string): SourceRow {
    const source = this.deps.store.getSource(sourceId.trim());
    if (!source || source.guildId !== guildId) throw new UserError(`No source with id "${sourceId.trim()}" in this server. /source list shows them.`);
    return source;
  }

  private validateUrl(input: string): string {
    try {
      return parseSourceUrl(input).toString();
    } catch (err) {
      throw new UserError(err instanceof Error ? err.message : String(err));
    }
  }

  /** Fetches and classifies a URL, following feed discovery for HTML pages. */
  private async resolve(url: string): Promise<Resolved> {
    const fetched = await this.fetchForAdd(url);
    const parsed = await this.deps.parser.parse({ kind: 'auto', bytes: fetched.body, contentType: fetched.contentType, url: fetched.url, now: this.deps.clock.now().toISOString() });
    if (parsed.type === 'feed') return fromFeed(parsed.feed, fetched, null);
    if (parsed.type === 'error') throw new UserError(`"${url}": ${parsed.message}`);
    // An HTML page: a feed it links to, then common feed paths, else the page itself as one article.
    const candidates = [...parsed.feeds.map((f) => f.url)];
    const origin = new URL(fetched.url).origin;
    for (const p of COMMON_FEED_PATHS) candidates.push(new URL(p, origin).toString());
    for (const candidate of unique(candidates)) {
      if (candidate === fetched.url) continue;
      try {
        const feedFetch = await this.deps.fetch(candidate, this.deps.fetchOptions);
        const feed = await this.deps.parser.parse({ kind: 'auto', bytes: feedFetch.body, contentType: feedFetch.contentType, url: feedFetch.url, now: this.deps.clock.now().toISOString() });
        if (feed.type === 'feed') return fromFeed(feed.feed, feedFetch, url);
      } catch (err) {
        // A missing /feed is normal; a blocked redirect or similar is logged and skipped.
        this.deps.log.debug({ candidate, err: err instanceof Error ? err.message : String(err) }, 'feed candidate rejected');
      }
    }
    const page = parsed.page;
    if (!page.readerable && page.paragraphs.length < 2) throw new UserError(`"${url}": not a feed or article page (no feed found and no article text to extract).`);
    return {
      kind: 'page',
      feedUrl: fetched.url,
      title: page.siteName ?? page.title,
      items: [{ item: pageItem(page, fetched.url) }],
      fetched,
      discoveredFrom: null,
    };
  }

  private async fetchForAdd(url: string): Promise<FetchResult> {
    try {
      return await this.deps.fetch(url, this.deps.fetchOptions);
    } catch (err) {
      throw new UserError(describeFailure(url, err), { cause: err });
    }
  }

  /** Parses a refresh response as the kind the source was added as. */
  private async parseAs(source: SourceRow, fetched: FetchResult): Promise<Resolved> {
    const parsed: ParseResponse = await this.deps.parser.parse({ kind: 'auto', bytes: fetched.body, contentType: fetched.contentType, url: fetched.url, now: this.deps.clock.now().toISOString() });
    if (parsed.type === 'error') throw new UserError(parsed.message);
    if (source.kind === 'page') {
      if (parsed.type !== 'page') throw new UserError('the page now serves a feed; remove and re-add the source');
      return { kind: 'page', feedUrl: fetched.url, title: source.name, items: [{ item: pageItem(parsed.page, fetched.url) }], fetched, discoveredFrom: null };
    }
    if (parsed.type !== 'feed') throw new UserError('not a feed any more (the URL now serves a web page)');
    return fromFeed(parsed.feed, fetched, null);
  }

  /** For summary-only feeds set to full text: fetch and extract each NEW item's page (bounded). */
  private async fillFullText(source: SourceRow, resolved: Resolved): Promise<Resolved> {
    if (!source.fullText || source.kind === 'page') return resolved;
    let budget = FULL_TEXT_PER_REFRESH;
    const items = [];
    for (const entry of resolved.items) {
      const { item } = entry;
      if (budget > 0 && !item.hasFullText && item.url && !this.deps.store.hasArticleKey(source.id, dedupeKey(item))) {
        budget--;
        try {
          const page = await this.deps.fetch(item.url, this.deps.fetchOptions);
          const parsed = await this.deps.parser.parse({ kind: 'auto', bytes: page.body, contentType: page.contentType, url: page.url, now: this.deps.clock.now().toISOString() });
          if (parsed.type === 'page' && parsed.page.paragraphs.length) {
            items.push({ item, page: parsed.page });
            continue;
          }
        } catch (err) {
          this.deps.log.info({ sourceId: source.id, url: item.url, err: err instanceof Error ? err.message : String(err) }, 'full text unavailable; keeping the summary');
        }
      }
      items.push(entry);
    }
    return { ...resolved, items };
  }

  private toIngestItems(source: SourceRow, resolved: Resolved): IngestItem[] {
    return resolved.items.map(({ item, page }) => {
      const key = dedupeKey(item);
      const body = page?.paragraphs.length ? page.paragraphs : item.body.length ? item.body : item.summary ? [item.summary] : [];
      const article: Article = {
        id: makeArticleId(source.id, key),
        sourceId: source.id,
        title: cleanTitle(item.title, body),
        byline: item.author ?? page?.byline ?? null,
        outlet: resolved.kind === 'page' ? (page?.siteName ?? source.name) : (resolved.title || source.name),
        dateline: null,
        tags: item.tags,
        caption: null,
        body,
        editors: [],
        url: item.url,
        publishedAt: item.publishedAt ?? page?.publishedAt ?? null,
      };
      return { article, dedupeKey: key, contentHash: contentHash({ ...item, body }) };
    });
  }

  private attempt(now: Date, fetched: FetchResult, result: IngestResult | null, error: string | null, started: number): FetchAttempt {
    return {
      at: now.toISOString(),
      durationMs: Date.now() - started,
      httpStatus: fetched.status,
      newItems: result?.inserted.length ?? 0,
      updatedItems: result?.updated.length ?? 0,
      error,
    };
  }

  private markSuccess(source: SourceRow, now: Date, fetched: FetchResult): void {
    this.deps.store.updateSource(source.id, {
      etag: fetched.etag ?? source.etag,
      lastModified: fetched.lastModified ?? source.lastModified,
      lastAttemptAt: now.toISOString(),
      lastSuccessAt: now.toISOString(),
      consecutiveFailures: 0,
      lastError: null,
      nextFetchAt: this.nextFetch(now, source.intervalMinutes, 0).toISOString(),
    });
  }

  private markFailure(source: SourceRow, now: Date, attempt: FetchAttempt): SourceRow {
    const failures = source.consecutiveFailures + 1;
    const pause = failures >= MAX_CONSECUTIVE_FAILURES;
    const updated = this.deps.store.transaction(() => {
      this.deps.store.recordFetch(source.id, attempt);
      return this.deps.store.updateSource(source.id, {
        lastAttemptAt: now.toISOString(),
        consecutiveFailures: failures,
        lastError: attempt.error,
        nextFetchAt: this.nextFetch(now, source.intervalMinutes, failures).toISOString(),
        ...(pause ? { status: 'paused' as const, pausedReason: `paused after ${failures} failed fetches in a row` } : {}),
      });
    });
    if (pause && source.status === 'active' && source.channelId) {
      this.deps.notify(
        source.channelId,
        `paused:${source.id}:${now.toISOString()}`,
        `⚠️ Source **${source.name}** (\`${source.id}\`, ${source.feedUrl ?? source.url}) was paused after ${failures} failed fetches in a row.\n` +
          `Last error: ${attempt.error}\nFix the feed, then run \`/source resume id:${source.id}\`.`,
      );
      this.deps.log.warn({ sourceId: source.id, failures, error: attempt.error }, 'source paused after repeated failures');
    }
    return updated;
  }

  /** Next fetch: the interval ±10 % jitter, or exponential backoff after failures (capped at a day). */
  private nextFetch(now: Date, intervalMinutes: number, failures: number): Date {
    const base = intervalMinutes * 60_000;
    const wait = failures === 0 ? base : Math.min(MAX_BACKOFF_MS, base * 2 ** (failures - 1));
    const jitter = 1 + (this.random() * 0.2 - 0.1);
    return new Date(now.getTime() + Math.round(wait * jitter));
  }
}

function fromFeed(feed: ParsedFeed, fetched: FetchResult, discoveredFrom: string | null): Resolved {
  return {
    kind: feed.kind,
    feedUrl: fetched.url,
    title: feed.title ?? new URL(fetched.url).hostname,
    items: feed.items.map((item) => ({ item })),
    fetched,
    discoveredFrom,
  };
}

function pageItem(page: ExtractedPage, url: string): FeedItem {
  return {
    guid: null,
    url,
    title: page.title,
    author: page.byline,
    publishedAt: page.publishedAt,
    originalPublishedAt: page.publishedAt,
    summary: page.excerpt,
    body: page.paragraphs,
    tags: [],
    links: [],
    hasFullText: true,
  };
}

/** Items without a title get one from their first words, never an empty heading. */
function cleanTitle(title: string, body: string[]): string {
  const t = title.replace(/\s+/g, ' ').trim();
  if (t) return t.length > 300 ? `${t.slice(0, 297).replace(/\s+\S*$/, '')}…` : t;
  const first = (body[0] ?? '').replace(/\s+/g, ' ').trim();
  if (!first) return '(untitled)';
  return first.length > 80 ? `${first.slice(0, 79).replace(/\s+\S*$/, '')}…` : first;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** One clear line for a failed fetch, always naming the URL. */
export function describeFailure(url: string, err: unknown): string {
  if (err instanceof FetchError) return err.message;
  if (err instanceof UserError) return err.message.startsWith('"') ? err.message : `"${url}": ${err.message}`;
  return `"${url}": ${err instanceof Error ? err.message : String(err)}`;
}
