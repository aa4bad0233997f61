import type { Row } from '../rows.ts';
import type { SqliteStore } from '../sqlite-store.ts';

/**
 * SqliteStore's meta values (see meta.ts).
 * Installed on SqliteStore's prototype (sqlite-store.ts), so `this` is the store.
 */
export const sqliteMeta = {
  getMeta(this: SqliteStore, key: string): string | undefined {
    const r = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r ? (r.value as string) : undefined;
  },

  setMeta(this: SqliteStore, key: string, value: string): void {
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  },
};
