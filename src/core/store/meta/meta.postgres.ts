import { PostgresBase } from '../postgres-base.ts';

/**
 * PostgresStore's meta values (see meta.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresMeta extends PostgresBase {
  async tryLock(name: string): Promise<(() => Promise<void>) | null> {
    // A session lock on a connection of its own: released with it, also when the process dies.
    const client = await this.pool.connect();
    try {
      const got = (await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`newsdesk:${name}`])).rows[0].ok as boolean;
      if (!got) {
        client.release();
        return null;
      }
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    return async () => {
      try {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`newsdesk:${name}`]);
        client.release();
      } catch (err) {
        client.release(err as Error);
      }
    };
  }

  async getMeta(key: string): Promise<string | undefined> {
    const r = await this.one('SELECT value FROM meta WHERE key = $1', [key]);
    return r ? (r.value as string) : undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.q('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, value]);
  }
}
