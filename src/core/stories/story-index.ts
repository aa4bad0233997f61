import { tokenize } from '../text/tokenize.ts';

/** What the story grouping reads of an article. */
export interface StoryDoc {
  id: string;
  /** Articles of one source are never linked directly: near-duplicates there are distinct items or updates. */
  sourceId: string;
  title: string;
  body: string[];
  /** publishedAt, else first seen (epoch ms). */
  time: number;
}

/** Thresholds of "same story"; measured on the labelled set in test/data/stories-labelled.json (see the README). */
export interface StoryThresholds {
  /** Estimated Jaccard of the content-word sets above which two articles are one story. */
  body: number;
  /** Title-word Jaccard that, with at least `support` body overlap, also makes one story. */
  title: number;
  support: number;
  /** Reports further apart than this are never one story. */
  windowMs: number;
}

export const DEFAULT_THRESHOLDS: StoryThresholds = { body: 0.25, title: 0.34, support: 0.05, windowMs: 3 * 24 * 3_600_000 };

/** MinHash size and LSH banding: 30 bands of 2 rows find pairs at J 0.3 with p ≈ 0.94, at 0.15 with p ≈ 0.5. */
const HASHES = 60;
const ROWS = 2;
const BANDS = HASHES / ROWS;
/** Words of an article used: the lead carries the story, and wire copies are often cut at the end. */
const MAX_WORDS = 400;
/**
 * Candidates read per LSH bucket and per title word, newest first. Words common to most articles
 * make some buckets and postings grow with the archive; reading only the newest entries keeps the
 * cost per article flat, and reports of one story arrive close together anyway.
 */
const MAX_SCAN = 100;

const STOP = new Set(
  'the a an of to in on for and or is are was were as at by with from its it that this after over new be has have had he she they his her their said says not but will would can could more than also about into who which what when how why your you we our us there been being do does did than then them these those out up all one two just like get got may might'.split(' '),
);

/** Characters of an article read: enough for MAX_WORDS content words, and a bound on the cost per article. */
const MAX_CHARS = 6000;

/** Words that carry meaning (the search tokenizer's terms), stop words and one-letter tokens dropped. */
export function contentWords(text: string): string[] {
  return tokenize(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text).filter((t) => t.length > 1 && !STOP.has(t));
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's finaliser: a cheap, well-mixed 32-bit permutation. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS = Array.from({ length: HASHES }, (_, i) => fmix(0x9e3779b9 + i * 0x632be5ab));

/**
 * Incremental near-duplicate grouping of articles into stories: a MinHash signature of each
 * article's content words, banded into an LSH table for candidates, plus an index of title words;
 * a candidate from another source within the time window whose estimated word overlap (or title
 * overlap with some word overlap) passes the thresholds joins the story. Stories merge when an
 * article links two of them; a story's id is the id of its earliest-added article, so ids are
 * stable as long as articles are added in the same order (the store's seq order at start-up).
 * Memory is typed arrays plus one open-addressing table: about 0.5 KB per article.
 */
export class StoryIndex {
  private ids: string[] = [];
  private sources: string[] = [];
  private readonly byId = new Map<string, number>();
  private times = new Float64Array(1024);
  private sigs = new Uint32Array(1024 * HASHES);
  private titleCounts = new Uint16Array(1024);
  private removed = new Uint8Array(1024);
  private stamp = new Int32Array(1024);
  /** Union-find over doc numbers; the root is the smallest number (the earliest-added article). */
  private parent = new Int32Array(1024);
  private readonly members = new Map<number, number[]>();
  // LSH: open addressing from band key to the newest doc in that bucket; `next` chains older ones.
  private keys = new Uint32Array(1 << 12);
  /** Newest doc of each bucket plus one (0: empty), so a new table needs no fill: zeroed memory is free. */
  private heads = new Int32Array(1 << 12);
  private used = 0;
  private next = new Int32Array(1024 * BANDS);
  private readonly titlePostings = new Map<number, number[]>();
  /** Start-up: stored story id → the first article restored into it. */
  private readonly restoredRoots = new Map<string, number>();

  constructor(readonly thresholds: StoryThresholds = DEFAULT_THRESHOLDS) {}

  get size(): number {
    return this.ids.length;
  }

  /**
   * Makes room for `n` articles at once. Growing by doubling copies every array and rehashes the
   * bucket table, in one go: at a million articles that is ~0.9 GB moved while the event loop
   * waits; a start-up that knows the archive's size reserves it first.
   */
  reserve(n: number): void {
    this.grow(n);
    let size = this.keys.length;
    while (n * BANDS * 2 > size) size *= 2;
    if (size > this.keys.length) this.rehash(size);
  }

  /** The story id of an article, if it was added. */
  storyOf(articleId: string): string | undefined {
    const n = this.byId.get(articleId);
    return n === undefined ? undefined : this.ids[this.find(n)];
  }

  /** Article ids of a story in the order they were added (removed articles left out). */
  storyMembers(storyId: string): string[] {
    const n = this.byId.get(storyId);
    if (n === undefined) return [];
    const root = this.find(n);
    return (this.members.get(root) ?? [root]).filter((m) => !this.removed[m]).map((m) => this.ids[m]!);
  }

  /** Forgets an article for future links (its story keeps the others). */
  remove(articleId: string): void {
    const n = this.byId.get(articleId);
    if (n !== undefined) this.removed[n] = 1;
  }

  /**
   * Adds an article and links it to its story. Returns the articles whose story id changed
   * (the new one, and the members of a story merged into an older one), for the store to record.
   * An article already added keeps its story.
   */
  add(doc: StoryDoc, storedSignature?: Uint8Array, storedStory?: string | null): Array<[articleId: string, storyId: string]> {
    const known = this.byId.get(doc.id);
    if (known !== undefined) return [];
    const n = this.ids.length;
    this.grow(n + 1);
    this.ids.push(doc.id);
    this.sources.push(doc.sourceId);
    this.byId.set(doc.id, n);
    this.times[n] = doc.time;
    this.parent[n] = n;
    const sig = this.sigs.subarray(n * HASHES, (n + 1) * HASHES);
    let words = 0;
    if (storedSignature && storedSignature.byteLength === HASHES * 4) {
      sig.set(new Uint32Array(storedSignature.buffer.slice(storedSignature.byteOffset, storedSignature.byteOffset + HASHES * 4)));
      words = sig[0] === 0xffffffff ? 0 : 1;
    } else {
      sig.fill(0xffffffff);
      const seen = new Set<number>();
      for (const w of contentWords(`${doc.title}\n${doc.body.join('\n')}`).slice(0, MAX_WORDS)) {
        const h = fnv(w);
        if (seen.has(h)) continue;
        seen.add(h);
        for (let i = 0; i < HASHES; i++) {
          const v = fmix(h ^ SEEDS[i]!);
          if (v < sig[i]!) sig[i] = v;
        }
      }
      words = seen.size;
    }
    const titleWords = [...new Set(contentWords(doc.title).map(fnv))];
    this.titleCounts[n] = Math.min(65535, titleWords.length);
    if (storedStory) return this.restore(doc, n, sig, words, titleWords, storedStory);
    // Candidates are de-duplicated with a stamp per doc (no per-article Map or Set on the hot path).
    const candidates: number[] = [];
    const t = this.thresholds;
    const consider = (m: number) => {
      if (this.stamp[m] === n + 1) return;
      this.stamp[m] = n + 1;
      if (this.removed[m] || this.sources[m] === doc.sourceId) return;
      if (Number.isFinite(doc.time) && Number.isFinite(this.times[m]!) && Math.abs(doc.time - this.times[m]!) > t.windowMs) return;
      candidates.push(m);
    };
    if (words > 0) {
      for (let b = 0; b < BANDS; b++) {
        let scanned = 0;
        for (let m = this.lookup(this.bandKey(sig, b)); m !== -1 && scanned < MAX_SCAN; m = this.next[m * BANDS + b]!, scanned++) consider(m);
      }
    }
    const sharedTitles = new Map<number, number>();
    for (const tw of titleWords) {
      const list = this.titlePostings.get(tw);
      if (!list) continue;
      for (let i = list.length - 1; i >= Math.max(0, list.length - MAX_SCAN); i--) {
        const m = list[i]!;
        sharedTitles.set(m, (sharedTitles.get(m) ?? 0) + 1);
        consider(m);
      }
    }
    const changed: Array<[string, string]> = [];
    for (const m of candidates) {
      const sharedTitle = sharedTitles.get(m) ?? 0;
      const bodyJ = words > 0 ? this.estimate(n, m) : 0;
      const titleJ = titleWords.length && this.titleCounts[m] ? sharedTitle / (titleWords.length + this.titleCounts[m]! - sharedTitle) : 0;
      if (bodyJ >= t.body || (titleJ >= t.title && bodyJ >= t.support)) changed.push(...this.union(n, m));
    }
    // Index after matching, so the article never matches itself.
    this.index(n, sig, words, titleWords);
    const story = this.ids[this.find(n)]!;
    if (!changed.some(([id]) => id === doc.id)) changed.push([doc.id, story]);
    // Report each article once with its final story id.
    const final = new Map<string, string>();
    for (const [id] of changed) final.set(id, this.storyOf(id)!);
    return [...final];
  }

  /** An article's MinHash signature as bytes (for the store), if it was added. */
  signatureBytes(articleId: string): Uint8Array | undefined {
    const n = this.byId.get(articleId);
    if (n === undefined) return undefined;
    return new Uint8Array(this.sigs.buffer.slice(n * HASHES * 4, (n + 1) * HASHES * 4));
  }

  /**
   * Start-up: an article whose story the store already records joins it without looking for
   * candidates (the store is the truth; grouping ran when the article arrived). When the story's
   * first article is gone, its first remaining member becomes the story, and the moved ids are
   * returned for the store.
   */
  private restore(doc: StoryDoc, n: number, sig: Uint32Array, words: number, titleWords: number[], storedStory: string): Array<[string, string]> {
    this.index(n, sig, words, titleWords);
    const first = this.restoredRoots.get(storedStory);
    if (first === undefined) {
      this.restoredRoots.set(storedStory, n);
      return doc.id === storedStory ? [] : [[doc.id, doc.id]];
    }
    this.union(n, first);
    const story = this.ids[this.find(n)]!;
    return story === storedStory ? [] : [[doc.id, story]];
  }

  private index(n: number, sig: Uint32Array, words: number, titleWords: number[]): void {
    if (words > 0) for (let b = 0; b < BANDS; b++) this.insert(this.bandKey(sig, b), n, b);
    for (const tw of titleWords) {
      const list = this.titlePostings.get(tw);
      if (list) list.push(n);
      else this.titlePostings.set(tw, [n]);
    }
  }

  /** Estimated Jaccard similarity of two articles' content-word sets. */
  estimate(a: number, b: number): number {
    let same = 0;
    const oa = a * HASHES;
    const ob = b * HASHES;
    for (let i = 0; i < HASHES; i++) if (this.sigs[oa + i] === this.sigs[ob + i]) same++;
    return same / HASHES;
  }

  /** Similarity of two added articles by id (for tools and tests): estimated word overlap. */
  similarity(a: string, b: string): number {
    const x = this.byId.get(a);
    const y = this.byId.get(b);
    return x === undefined || y === undefined ? 0 : this.estimate(x, y);
  }

  private find(n: number): number {
    let r = n;
    while (this.parent[r] !== r) r = this.parent[r]!;
    // Path compression keeps later finds O(1)-ish.
    while (this.parent[n] !== r) {
      const up = this.parent[n]!;
      this.parent[n] = r;
      n = up;
    }
    return r;
  }

  /** Joins two stories under the older root; returns the articles whose story id changed. */
  private union(a: number, b: number): Array<[string, string]> {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return [];
    const [keep, gone] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent[gone] = keep;
    const kept = this.members.get(keep) ?? [keep];
    const moved = this.members.get(gone) ?? [gone];
    this.members.delete(gone);
    for (const m of moved) kept.push(m);
    this.members.set(keep, kept);
    const story = this.ids[keep]!;
    return moved.map((m) => [this.ids[m]!, story]);
  }

  private bandKey(sig: Uint32Array, band: number): number {
    let h = Math.imul(band + 1, 0x9e3779b1);
    for (let r = 0; r < ROWS; r++) h = fmix(h ^ sig[band * ROWS + r]!);
    return h;
  }

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    let i = key & mask;
    while (this.heads[i] !== 0 && this.keys[i] !== key) i = (i + 1) & mask;
    return i;
  }

  private lookup(key: number): number {
    return this.heads[this.slot(key)]! - 1;
  }

  private insert(key: number, doc: number, band: number): void {
    if ((this.used + 1) * 2 > this.keys.length) this.rehash();
    const i = this.slot(key);
    if (this.heads[i] === 0) {
      this.used++;
      this.keys[i] = key;
      this.next[doc * BANDS + band] = -1;
    } else this.next[doc * BANDS + band] = this.heads[i]! - 1;
    this.heads[i] = doc + 1;
  }

  private rehash(size = this.keys.length * 2): void {
    const oldKeys = this.keys;
    const oldHeads = this.heads;
    this.keys = new Uint32Array(size);
    this.heads = new Int32Array(size);
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldHeads[i] === 0) continue;
      const j = this.slot(oldKeys[i]!);
      this.keys[j] = oldKeys[i]!;
      this.heads[j] = oldHeads[i]!;
    }
  }

  private grow(n: number): void {
    if (n <= this.times.length) return;
    const cap = Math.max(n, this.times.length * 2);
    const times = new Float64Array(cap);
    times.set(this.times);
    this.times = times;
    const sigs = new Uint32Array(cap * HASHES);
    sigs.set(this.sigs);
    this.sigs = sigs;
    const tc = new Uint16Array(cap);
    tc.set(this.titleCounts);
    this.titleCounts = tc;
    const rm = new Uint8Array(cap);
    rm.set(this.removed);
    this.removed = rm;
    const st = new Int32Array(cap);
    st.set(this.stamp);
    this.stamp = st;
    const parent = new Int32Array(cap);
    parent.set(this.parent);
    this.parent = parent;
    const next = new Int32Array(cap * BANDS);
    next.set(this.next);
    this.next = next;
  }
}
