import { dedupeKey } from '../feeds/dedupe.ts';
import type { ExtractedPage } from '../feeds/extract-page.ts';
import type { SourceRow } from '../store/index.ts';
import type { SourcesDeps } from './context.ts';
import { describeFailure, type Resolved } from './items.ts';

/** New items fetched for full text inline in one refresh, so a big summary-only feed cannot stall the poller. */
const NEW_ITEMS_PER_REFRESH = 20;
/** Pages one backfill pass fetches for one source; the rest wait for the next pass (each poll tick). */
export const BACKFILL_PER_PASS = 50;
/** Pages fetched at once by one backfill pass: polite to the outlet, quick enough for a reporter. */
const BACKFILL_CONCURRENCY = 2;
/** After this many failed page fetches an item keeps its summary until a moderator refreshes the source. */
export const FULL_TEXT_MAX_ATTEMPTS = 3;

/**
 * For a full-text source, fetches and extracts the page of each NEW summary-only item of a fetch
 * (at most NEW_ITEMS_PER_REFRESH), so alerts and digests see the whole text. Items over the budget
 * and pages that fail keep their summary and are picked up by the backfill queue.
 */
export async function fetchPagesForNewItems(deps: SourcesDeps, source: SourceRow, resolved: Resolved): Promise<Resolved> {
  if (!source.fullText || source.kind === 'page') return resolved;
  let budget = NEW_ITEMS_PER_REFRESH;
  const items = [];
  for (const entry of resolved.items) {
    const { item } = entry;
    if (budget > 0 && !item.hasFullText && item.url && !(await deps.store.hasArticleKey(source.id, dedupeKey(item)))) {
      budget--;
      const page = await fetchPage(deps, source.id, item.url).catch(() => null);
      if (page) {
        items.push({ item, page });
        continue;
      }
    }
    items.push(entry);
  }
  return { ...resolved, items };
}

/** Fetches and extracts one article page; throws with a message naming the URL. */
async function fetchPage(deps: SourcesDeps, sourceId: string, url: string): Promise<ExtractedPage> {
  try {
    const fetched = await deps.fetch(url, deps.fetchOptions);
    const parsed = await deps.parser.parse({ kind: 'auto', bytes: fetched.body, contentType: fetched.contentType, url: fetched.url, now: deps.clock.now().toISOString() });
    if (parsed.type === 'page' && parsed.page.paragraphs.length) return parsed.page;
    throw new Error(parsed.type === 'error' ? parsed.message : `"${url}": no article text on the page`);
  } catch (err) {
    const message = describeFailure(url, err);
    deps.log.info({ sourceId, url, error: message }, 'full text unavailable; keeping the summary');
    throw new Error(message);
  }
}

/**
 * The backfill of full text for items already stored with only their summary: the items present
 * when a source is added, those stored before full text was switched on, and pages that failed
 * before. Progress lives in the store (each article's text origin and attempts), so a restart
 * resumes where it stopped; each page is written and re-indexed as soon as it arrives.
 */
export class FullTextBackfill {
  private readonly draining = new Map<string, Promise<number>>();

  constructor(private readonly deps: SourcesDeps) {}

  /** Starts (or joins) a pass for one source; resolves to the number of pages filled. */
  drain(sourceId: string): Promise<number> {
    const running = this.draining.get(sourceId);
    if (running) return running;
    const pass = this.runPass(sourceId).finally(() => this.draining.delete(sourceId));
    this.draining.set(sourceId, pass);
    return pass;
  }

  /** One pass over every active full-text source with pending items. Never throws. */
  async drainDue(): Promise<number> {
    let filled = 0;
    for (const sourceId of await this.deps.store.sourcesWithPendingFullText(FULL_TEXT_MAX_ATTEMPTS)) {
      filled += await this.drain(sourceId).catch((err: unknown) => {
        this.deps.log.error({ sourceId, err }, 'full-text backfill failed');
        return 0;
      });
    }
    return filled;
  }

  /** Waits for every pass under way (shutdown and tests). */
  async idle(): Promise<void> {
    while (this.draining.size) await Promise.allSettled([...this.draining.values()]);
  }

  private async runPass(sourceId: string): Promise<number> {
    const source = await this.deps.store.getSource(sourceId);
    if (!source || !source.fullText || source.kind === 'page' || source.status !== 'active') return 0;
    const pending = await this.deps.store.pendingFullText(sourceId, FULL_TEXT_MAX_ATTEMPTS, BACKFILL_PER_PASS);
    let next = 0;
    let filled = 0;
    const worker = async () => {
      while (next < pending.length) {
        const { id, url } = pending[next++]!;
        // A source removed or switched off mid-pass stops fetching at once.
        const now = await this.deps.store.getSource(sourceId);
        if (!now?.fullText) return;
        try {
          const page = await fetchPage(this.deps, sourceId, url);
          const article = await this.deps.store.setFullText(id, page.paragraphs, page.byline, page.image ?? null);
          if (!article) continue;
          filled++;
          await this.deps.onIngest(sourceId, { inserted: [], updated: [article], unchanged: 0 });
        } catch (err) {
          await this.deps.store.recordFullTextFailure(id, err instanceof Error ? err.message : String(err));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BACKFILL_CONCURRENCY, pending.length) }, worker));
    if (pending.length) this.deps.log.info({ sourceId, pages: pending.length, filled }, 'full-text backfill pass');
    return filled;
  }
}
