import type { Clock, Log } from '../deps.ts';
import { SqliteStore } from './sqlite-store.ts';

export { SqliteStore } from './sqlite-store.ts';
export { StoreError } from './errors.ts';
export { newShortId } from './ids.ts';
export type * from './types.ts';

/** Opens (creating and migrating as needed) the store of record at `path` (or ':memory:'). */
export function openStore(opts: { path: string; clock: Clock; log: Log }): SqliteStore {
  return new SqliteStore(opts.path, opts.clock, opts.log);
}
