import type Database from 'better-sqlite3';
import { dayNumber, foldDays, outletGroupKey, type TextCountOptions, type TextCounts } from './text-counts.ts';
import type { TextFilters } from './types.ts';

/** Rows read per statement while loading (keeps one read's memory small). */
const LOAD_CHUNK = 50_000;
/** Room for a key index in a (day, key) counting key: 2^22 outlets or sources. */
const KEY_SPAN = 4_194_304;

/**
 * What counting matches over time needs of every article, held in typed arrays indexed by seq:
 * its date (published, else first seen, as epoch ms — PostgreSQL's `COALESCE(published_ts,
 * first_seen_at)`), its source and its outlet. Counting a common word at a million articles
 * visits hundreds of thousands of matches; looking each one's date and outlet up in the
 * database would cost a B-tree seek per match, here it is two array reads. Loaded from the
 * narrow `articles_facets` index (never the article rows), then kept in step: articles stored
 * since are read by seq, rows changed or deleted through this connection are marked by temporary
 * triggers and read again before the next count, and a commit by another connection reloads all.
 */
export class ArticleFacets {
  /** Epoch ms; NaN where no article (or none with a date) has this seq. */
  private time = new Float64Array(1024).fill(NaN);
  private source = new Uint32Array(1024);
  /** 0: no outlet; else 1 + index into outletForms. */
  private outlet = new Uint32Array(1024);
  private readonly sourceIds: string[] = [];
  private readonly sourceIndex = new Map<string, number>();
  /** Every way an outlet was written (spaces normalised), and the group (see outletGroupKey) of each. */
  private readonly outletForms: string[] = [];
  private readonly formIndex = new Map<string, number>();
  private readonly formGroup: number[] = [];
  private readonly groupIndex = new Map<string, number>();
  /** Highest seq read so far. */
  private loadedSeq = 0;
  private readonly changed = new Set<number>();
  /** PRAGMA data_version when last read (-1: never). */
  private dataVersion = -1;
  private readonly readAfter: Database.Statement;
  private readonly readSeq: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.function('newsdesk_facets_changed', { deterministic: false }, (seq: unknown) => {
      this.changed.add(Number(seq));
      return null;
    });
    // TEMP triggers belong to this connection only: they see exactly the writes this store makes.
    db.exec(`
      CREATE TEMP TRIGGER IF NOT EXISTS newsdesk_facets_update AFTER UPDATE OF source_id, outlet, published_at, first_seen_at ON main.articles
        BEGIN SELECT newsdesk_facets_changed(old.seq); SELECT newsdesk_facets_changed(new.seq); END;
      CREATE TEMP TRIGGER IF NOT EXISTS newsdesk_facets_delete AFTER DELETE ON main.articles
        BEGIN SELECT newsdesk_facets_changed(old.seq); END;
    `);
    const cols = 'seq, source_id, published_at, first_seen_at, outlet';
    this.readAfter = db.prepare(`SELECT ${cols} FROM articles INDEXED BY articles_facets WHERE seq > ? ORDER BY seq LIMIT ${LOAD_CHUNK}`).raw();
    this.readSeq = db.prepare(`SELECT ${cols} FROM articles INDEXED BY articles_facets WHERE seq = ?`).raw();
  }

  /**
   * Reads what changed since the last call: new articles, then rows changed or deleted meanwhile.
   * A commit by another connection (which the triggers do not see; PRAGMA data_version tells) makes
   * it read everything again.
   */
  refresh(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      if (this.dataVersion !== -1) {
        this.time.fill(NaN);
        this.loadedSeq = 0;
        this.changed.clear();
      }
      this.dataVersion = version;
    }
    for (;;) {
      const rows = this.readAfter.all(this.loadedSeq) as unknown[][];
      for (const r of rows) this.put(r);
      if (rows.length < LOAD_CHUNK) break;
    }
    if (this.changed.size === 0) return;
    const seqs = [...this.changed];
    this.changed.clear();
    for (const seq of seqs) {
      if (seq >= this.time.length) continue;
      const r = this.readSeq.get(seq) as unknown[] | undefined;
      if (r) this.put(r);
      else this.time[seq] = NaN;
    }
  }

  private put(r: unknown[]): void {
    const seq = r[0] as number;
    if (seq >= this.time.length) this.grow(seq + 1);
    const published = r[2] === null ? NaN : Date.parse(r[2] as string);
    this.time[seq] = Number.isFinite(published) ? published : Date.parse(r[3] as string);
    this.source[seq] = this.sourceOf(r[1] as string);
    const key = outletGroupKey(r[4] as string | null);
    let o = 0;
    if (key !== null) {
      const form = (r[4] as string).replace(/\s+/g, ' ').trim();
      o = this.formIndex.get(form) ?? 0;
      if (o === 0) {
        this.outletForms.push(form);
        o = this.outletForms.length;
        this.formIndex.set(form, o);
        let g = this.groupIndex.get(key);
        if (g === undefined) this.groupIndex.set(key, (g = this.groupIndex.size + 1));
        this.formGroup[o] = g;
      }
    }
    this.outlet[seq] = o;
    if (seq > this.loadedSeq) this.loadedSeq = seq;
  }

  private sourceOf(id: string): number {
    let i = this.sourceIndex.get(id);
    if (i === undefined) {
      i = this.sourceIds.length;
      this.sourceIds.push(id);
      this.sourceIndex.set(id, i);
    }
    return i;
  }

  private grow(min: number): void {
    const size = Math.max(min, Math.ceil(this.time.length * 1.5));
    const time = new Float64Array(size).fill(NaN);
    time.set(this.time);
    const source = new Uint32Array(size);
    source.set(this.source);
    const outlet = new Uint32Array(size);
    outlet.set(this.outlet);
    this.time = time;
    this.source = source;
    this.outlet = outlet;
  }

  /**
   * Counts articles per day and key among `seqs` (every article when null) that pass the filters,
   * folded into intervals. `ownerOf` maps a source id to the feed whose articles it holds.
   */
  count(seqs: ArrayLike<number> | null, filters: TextFilters, opts: TextCountOptions, ownerOf: (sourceId: string) => string | undefined): Omit<TextCounts, 'first'> & { firstSeq: number } {
    let allowed: Uint8Array | null = null;
    if (filters.sourceIds) {
      allowed = new Uint8Array(this.sourceIds.length);
      for (const id of filters.sourceIds) {
        const i = this.sourceIndex.get(id);
        if (i !== undefined) allowed[i] = 1;
      }
    }
    // A source id (its feed's articles) or an outlet name, as the search's filter.
    let onlySource = -1;
    let onlyOutlet = -1;
    if (filters.source !== undefined) {
      const owner = ownerOf(filters.source);
      onlySource = owner === undefined ? -1 : (this.sourceIndex.get(owner) ?? -1);
      const key = outletGroupKey(filters.source);
      onlyOutlet = key === null ? -1 : (this.groupIndex.get(key) ?? -1);
      if (onlySource < 0 && onlyOutlet < 0) return { rows: [], total: 0, firstSeq: -1 };
    }
    const since = filters.since?.getTime() ?? -Infinity;
    const until = filters.until?.getTime() ?? Infinity;
    const lo = filters.fromSeq ?? 0;
    const hi = filters.toSeq ?? Infinity;
    const by = opts.by;
    const perDay = new Map<number, number>();
    let total = 0;
    let firstSeq = -1;
    let firstTime = Infinity;
    const { time, source, outlet, formGroup } = this;
    /** Per outlet group, how it is shown: as written in its earliest matching article. */
    const shown = new Map<number, { seq: number; form: number }>();
    const n = seqs ? seqs.length : this.loadedSeq + 1;
    for (let i = 0; i < n; i++) {
      const seq = seqs ? seqs[i]! : i;
      if (seq < lo || seq >= hi || seq >= time.length) continue;
      const t = time[seq]!;
      // NaN (no article) fails both comparisons.
      if (!(t >= since && t <= until)) continue;
      const s = source[seq]!;
      if (allowed && allowed[s] !== 1) continue;
      const form = outlet[seq]!;
      const group = form === 0 ? 0 : formGroup[form]!;
      if (filters.source !== undefined && s !== onlySource && group !== onlyOutlet) continue;
      const key = by === 'outlet' ? group : by === 'source' ? s : 0;
      if (by === 'outlet' && group !== 0) {
        const was = shown.get(group);
        if (!was || seq < was.seq) shown.set(group, { seq, form });
      }
      const k = dayNumber(t) * KEY_SPAN + key;
      perDay.set(k, (perDay.get(k) ?? 0) + 1);
      total++;
      if (t < firstTime || (t === firstTime && seq < firstSeq)) {
        firstTime = t;
        firstSeq = seq;
      }
    }
    const keyName = (k: number): string | null => (by === 'outlet' ? (k === 0 ? null : this.outletForms[shown.get(k)!.form - 1]!) : by === 'source' ? this.sourceIds[k]! : null);
    const days = [...perDay].map(([k, count]) => {
      const day = Math.floor(k / KEY_SPAN);
      return { day, key: keyName(k - day * KEY_SPAN), count };
    });
    return { rows: foldDays(days, opts.interval), total, firstSeq };
  }

  /** The date and source of a loaded article. */
  describe(seq: number): { time: number; sourceId: string } {
    return { time: this.time[seq]!, sourceId: this.sourceIds[this.source[seq]!]! };
  }
}
