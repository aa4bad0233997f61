import type Database from 'better-sqlite3';
import { foldDays, outletGroupKey, type TextCountOptions, type TextCounts } from './text-counts.ts';
import type { TextFilters } from '../types.ts';

/** Rows read per statement while loading (keeps one read's memory small). */
const LOAD_CHUNK = 50_000;
/** Room for a key index in a (day, key) counting key: 2^22 outlets or sources. */
const KEY_SPAN = 4_194_304;
/** Counts go to a dense array per key and day while the archive's dates span at most this many days. */
const DENSE_MAX_DAYS = 40_000;
const DAY_MS = 86_400_000;

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
  /** Day numbers of the earliest and latest dates loaded (never narrowed: a bound is enough). */
  private minDay = Infinity;
  private maxDay = -Infinity;
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
    // The date as epoch ms in SQL (strings cost more to hand over than numbers); a published date
    // SQLite cannot read counts as none, like PostgreSQL's published_ts.
    const cols = "seq, source_id, coalesce(round(unixepoch(published_at, 'subsec') * 1000), round(unixepoch(first_seen_at, 'subsec') * 1000)), outlet";
    this.readAfter = db.prepare(`SELECT ${cols} FROM articles INDEXED BY articles_facets WHERE seq > ? ORDER BY seq LIMIT ?`).raw();
    this.readSeq = db.prepare(`SELECT ${cols} FROM articles INDEXED BY articles_facets WHERE seq = ?`).raw();
  }

  /**
   * Reads what changed since the last call: new articles, then rows changed or deleted meanwhile.
   * A commit by another connection (which the triggers do not see; PRAGMA data_version tells) makes
   * it read everything again.
   */
  refresh(): void {
    while (!this.load(LOAD_CHUNK));
  }

  /**
   * Loads at most `rows` articles not read yet (a start-up reads the archive a little at a time
   * between other work); true when nothing is left to read.
   */
  load(rows: number): boolean {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      if (this.dataVersion !== -1) {
        this.time.fill(NaN);
        this.loadedSeq = 0;
        this.changed.clear();
        this.version++;
      }
      this.dataVersion = version;
    }
    const read = this.readAfter.all(this.loadedSeq, rows) as unknown[][];
    for (const r of read) this.put(r);
    if (read.length === rows) return false;
    this.applyChanged();
    return true;
  }

  private applyChanged(): void {
    if (this.changed.size === 0) return;
    const seqs = [...this.changed];
    this.changed.clear();
    for (const seq of seqs) {
      if (seq >= this.time.length) continue;
      const r = this.readSeq.get(seq) as unknown[] | undefined;
      if (r) this.put(r);
      else {
        this.time[seq] = NaN;
        this.version++;
      }
    }
  }

  private put(r: unknown[]): void {
    this.version++;
    const seq = r[0] as number;
    if (seq >= this.time.length) this.grow(seq + 1);
    const t = r[2] === null ? NaN : (r[2] as number);
    this.time[seq] = t;
    if (Number.isFinite(t)) {
      const day = Math.floor(t / DAY_MS);
      if (day < this.minDay) this.minDay = day;
      if (day > this.maxDay) this.maxDay = day;
    }
    this.source[seq] = this.sourceOf(r[1] as string);
    const key = outletGroupKey(r[3] as string | null);
    let o = 0;
    if (key !== null) {
      const form = (r[3] as string).replace(/\s+/g, ' ').trim();
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
   * Counts articles per day and key among `seqs` (FTS5's matching rowids as group_concat gives
   * them — a string costs a tenth of a row per rowid to hand over; every article when null) that
   * pass the filters, folded into intervals. `ownerOf` maps a source id to the feed whose articles it holds.
   */
  count(seqs: string | null, filters: TextFilters, opts: TextCountOptions, ownerOf: (sourceId: string) => string | undefined): Omit<TextCounts, 'first'> & { firstSeq: number } {
    // Every article's count (the archive's volume beside each /trend chart) is the same until an
    // article changes: kept for the last few filters asked.
    if (seqs !== null) return this.countSeqs(seqs, filters, opts, ownerOf);
    const key = JSON.stringify([filters, opts]);
    const known = this.volumes.get(key);
    if (known && known.version === this.version) return known.result;
    const result = this.countSeqs(null, filters, opts, ownerOf);
    if (this.volumes.size >= 8) this.volumes.clear();
    this.volumes.set(key, { version: this.version, result });
    return result;
  }

  private readonly volumes = new Map<string, { version: number; result: Omit<TextCounts, 'first'> & { firstSeq: number } }>();

  private countSeqs(seqs: string | null, filters: TextFilters, opts: TextCountOptions, ownerOf: (sourceId: string) => string | undefined): Omit<TextCounts, 'first'> & { firstSeq: number } {
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
    const bySource = filters.source !== undefined;
    if (bySource) {
      const owner = ownerOf(filters.source!);
      onlySource = owner === undefined ? -1 : (this.sourceIndex.get(owner) ?? -1);
      const key = outletGroupKey(filters.source);
      onlyOutlet = key === null ? -1 : (this.groupIndex.get(key) ?? -1);
      if (onlySource < 0 && onlyOutlet < 0) return { rows: [], total: 0, firstSeq: -1 };
    }
    const since = filters.since?.getTime() ?? -Infinity;
    const until = filters.until?.getTime() ?? Infinity;
    const lo = filters.fromSeq ?? 0;
    const hi = Math.min(filters.toSeq ?? Infinity, this.time.length);
    const by = opts.by;
    const { time, source, outlet, formGroup, minDay } = this;
    // Counts per key and day: dense arrays over the archive's days unless its dates span centuries.
    const span = this.maxDay - minDay + 1;
    const dense = span > 0 && span <= DENSE_MAX_DAYS;
    const perKey: Int32Array[] = [];
    const sparse = new Map<number, number>();
    /** Per outlet group, how it is shown: as written in its earliest matching article. */
    const shownSeq: number[] = [];
    const shownForm: number[] = [];
    let total = 0;
    let firstSeq = -1;
    let firstTime = Infinity;
    const visit = (seq: number): void => {
      if (seq < lo || seq >= hi) return;
      const t = time[seq]!;
      // NaN (no article) fails both comparisons.
      if (!(t >= since && t <= until)) return;
      const s = source[seq]!;
      if (allowed !== null && allowed[s] !== 1) return;
      const form = outlet[seq]!;
      const group = form === 0 ? 0 : formGroup[form]!;
      if (bySource && s !== onlySource && group !== onlyOutlet) return;
      let key = 0;
      if (by === 'outlet') {
        key = group;
        if (group !== 0 && !(shownSeq[group]! <= seq)) {
          shownSeq[group] = seq;
          shownForm[group] = form;
        }
      } else if (by === 'source') key = s;
      const day = Math.floor(t / DAY_MS);
      if (dense) (perKey[key] ??= new Int32Array(span))[day - minDay]!++;
      else {
        const k = day * KEY_SPAN + key;
        sparse.set(k, (sparse.get(k) ?? 0) + 1);
      }
      total++;
      if (t < firstTime || (t === firstTime && seq < firstSeq)) {
        firstTime = t;
        firstSeq = seq;
      }
    };
    if (seqs === null) {
      for (let seq = 0; seq <= this.loadedSeq; seq++) visit(seq);
    } else {
      let n = 0;
      for (let i = 0; i < seqs.length; i++) {
        const c = seqs.charCodeAt(i);
        if (c === 44) {
          visit(n);
          n = 0;
        } else n = n * 10 + (c - 48);
      }
      if (seqs.length > 0) visit(n);
    }
    const keyName = (k: number): string | null => (by === 'outlet' ? (k === 0 ? null : this.outletForms[shownForm[k]! - 1]!) : by === 'source' ? this.sourceIds[k]! : null);
    const days: Array<{ day: number; key: string | null; count: number }> = [];
    if (dense) {
      perKey.forEach((counts, k) => {
        const key = keyName(k);
        for (let d = 0; d < span; d++) if (counts[d]! > 0) days.push({ day: minDay + d, key, count: counts[d]! });
      });
    } else {
      for (const [k, count] of sparse) {
        const day = Math.floor(k / KEY_SPAN);
        days.push({ day, key: keyName(k - day * KEY_SPAN), count });
      }
    }
    return { rows: foldDays(days, opts.interval), total, firstSeq };
  }

  /**
   * The lowest seq of an article dated at or after `since` (past the last one when none is): a
   * lower bound FTS5 can walk down to instead of reading a whole doclist. Articles arrive roughly
   * in date order, so for a recent window it lies near the end.
   */
  firstSeqSince(since: number): number {
    const known = this.floors.get(since);
    if (known && known.version === this.version) return known.seq;
    const { time } = this;
    let found = this.loadedSeq + 1;
    for (let seq = 0; seq <= this.loadedSeq; seq++) {
      if (time[seq]! >= since) {
        found = seq;
        break;
      }
    }
    // A window's two bounds are asked for again and again (one count per candidate name).
    if (this.floors.size >= 8) this.floors.clear();
    this.floors.set(since, { seq: found, version: this.version });
    return found;
  }

  private readonly floors = new Map<number, { seq: number; version: number }>();
  /** Counts every article read (new or changed): floors found before a change are found again. */
  private version = 0;

  /** The date and source of a loaded article. */
  describe(seq: number): { time: number; sourceId: string } {
    return { time: this.time[seq]!, sourceId: this.sourceIds[this.source[seq]!]! };
  }
}
