import { rowMappers, SQLITE_CODEC } from './rows.ts';

// Constants and row mappers the SQLite store's aggregate files (<aggregate>/*.sqlite.ts) share.

/**
 * Matches a dense word must have (estimated) before leaving bm25() pays: its IDF pass reads about
 * 15 million doclist entries a second (6 ms for 94,000 at 100,000 articles), while checking or
 * ranking candidates on their text reads 40–60 articles (~6–9 ms). So at 100,000 articles the
 * usual ranked query stays; at a million a word in most articles costs ~60 ms per query that way.
 */
export const DENSE_MIN_MATCHES = 150_000;

export function iso(d: Date): string {
  return d.toISOString();
}

export const { toSource, toArticle, toStoredItem, toVersion, toSubscription, toAlert, toOutbox, toAttempt, toChangeAlert } = rowMappers(SQLITE_CODEC);
