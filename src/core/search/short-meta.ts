import type { SearchFilters } from './types.ts';

/** An outlet name as filters compare it: spaces collapsed, lower case. */
export function normOutlet(s: string | null | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The metadata of a document that filters read. */
interface Meta {
  sourceId: string;
  outlet: string;
  date: number;
  seq: number;
}

/**
 * Filter metadata by MiniSearch short id (seq, date, source and outlet as numbers), so ranking
 * from postings filters documents without looking up their id strings and metadata objects:
 * those lookups, scattered over the heap on a window churned by evictions, made the anonymous
 * filter the largest cost of `rankExact` (docs/performance.md).
 */
export class ShortMeta {
  seq = new Float64Array(0);
  date = new Float64Array(0);
  source = new Int32Array(0);
  outlet = new Int32Array(0);
  private readonly nums = new Map<string, number>();

  get names(): number {
    return this.nums.size;
  }

  /** The number of a source (`s:` id) or outlet (`o:` normalised name); -1 when none has it. */
  numOf(key: string): number {
    return this.nums.get(key) ?? -1;
  }

  private num(key: string): number {
    let n = this.nums.get(key);
    if (n === undefined) this.nums.set(key, (n = this.nums.size));
    return n;
  }

  /** Records a live document's metadata, or (`undefined`) that the short id is not live. */
  set(short: number, m: Meta | undefined): void {
    if (short >= this.seq.length) {
      if (!m) return;
      const size = Math.max(short + 1, this.seq.length * 2, 1024);
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(size);
        b.set(a);
        return b;
      };
      const old = this.seq.length;
      this.seq = grow(this.seq, (n) => new Float64Array(n));
      this.seq.fill(NaN, old);
      this.date = grow(this.date, (n) => new Float64Array(n));
      this.source = grow(this.source, (n) => new Int32Array(n));
      this.outlet = grow(this.outlet, (n) => new Int32Array(n));
    }
    if (!m) {
      this.seq[short] = NaN;
      return;
    }
    this.seq[short] = m.seq;
    this.date[short] = m.date;
    this.source[short] = this.num(`s:${m.sourceId}`);
    this.outlet[short] = this.num(`o:${m.outlet}`);
  }

  /** A test of `filters` (and the hot `floor`) by short id; rejects documents not live. */
  acceptor(filters: SearchFilters | undefined, floor: number): (short: number) => boolean {
    const { visibleSources, source, since, until } = filters ?? {};
    let visible: Uint8Array | null = null;
    if (visibleSources) {
      visible = new Uint8Array(this.names);
      for (const id of visibleSources) {
        const n = this.numOf(`s:${id}`);
        if (n >= 0) visible[n] = 1;
      }
    }
    const wanted = source ? normOutlet(source) : null;
    const sourceNum = source ? this.numOf(`s:${source}`) : -1;
    const outletNum = wanted !== null ? this.numOf(`o:${wanted}`) : -1;
    const from = since?.getTime() ?? -Infinity;
    const to = until?.getTime() ?? Infinity;
    const dated = Boolean(since || until);
    return (short) => {
      // NaN (not live) fails too.
      if (!(this.seq[short]! >= floor)) return false;
      if (visible && !visible[this.source[short]!]) return false;
      if (wanted !== null && this.source[short] !== sourceNum && this.outlet[short] !== outletNum) return false;
      if (dated) {
        const d = this.date[short]!;
        if (!(d >= from && d <= to)) return false;
      }
      return true;
    };
  }
}
