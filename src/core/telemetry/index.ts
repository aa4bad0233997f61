import type { OutboxKind } from '../store/types.ts';

/**
 * What the newsroom counts and times for the people who run it. Core only reports events;
 * `src/metrics.ts` turns them into Prometheus series (METRICS_PORT), and tests leave it silent.
 */
export interface Telemetry {
  /** A feed or page fetch ended: new content, nothing new (304 or the same items), or an error. */
  fetched(result: 'ok' | 'unchanged' | 'error'): void;
  /** Articles stored (new or changed) by one ingest. */
  ingested(articles: number): void;
  /** One outbox post: sent, failed for good, or to be retried. */
  posted(kind: OutboxKind, result: 'sent' | 'failed' | 'retry'): void;
  /** How long one search took in a tier ('all': the whole search as the user waited for it). */
  searched(tier: 'hot' | 'archive' | 'all', seconds: number): void;
}

export const noTelemetry: Telemetry = {
  fetched() {},
  ingested() {},
  posted() {},
  searched() {},
};
