/**
 * A string-keyed Map split into 256 shards. A single V8 Map rehashes all its entries in one `set`
 * when it outgrows its table, which at archive sizes is an event-loop stall (docs/performance.md).
 * Per-article maps over the whole archive use this instead, so each rehash moves 1/256 of them.
 */
export class ShardedMap<V> {
  private readonly shards: Array<Map<string, V>> = Array.from({ length: 256 }, () => new Map<string, V>());
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    return this.shard(key).get(key);
  }

  has(key: string): boolean {
    return this.shard(key).has(key);
  }

  set(key: string, value: V): this {
    const m = this.shard(key);
    const before = m.size;
    m.set(key, value);
    this.count += m.size - before;
    return this;
  }

  delete(key: string): boolean {
    const m = this.shard(key);
    const gone = m.delete(key);
    if (gone) this.count--;
    return gone;
  }

  private shard(key: string): Map<string, V> {
    // The last characters of ids and names vary most; mixing a few of them is cheap and enough.
    let h = key.length;
    for (let i = Math.max(0, key.length - 6); i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return this.shards[(h ^ (h >>> 8) ^ (h >>> 16)) & 255]!;
  }
}
