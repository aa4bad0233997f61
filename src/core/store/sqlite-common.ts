import { rowMappers, SQLITE_CODEC } from './rows.ts';

// Constants and row mappers the SQLite store's aggregate files (<aggregate>/*.sqlite.ts) share.

/**
 * Matches a dense word must have (estimated) before leaving bm25() pays: its IDF pass reads the
 * word's whole doclist, while checking or ranking candidates on their text reads a few dozen
 * articles at a roughly fixed cost. The pass costs as much as that fixed cost at about this many
 * matches (docs/performance.md), so below it the usual ranked query stays.
 */
export const DENSE_MIN_MATCHES = 150_000;

export function iso(d: Date): string {
  return d.toISOString();
}

export const { toSource, toArticle, toStoredItem, toVersion, toSubscription, toAlert, toOutbox, toAttempt, toChangeAlert } = rowMappers(SQLITE_CODEC);
