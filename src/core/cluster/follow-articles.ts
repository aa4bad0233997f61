import type { Clock, Log } from '../deps.ts';
import type { Newsroom } from '../newsroom/index.ts';
import type { ArticleChange, AsyncStore } from '../store/async-store.ts';

/** Articles read per query while catching up. */
const CATCH_UP_CHUNK = 500;

/**
 * Keeps this process's in-memory index in step with articles other processes store (scale-out:
 * a shard answers searches, workers fetch). Every NOTIFY (and every reconnect) reads the articles
 * past this process's seq watermark, so a missed notification is caught up by the next one;
 * articles changed in place are re-read by id. Returns a function that stops following.
 */
export async function followArticles(
  deps: { store: AsyncStore; newsroom: Newsroom; log: Log; clock: Clock },
  /** The newest seq the index already holds (read before it was built: re-reading a few is harmless). */
  from: number,
): Promise<{ stop(): Promise<void>; caughtUp(): Promise<void> }> {
  let watermark = from;
  let queue: Promise<void> = Promise.resolve();
  const catchUp = (change: ArticleChange): void => {
    queue = queue
      .then(async () => {
        let added = 0;
        for (;;) {
          const rows = await deps.store.scanArticles(watermark, CATCH_UP_CHUNK);
          if (rows.length === 0) break;
          await deps.newsroom.indexArticles(rows.map((r) => ({ article: r.article, firstSeenAt: r.firstSeenAt, seq: r.rowid })));
          watermark = rows[rows.length - 1]!.rowid;
          added += rows.length;
        }
        const changed = [];
        for (const id of change.updated) {
          const article = await deps.store.getArticle(id);
          const meta = article ? await deps.store.articleMeta(id) : undefined;
          if (article && meta) changed.push({ article, firstSeenAt: meta.firstSeenAt, seq: meta.seq });
        }
        if (changed.length) await deps.newsroom.indexArticles(changed);
        if (added || changed.length) deps.log.info({ added, changed: changed.length, watermark, reconnected: change.reconnected ?? false }, 'index caught up with other processes');
      })
      .catch((err: unknown) => deps.log.error({ err }, 'index catch-up failed'));
  };
  const stop = await deps.store.onArticles(catchUp);
  // Whatever arrived between the index build and listening.
  catchUp({ maxSeq: 0, updated: [] });
  return { stop, caughtUp: () => queue };
}
