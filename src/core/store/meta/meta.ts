/**
 * Key/value settings of the bot itself, and job locks across processes.
 */
export interface MetaStore {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /**
   * A cluster-wide lock for a job only one process may run at a time (digest and alert filing):
   * the release function, or null when another process holds it. A dead holder's lock is freed
   * with its connection.
   */
  tryLock(name: string): Promise<(() => Promise<void>) | null>;
}
