import type { AsyncStore } from '../store/async-store.ts';

/** The window of the per-channel rate limit. */
export const RATE_WINDOW_MS = 60_000;

/**
 * How many more posts a channel may get in the current minute: the limit, less what was posted
 * in the last 60 s and what is already waiting for it.
 */
export async function channelBudget(store: Pick<AsyncStore, 'postedToChannelSince' | 'pendingPostsForChannel'>, channelId: string, now: Date, perMinute: number): Promise<number> {
  const recent = (await store.postedToChannelSince(channelId, new Date(now.getTime() - RATE_WINDOW_MS))).length;
  return perMinute - recent - (await store.pendingPostsForChannel(channelId));
}

/**
 * Splits new items (oldest first) into single posts and the overflow that is grouped into link
 * posts: within budget every item is its own post; over it, budget − 1 singles and one group.
 * A channel with no budget left still gets one single (it waits for the rate limit) rather than
 * a group of one.
 */
export function planBurst<T>(items: T[], budget: number): { singles: T[]; grouped: T[] } {
  const room = Math.max(1, budget);
  if (items.length <= room) return { singles: items, grouped: [] };
  const singles = Math.max(0, room - 1);
  return { singles: items.slice(0, singles), grouped: items.slice(singles) };
}

/**
 * When the next post to a channel may go out: immediately while fewer than `perMinute` posts were
 * made in the last minute, else one minute after the oldest post that still counts.
 */
export function nextSlot(postedAt: string[], now: Date, perMinute: number): Date | null {
  if (postedAt.length < perMinute) return null;
  const oldestCounting = postedAt[postedAt.length - perMinute]!;
  return new Date(Date.parse(oldestCounting) + RATE_WINDOW_MS + 1);
}
