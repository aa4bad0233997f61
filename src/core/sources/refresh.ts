import type { AsyncStore } from '../store/async-store.ts';
import { UserError } from '../errors.ts';
import type { ParseResponse } from '../feeds/parse-pool.ts';
import { FetchError, type FetchResult } from '../feeds/safe-fetch.ts';
import { checkVanishedItems } from './deleted.ts';
import type { ArticleVersion, FetchAttempt, IngestResult, SourceRow } from '../store/index.ts';
import { escapeInline } from '../text/escape.ts';
import type { SourcesDeps } from './context.ts';
import { fetchPagesForNewItems } from './full-text.ts';
import { describeFailure, fromFeed, pageItem, type Resolved, toIngestItems } from './items.ts';

/** After this many failures in a row a source is paused and its channel warned. */
export const MAX_CONSECUTIVE_FAILURES = 10;
/** Backoff never waits longer than a day between attempts. */
const MAX_BACKOFF_MS = 24 * 3_600_000;

export interface RefreshOutcome {
  source: SourceRow;
  attempt: FetchAttempt;
  inserted: number;
  updated: number;
}

/**
 * Fetches a source now (conditional GET), records the attempt, and stores new and updated items
 * in one transaction with the attempt. A failure is recorded, backs off, and pauses the source
 * after MAX_CONSECUTIVE_FAILURES; `manual` turns it into a UserError for the moderator.
 */
export async function refreshSource(deps: SourcesDeps, random: () => number, source: SourceRow, opts: { manual?: boolean }): Promise<RefreshOutcome> {
  const started = Date.now();
  const now = deps.clock.now();
  const target = source.feedUrl ?? source.url;
  const headers: Record<string, string> = {};
  // A manual refresh still uses the validators: a 304 is the right answer when nothing changed.
  if (source.etag) headers['if-none-match'] = source.etag;
  if (source.lastModified) headers['if-modified-since'] = source.lastModified;
  let fetched: FetchResult;
  let result: IngestResult = { inserted: [], updated: [], unchanged: 0 };
  let deleted: ArticleVersion[] = [];
  try {
    fetched = await deps.fetch(target, { ...deps.fetchOptions, headers });
    const attempt = (r: IngestResult | null): FetchAttempt => ({
      at: now.toISOString(),
      durationMs: Date.now() - started,
      httpStatus: fetched.status,
      newItems: r?.inserted.length ?? 0,
      updatedItems: r?.updated.length ?? 0,
      error: null,
    });
    if (fetched.status !== 304) {
      const resolved = await fetchPagesForNewItems(deps, source, await parseAs(deps, source, fetched));
      const items = toIngestItems(source, resolved);
      result = await deps.store.ingest(source.id, items, {
        announce: true,
        after: async (r, tx) => {
          await tx.recordFetch(source.id, attempt(r));
          await markSuccess(tx, random, source, now, fetched);
          // The outlet's picture (webhook avatar of deliveries) follows the feed.
          if (resolved.image && resolved.image !== source.imageUrl) await tx.updateSource(source.id, { imageUrl: resolved.image });
        },
      });
      deleted = await checkVanishedItems(deps, source, new Set(items.map((i) => i.dedupeKey)));
    } else {
      await deps.store.transaction(async (tx) => {
        await tx.recordFetch(source.id, attempt(null));
        await markSuccess(tx, random, source, now, fetched);
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
    const updated = await markFailure(deps, random, source, now, attempt);
    deps.telemetry?.fetched('error');
    if (!(err instanceof FetchError) && !(err instanceof UserError)) deps.log.warn({ sourceId: source.id, err }, 'source refresh failed unexpectedly');
    else deps.log.info({ sourceId: source.id, error: message, failures: updated.consecutiveFailures }, 'source refresh failed');
    if (opts.manual) throw new UserError(`Refresh of ${source.name} (${source.id}) failed: ${message}`, { id: 'source.refresh-failed', values: { name: source.name, id: source.id, message } });
    return { source: updated, attempt, inserted: 0, updated: 0 };
  }
  deps.telemetry?.fetched(result.inserted.length || result.updated.length ? 'ok' : 'unchanged');
  if (result.inserted.length || result.updated.length || deleted.length) await deps.onIngest(source.id, result);
  deps.log.info({ sourceId: source.id, status: fetched.status, items: result.inserted.length, updated: result.updated.length, changed: result.changes?.length ?? 0, deleted: deleted.length }, 'source refreshed');
  return { source: (await deps.store.getSource(source.id))!, attempt: (await deps.store.fetchHistory(source.id, 1))[0]!, inserted: result.inserted.length, updated: result.updated.length };
}

/** Parses a refresh response as the kind the source was added as. */
async function parseAs(deps: SourcesDeps, source: SourceRow, fetched: FetchResult): Promise<Resolved> {
  const parsed: ParseResponse = await deps.parser.parse({ kind: 'auto', bytes: fetched.body, contentType: fetched.contentType, url: fetched.url, now: deps.clock.now().toISOString() });
  if (parsed.type === 'error') throw new UserError(parsed.message, { id: 'source.unreadable' });
  if (source.kind === 'page') {
    if (parsed.type !== 'page') throw new UserError('the page now serves a feed; remove and re-add the source', { id: 'source.now-feed' });
    return { kind: 'page', feedUrl: fetched.url, title: source.name, items: [{ item: pageItem(parsed.page, fetched.url) }], fetched, discoveredFrom: null };
  }
  if (parsed.type !== 'feed') throw new UserError('not a feed any more (the URL now serves a web page)', { id: 'source.now-page' });
  return fromFeed(parsed.feed, fetched, null);
}

async function markSuccess(store: AsyncStore, random: () => number, source: SourceRow, now: Date, fetched: FetchResult): Promise<void> {
  await store.updateSource(source.id, {
    etag: fetched.etag ?? source.etag,
    lastModified: fetched.lastModified ?? source.lastModified,
    lastAttemptAt: now.toISOString(),
    lastSuccessAt: now.toISOString(),
    consecutiveFailures: 0,
    lastError: null,
    nextFetchAt: nextFetchTime(now, source.intervalMinutes, 0, random).toISOString(),
  });
}

async function markFailure(deps: SourcesDeps, random: () => number, source: SourceRow, now: Date, attempt: FetchAttempt): Promise<SourceRow> {
  const failures = source.consecutiveFailures + 1;
  const pause = failures >= MAX_CONSECUTIVE_FAILURES;
  // The feed failed for every server that follows it: each active follower pauses and is told.
  const paused: SourceRow[] = [];
  const updated = await deps.store.transaction(async (tx) => {
    await tx.recordFetch(source.id, attempt);
    const row = await tx.updateSource(source.id, {
      lastAttemptAt: now.toISOString(),
      consecutiveFailures: failures,
      lastError: attempt.error,
      nextFetchAt: nextFetchTime(now, source.intervalMinutes, failures, random).toISOString(),
    });
    if (!pause) return row;
    for (const f of await tx.followersOf(source.id)) {
      if (f.status !== 'active') continue;
      paused.push(f);
      await tx.updateSource(f.id, { status: 'paused', pausedReason: `paused after ${failures} failed fetches in a row` });
    }
    return (await tx.getSource(source.id))!;
  });
  for (const f of paused) {
    if (!f.channelId) continue;
    await deps.notify(
      f.channelId,
      `paused:${f.id}:${now.toISOString()}`,
      // Feed titles and error text are untrusted: escaped like every other reply.
      `⚠️ Source **${escapeInline(f.name)}** (\`${f.id}\`, ${escapeInline(f.feedUrl ?? f.url)}) was paused after ${failures} failed fetches in a row.\n` +
        `Last error: ${escapeInline(attempt.error ?? '')}\nFix the feed, then run \`/source resume id:${f.id}\`.`,
    );
  }
  if (paused.length) deps.log.warn({ sourceId: source.id, feedId: source.feedId, followers: paused.length, failures, error: attempt.error }, 'source paused after repeated failures');
  return updated;
}

/** Next fetch: the interval ±10 % jitter, or exponential backoff after failures (capped at a day). */
export function nextFetchTime(now: Date, intervalMinutes: number, failures: number, random: () => number): Date {
  const base = intervalMinutes * 60_000;
  const wait = failures === 0 ? base : Math.min(MAX_BACKOFF_MS, base * 2 ** (failures - 1));
  const jitter = 1 + (random() * 0.2 - 0.1);
  return new Date(now.getTime() + Math.round(wait * jitter));
}
