import type { Clock } from '../deps.ts';
import { UserError } from '../errors.ts';
import { parseSourceUrl } from '../feeds/address-policy.ts';
import { COMMON_FEED_PATHS } from '../feeds/discover.ts';
import type { FetchResult } from '../feeds/safe-fetch.ts';
import type { IngestResult, SourceKind, SourceRow } from '../store/index.ts';
import type { SourcesDeps } from './context.ts';
import { describeFailure, fromFeed, pageItem, type Resolved, toIngestItems } from './items.ts';
import { nextFetchTime } from './refresh.ts';

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

/**
 * Validates a URL, detects what it is (feed, page with a feed, or a single article page), stores
 * it and its current items in one transaction, and returns a preview. Existing items are indexed
 * but count as already announced unless `backfill` is set. Full text for summary-only items is
 * not fetched here (the reply must come at once): the caller queues it.
 */
export async function addSource(deps: SourcesDeps, random: () => number, req: AddSourceRequest): Promise<{ preview: SourcePreview; result: IngestResult }> {
  const url = validateUrl(req.url);
  const existing = await deps.store.findSourceByUrl(req.guildId, url);
  if (existing) throw new UserError(`"${url}" is already a source here (id ${existing.id}, ${existing.name}).`, { id: 'source.exists', values: { url, id: existing.id, name: existing.name } });
  const interval = req.intervalMinutes ?? deps.defaultIntervalMinutes;
  const resolved = await resolveUrl(deps, url);
  const again = await deps.store.findSourceByUrl(req.guildId, resolved.feedUrl);
  if (again) throw new UserError(`"${url}" leads to ${resolved.feedUrl}, which is already a source here (id ${again.id}, ${again.name}).`, { id: 'source.exists-as-feed', values: { url, feedUrl: resolved.feedUrl, id: again.id, name: again.name } });
  const name = (req.name?.trim() || resolved.title || new URL(url).hostname).slice(0, 100);
  const now = deps.clock.now();
  const started = Date.now();
  let source!: SourceRow;
  let result!: IngestResult;
  await deps.store.transaction(async (tx) => {
    source = await tx.createSource({
      guildId: req.guildId,
      channelId: req.channelId,
      addedBy: req.userId,
      url,
      feedUrl: resolved.feedUrl,
      name,
      kind: resolved.kind,
      intervalMinutes: interval,
      fullText: req.fullText ?? false,
      nextFetchAt: nextFetchTime(now, interval, 0, random).toISOString(),
    });
    result = await tx.ingest(source.id, toIngestItems(source, resolved), { announce: req.backfill ?? false });
    const at = now.toISOString();
    await tx.recordFetch(source.id, { at, durationMs: Date.now() - started, httpStatus: resolved.fetched.status, newItems: result.inserted.length, updatedItems: 0, error: null });
    source = await tx.updateSource(source.id, { etag: resolved.fetched.etag, lastModified: resolved.fetched.lastModified, lastAttemptAt: at, lastSuccessAt: at, imageUrl: resolved.image ?? null });
  });
  deps.telemetry?.fetched(result.inserted.length ? 'ok' : 'unchanged');
  const newest = [...resolved.items]
    .sort((a, b) => (b.item.publishedAt ?? '').localeCompare(a.item.publishedAt ?? ''))
    .slice(0, 3)
    .map((i) => i.item.title || '(untitled)');
  return { preview: { source, kind: resolved.kind, title: resolved.title, items: resolved.items.length, newest, discoveredFrom: resolved.discoveredFrom }, result };
}

function validateUrl(input: string): string {
  try {
    return parseSourceUrl(input).toString();
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err), { id: 'source.refused' });
  }
}

/** Fetches and classifies a URL, following feed discovery for HTML pages. */
async function resolveUrl(deps: SourcesDeps, url: string): Promise<Resolved> {
  const fetched = await fetchForAdd(deps, url);
  const parsed = await parse(deps, deps.clock, fetched);
  if (parsed.type === 'feed') return fromFeed(parsed.feed, fetched, null);
  if (parsed.type === 'error') throw new UserError(`"${url}": ${parsed.message}`, { id: 'source.unreadable', values: { url, message: parsed.message } });
  // An HTML page: a feed it links to, then common feed paths, else the page itself as one article.
  const candidates = [...parsed.feeds.map((f) => f.url)];
  const origin = new URL(fetched.url).origin;
  for (const p of COMMON_FEED_PATHS) candidates.push(new URL(p, origin).toString());
  for (const candidate of new Set(candidates)) {
    if (candidate === fetched.url) continue;
    try {
      const feedFetch = await deps.fetch(candidate, deps.fetchOptions);
      const feed = await parse(deps, deps.clock, feedFetch);
      if (feed.type === 'feed') return fromFeed(feed.feed, feedFetch, url);
    } catch (err) {
      // A missing /feed is normal; a blocked redirect or similar is logged and skipped.
      deps.log.debug({ candidate, err: err instanceof Error ? err.message : String(err) }, 'feed candidate rejected');
    }
  }
  const page = parsed.page;
  if (!page.readerable && page.paragraphs.length < 2) throw new UserError(`"${url}": not a feed or article page (no feed found and no article text to extract).`, { id: 'source.no-article', values: { url } });
  const notArticle = notAnArticle(page);
  if (notArticle) throw new UserError(`"${url}": ${notArticle}, not an article, and it links to no feed. Add the feed or an article's own address.`, { id: 'source.not-article', values: { url, notArticle } });
  return { kind: 'page', feedUrl: fetched.url, title: page.siteName ?? page.title, items: [{ item: pageItem(page, fetched.url) }], fetched, discoveredFrom: null };
}

function parse(deps: SourcesDeps, clock: Clock, fetched: FetchResult) {
  return deps.parser.parse({ kind: 'auto', bytes: fetched.body, contentType: fetched.contentType, url: fetched.url, now: clock.now().toISOString() });
}

async function fetchForAdd(deps: SourcesDeps, url: string): Promise<FetchResult> {
  try {
    return await deps.fetch(url, deps.fetchOptions);
  } catch (err) {
    throw new UserError(describeFailure(url, err), { cause: err, id: 'source.fetch-failed' });
  }
}

/**
 * Why a page with text is still no article: a server's directory listing ("Index of /",
 * "Directory listing for /"), or a list of short link labels with no sentence among them (an
 * index or navigation page). Null for an article.
 */
export function notAnArticle(page: { title: string; paragraphs: string[]; readerable: boolean }): string | null {
  if (/^\s*(?:index of|directory listing for|listing of)\s+\S*\//i.test(page.title)) return 'this is a directory listing';
  const sentences = page.paragraphs.filter((p) => /[.!?…。”"]\s*$/.test(p.trim()) && p.split(/\s+/).length >= 8);
  if (!page.readerable && sentences.length === 0) return 'this page is a list of links';
  return null;
}
