/**
 * The watermark loop both alert kinds run (search alerts and deliveries in index.ts, change alerts
 * in change-alerts.ts): each alert remembers how far into the store it has looked; a check reads
 * what lies past that mark up to the store's newest position (`upto`), files posts for it, and
 * moves the mark in the same transaction as the posts. A check reads a bounded page: what it does
 * not take waits for the next check and is never skipped.
 */

/**
 * The part of a read past a watermark that one check takes, and how far the watermark may move:
 * to `upto` when the read saw everything up to it; else, when the read filled its limit (`read`
 * items: there may be more) or returned more than one check takes (`take`), only to the last item
 * taken.
 */
export function pagePastWatermark<T>(items: T[], limits: { read: number; take: number }, upto: number, position: (item: T) => number): { taken: T[]; through: number } {
  const cut = items.length > limits.take || items.length === limits.read;
  const taken = items.length > limits.take ? items.slice(0, limits.take) : items;
  return { taken, through: cut ? position(taken[taken.length - 1]!) : upto };
}

/**
 * Checks each unit (an alert, or a channel's alerts) on its own and sums the posts filed: a unit
 * that fails is logged through `failed` and its watermark stays, so it is tried again next check
 * while the others go on. `between` runs after each unit (a yield to the event loop).
 */
export async function checkEach<U>(units: Iterable<U>, check: (unit: U) => Promise<number>, failed: (unit: U, err: unknown) => void, between?: () => Promise<unknown>): Promise<number> {
  let filed = 0;
  for (const unit of units) {
    try {
      filed += await check(unit);
    } catch (err) {
      failed(unit, err);
    }
    if (between) await between();
  }
  return filed;
}
