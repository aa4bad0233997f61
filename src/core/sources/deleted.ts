import { FetchError } from '../feeds/safe-fetch.ts';
import type { SourcesDeps } from './context.ts';
import type { ArticleVersion, SourceRow } from '../store/index.ts';

/** Pages of vanished items checked per refresh: a feed that drops 50 items cannot cause 50 requests. */
export const VANISHED_CHECKS_PER_REFRESH = 3;
/** Only items first seen this recently are checked: older ones usually just scrolled off the feed. */
const VANISHED_WINDOW_MS = 14 * 24 * 3_600_000;

/**
 * After a refresh, checks the pages of recent items that are no longer in the feed (at most
 * VANISHED_CHECKS_PER_REFRESH, newest first, each only once): an answer of 404 or 410 marks the
 * article deleted at its source; anything else means it merely left the feed. Never throws.
 */
export async function checkVanishedItems(deps: SourcesDeps, source: SourceRow, presentKeys: ReadonlySet<string>): Promise<ArticleVersion[]> {
  // A page source has one item, and an empty fetch is more likely a glitch than a mass deletion.
  if (source.kind === 'page' || presentKeys.size === 0) return [];
  const since = new Date(deps.clock.now().getTime() - VANISHED_WINDOW_MS).toISOString();
  const deleted: ArticleVersion[] = [];
  for (const item of await deps.store.vanishedItems(source.id, presentKeys, since, VANISHED_CHECKS_PER_REFRESH)) {
    try {
      await deps.fetch(item.url, { ...deps.fetchOptions, maxBytes: 256 * 1024 });
      await deps.store.markGoneChecked(item.id);
    } catch (err) {
      if (err instanceof FetchError && (err.status === 404 || err.status === 410)) {
        const v = await deps.store.markDeleted(item.id);
        if (v) deleted.push(v);
        deps.log.info({ sourceId: source.id, articleId: item.id, url: item.url, status: err.status }, 'item deleted at the source');
      } else {
        // A network error proves nothing: leave it unchecked so a later refresh can try again.
        deps.log.info({ sourceId: source.id, articleId: item.id, url: item.url, err: err instanceof Error ? err.message : String(err) }, 'vanished item not checked');
        if (!(err instanceof FetchError) || (err.kind !== 'network' && err.kind !== 'timeout')) await deps.store.markGoneChecked(item.id);
      }
    }
  }
  return deleted;
}
