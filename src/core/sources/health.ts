import type { FetchAttempt, FullTextCoverage } from '../store/index.ts';
import type { SourcesDeps } from './context.ts';
import { FULL_TEXT_MAX_ATTEMPTS } from './full-text.ts';

export interface SourceHealth {
  /** The latest fetch attempts, newest first. */
  attempts: FetchAttempt[];
  /** How many of the source's articles carry their whole text, and how many are waiting or failed. */
  fullText: FullTextCoverage;
}

/** What `/source health` shows: recent fetches and full-text coverage. */
export async function sourceHealth(deps: SourcesDeps, sourceId: string, limit: number): Promise<SourceHealth> {
  return { attempts: await deps.store.fetchHistory(sourceId, limit), fullText: await deps.store.fullTextCoverage(sourceId, FULL_TEXT_MAX_ATTEMPTS) };
}
