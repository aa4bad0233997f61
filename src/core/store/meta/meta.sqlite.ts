import type { Row } from '../rows.ts';
import { SqliteBase } from '../sqlite-base.ts';

/**
 * SqliteStore's meta values (see meta.ts).
 * One link of SqliteStore's class chain (see sqlite-store.ts).
 */
export class SqliteMeta extends SqliteBase {
  getMeta(key: string): string | undefined {
    const r = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r ? (r.value as string) : undefined;
  }

  setMeta(key: string, value: string): void {
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
