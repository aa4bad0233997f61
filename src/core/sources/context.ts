import type { Clock, Log } from '../deps.ts';
import type { ParsePool } from '../feeds/parse-pool.ts';
import type { FetchOptions, FetchResult } from '../feeds/safe-fetch.ts';
import type { AsyncStore } from '../store/async-store.ts';
import type { IngestResult } from '../store/index.ts';
import type { Telemetry } from '../telemetry/index.ts';

/** What the sources service needs from the rest of the program, passed in as one object. */
export interface SourcesDeps {
  store: AsyncStore;
  clock: Clock;
  log: Log;
  fetch: (url: string, opts?: FetchOptions) => Promise<FetchResult>;
  parser: Pick<ParsePool, 'parse'>;
  fetchOptions: FetchOptions;
  /** Called after every ingest that changed something: the index and alerts follow the store. */
  onIngest: (sourceId: string, result: IngestResult) => void | Promise<void>;
  /** Called when the store deletes articles. */
  onRemove: (articleIds: string[]) => void;
  /** Posts a warning to a channel (exactly once, through the outbox). */
  notify: (channelId: string, key: string, text: string) => Promise<unknown> | void;
  /** 0..1 random source for jitter; injected so tests are deterministic. */
  random?: () => number;
  defaultIntervalMinutes: number;
  /** Who claims feed fetches (a process id in a cluster) and for how long a claim holds. */
  worker?: { id: string; leaseMs: number };
  /** Fetch outcomes for operators (METRICS_PORT). */
  telemetry?: Telemetry;
}
