import { performance } from 'node:perf_hooks';
import type { Article } from '../article.ts';
import type { ArticleIndex } from '../search/article-index.ts';
import { nextTurn } from '../deps.ts';

/** Indexing work per event-loop turn: interactions wait at most about this long. */
const TURN_BUDGET_MS = 15;

export { nextTurn };

/**
 * Runs `step` over `items`, `chunk` at a time, a turn budget per turn (at least one chunk each),
 * yielding to the event loop after each turn; `after` runs at the end of every turn.
 */
export async function inTurns<T>(items: T[], chunk: number, step: (part: T[]) => void, after?: () => void): Promise<void> {
  let i = 0;
  while (i < items.length) {
    const until = performance.now() + TURN_BUDGET_MS;
    do {
      const part = items.slice(i, i + chunk);
      step(part);
      i += part.length;
    } while (i < items.length && performance.now() < until);
    after?.();
    await nextTurn();
  }
}

/** Adds items to the index a turn budget at a time, yielding to the event loop in between. */
export function addInTurns(index: ArticleIndex, items: Array<{ article: Article; firstSeenAt?: string | undefined; seq?: number | undefined }>, after?: () => void): Promise<void> {
  return inTurns(items, 1, ([item]) => index.add(item!.article, item!), after);
}
