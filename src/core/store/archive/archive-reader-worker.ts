/**
 * The archive reader's thread: the SQLite store's full-text search over a read-only connection of
 * its own, one request at a time. Loaded through the reader's bootstrap (which registers tsx
 * first); importing it anywhere else does nothing.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { silentLog, systemClock } from '../../deps.ts';
import { SqliteStore } from '../sqlite-store.ts';
import type { TextFilters, TextPage, TextQuery, TextSearchOptions } from '../types.ts';

/** Reader → thread. */
export interface ReaderRequest {
  id: number;
  query: TextQuery;
  filters: TextFilters;
  opts: TextSearchOptions;
  /** The main store's setting (tests lower it). */
  denseMinMatches: number;
}

/** Thread → reader. */
export type ReaderReply = { ready: true } | { id: number; page: TextPage } | { id: number; skipped: true } | { id: number; error: string };

/** Marks the threads the reader starts. */
export const ARCHIVE_READER_FLAG = 'newsdeskArchiveReader';

function serve(port: NonNullable<typeof parentPort>, path: string): void {
  let store: SqliteStore;
  try {
    store = new SqliteStore(path, systemClock, silentLog, { readonly: true });
  } catch (err) {
    port.postMessage({ bootError: (err as Error).message });
    return;
  }
  // One read transaction per search: every statement of it sees the same snapshot of the file,
  // as the main connection's search (run in one turn of its queue) does.
  const search = store.db.transaction((r: ReaderRequest): TextPage => store.searchText(r.query, r.filters, r.opts));
  port.on('message', (msg: ReaderRequest | 'close') => {
    if (msg === 'close') {
      store.close();
      port.close();
      return;
    }
    // Nobody waits for it any more (the search's time budget ran out while it was queued).
    if (msg.opts.deadline !== undefined && Date.now() > msg.opts.deadline) {
      port.postMessage({ id: msg.id, skipped: true } satisfies ReaderReply);
      return;
    }
    try {
      store.denseMinMatches = msg.denseMinMatches;
      port.postMessage({ id: msg.id, page: search(msg) } satisfies ReaderReply);
    } catch (err) {
      port.postMessage({ id: msg.id, error: (err as Error).message } satisfies ReaderReply);
    }
  });
  port.postMessage({ ready: true } satisfies ReaderReply);
}

const data = workerData as Record<string, unknown> | null;
if (!isMainThread && parentPort && data?.[ARCHIVE_READER_FLAG] === true) serve(parentPort, data.path as string);
