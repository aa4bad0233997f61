import { ShardedMap } from '../sharded-map.ts';
import { ENTITY_SLOTS, entityId, entitySignature } from './entities.ts';
import { DF_SIZE, entityOverlap, headlineCoverage } from './entity-weights.ts';
import { BANDS, contentWords, fmix, fnv, HASHES, minhash, ROWS } from './minhash.ts';
import { DEFAULT_THRESHOLDS, type StoryThresholds } from './thresholds.ts';

/** What the story grouping reads of an article. */
export interface StoryDoc {
  id: string;
  /** Articles of one source are never linked directly: near-duplicates there are distinct items or updates. */
  sourceId: string;
  title: string;
  body: string[];
  /** publishedAt, else first seen (epoch ms). */
  time: number;
  /** false: the item carries no publication date, so `time` is when it was first seen. */
  dated?: boolean;
}

/**
 * Candidates read per LSH bucket and per title word, newest first. Words common to most articles
 * make some buckets and postings grow with the archive; reading only the newest entries keeps the
 * cost per article flat, and reports of one story arrive close together anyway.
 */
const MAX_SCAN = 100;
/** Entities of an article that find candidates (its most telling ones); all ENTITY_SLOTS count in the score. */
const ENTITY_KEYS = 6;
/**
 * An entity named by more recent articles than this finds no candidates (its newest reports are
 * mostly other stories; the shared words and title words find the ones that matter), and is not
 * listed for later ones either.
 */
const ENTITY_COMMON = 48;

/**
 * Articles that can still be linked to a new report: the newest this many (a power of two). Reports
 * of one story are only linked within the time window (3 days), and a newsroom's 1,500 articles a
 * day make this about 87 days, so the limit drops nothing a link could use; what it bounds is the
 * memory and the cost of growing (the signature ring and the bucket tables stop growing here,
 * however large the archive).
 */
export const DEFAULT_LINK_WINDOW = 1 << 17;

/** The ring grows by doubling up to this many slots, then to the whole link window in one step. */
const RING_DOUBLING_MAX = 1 << 14;

/** The largest bucket table: room for half a link window of articles at half load. */
const maxTableSize = (window: number) => {
  let size = 1 << 12;
  while (size < window * BANDS) size *= 2;
  return size;
};

/**
 * One generation of the LSH bucket table: open addressing from band key to the newest position in
 * it. Positions count every article that took a place in the ring (the ring slot is the position
 * modulo the window), so an entry whose slot was reused is recognised by its age alone.
 */
interface Buckets {
  keys: Uint32Array;
  /** Newest position of each bucket plus one (0: empty), so a new table needs no fill: zeroed memory is free. */
  heads: Int32Array;
  used: number;
  /** The newest position indexed here; the generation is dropped once it left the window. */
  last: number;
  /** Title word hash → positions, oldest first. */
  titles: Map<number, number[]>;
  /** Entity hash → positions, oldest first (each article's ENTITY_KEYS most telling entities). */
  entities: Map<number, number[]>;
}

const newBuckets = (size: number): Buckets => ({ keys: new Uint32Array(size), heads: new Int32Array(size), used: 0, last: -1, titles: new Map(), entities: new Map() });

/**
 * Incremental near-duplicate grouping of articles into stories: a MinHash signature of each
 * article's content words, banded into an LSH table for candidates, plus an index of title words;
 * a candidate from another source within the time window whose estimated word overlap (or title
 * overlap with some word overlap) passes the thresholds joins the story. Stories merge when an
 * article links two of them; a story's id is the id of its earliest-added article, so ids are
 * stable as long as articles are added in the same order (the store's seq order at start-up).
 *
 * Memory: every article keeps its id and its place in the union-find (a few bytes beyond the id);
 * only the newest `linkWindow` articles keep what finding candidates needs (signature, time,
 * source, bucket chains; sizes in docs/performance.md), in a ring. The bucket table is never
 * rehashed: when it is half full a new generation twice its size (up to half a window of
 * articles) takes new entries, lookups read the generations newest first, and a generation whose
 * every entry has left the window is dropped whole. So no step ever copies or rehashes anything
 * the size of the archive.
 */
export class StoryIndex {
  /** Article ids by doc number, in chunks of 65,536: one growing array would copy them all now and then. */
  private readonly idChunks: string[][] = [];
  private count = 0;
  private readonly byId = new ShardedMap<number>();
  private removed = new Uint8Array(1024);
  /** Union-find over doc numbers; the root is the smallest number (the earliest-added article). */
  private parent = new Int32Array(1024);
  /** Each doc's ring position (-1: restored without a signature, never a candidate). */
  private ringPos = new Int32Array(1024);
  private readonly members = new Map<number, number[]>();
  private readonly restoredRoots = new Map<string, number>();

  // The ring: per slot, the doc in it and what matching reads. Grows by doubling up to the window, then wraps.
  private readonly window: number;
  private readonly ringDoublingMax: number;
  private readonly maxTable: number;
  /** Positions taken so far; positions below `positions - window` have left the ring. */
  private positions = 0;
  private ringDoc: Int32Array;
  private times: Float64Array;
  private sigs: Uint32Array;
  private titleCounts: Uint16Array;
  /** Per slot, the entity signature (ENTITY_SLOTS hashes, 0 = empty) and whether the item was undated. */
  private ents: Uint32Array;
  private undated: Uint8Array;
  private stamp: Int32Array;
  private sources: string[];
  /** In how many articles of the time window each entity hash occurs. */
  private readonly df = new Uint16Array(DF_SIZE);
  /**
   * The oldest position still counted in `df`: articles leave the count, in the order they were
   * added, once they are further than the time window behind the newest time seen (or leave the
   * ring). The same adds in the same order always give the same counts.
   */
  private dfTail = 0;
  private dfNow = -Infinity;
  /** Older position in the same bucket (per slot and band), -1 at a generation's oldest. */
  private next: Int32Array;
  /** Bucket generations, newest last. */
  private readonly generations: Buckets[] = [newBuckets(1 << 12)];

  constructor(
    readonly thresholds: StoryThresholds = DEFAULT_THRESHOLDS,
    opts: { linkWindow?: number; ringDoublingMax?: number } = {},
  ) {
    const w = opts.linkWindow ?? DEFAULT_LINK_WINDOW;
    if (!(w >= 2 && (w & (w - 1)) === 0)) throw new Error(`story link window: ${w} is not a power of two ≥ 2`);
    this.window = w;
    this.ringDoublingMax = opts.ringDoublingMax ?? RING_DOUBLING_MAX;
    this.maxTable = maxTableSize(w);
    const ring = Math.min(1024, w);
    this.ringDoc = new Int32Array(ring);
    this.times = new Float64Array(ring);
    this.sigs = new Uint32Array(ring * HASHES);
    this.titleCounts = new Uint16Array(ring);
    this.ents = new Uint32Array(ring * ENTITY_SLOTS);
    this.undated = new Uint8Array(ring);
    this.stamp = new Int32Array(ring);
    this.sources = new Array<string>(ring);
    this.next = new Int32Array(ring * BANDS);
  }

  get size(): number {
    return this.count;
  }

  /** How many of the newest articles new reports can link to. */
  get linkWindow(): number {
    return this.window;
  }

  /**
   * Makes room for `n` more articles at once (the ring and bucket table up to their caps), so that
   * adding them never stops to grow: a start-up that knows the archive's size reserves it first.
   */
  reserve(n: number): void {
    const docs = this.count + n;
    this.growDocs(docs);
    this.growRing(Math.min(this.window, Math.max(this.ringDoc.length, this.positions + n)));
    let size = this.current.keys.length;
    while (size < this.maxTable && (this.current.used + n * BANDS) * 2 > size) size *= 2;
    if (size > this.current.keys.length) this.startGeneration(size);
  }

  private get current(): Buckets {
    return this.generations[this.generations.length - 1]!;
  }

  /** New entries go to a new table; the older ones stay readable until they leave the window. */
  private startGeneration(size: number): void {
    if (this.current.last < 0) this.generations.pop();
    this.generations.push(newBuckets(size));
  }

  /** The story id of an article, if it was added. */
  storyOf(articleId: string): string | undefined {
    const n = this.byId.get(articleId);
    return n === undefined ? undefined : this.idOf(this.find(n));
  }

  /** Article ids of a story in the order they were added (removed articles left out). */
  storyMembers(storyId: string): string[] {
    const n = this.byId.get(storyId);
    if (n === undefined) return [];
    const root = this.find(n);
    return (this.members.get(root) ?? [root]).filter((m) => !this.removed[m]).map((m) => this.idOf(m));
  }

  /** Forgets an article for future links (its story keeps the others). */
  remove(articleId: string): void {
    const n = this.byId.get(articleId);
    if (n !== undefined) this.removed[n] = 1;
  }

  /**
   * Start-up, for an article too old for any new report to link to: it joins its stored story and
   * nothing else is kept (no signature, no title words). Returns the moved id when the story's
   * first article is gone (see {@link add}).
   */
  restore(articleId: string, storedStory: string): Array<[articleId: string, storyId: string]> {
    if (this.byId.has(articleId)) return [];
    const n = this.newDoc(articleId);
    this.ringPos[n] = -1;
    return this.joinStored(articleId, n, storedStory);
  }

  /**
   * Adds an article and links it to its story. Returns the articles whose story id changed
   * (the new one, and the members of a story merged into an older one), for the store to record.
   * An article already added keeps its story. With a stored signature and story (start-up) it joins
   * that story without looking for candidates, and stays findable by later reports.
   */
  add(doc: StoryDoc, storedSignature?: Uint8Array, storedStory?: string | null, storedEntities?: Uint8Array | null): Array<[articleId: string, storyId: string]> {
    if (this.byId.has(doc.id)) return [];
    const n = this.newDoc(doc.id);
    const position = this.takePosition(n, doc);
    this.expireCounts(doc.time, position);
    const pos = position & (this.window - 1);
    const sig = this.sigs.subarray(pos * HASHES, (pos + 1) * HASHES);
    let words = 0;
    if (storedSignature && storedSignature.byteLength === HASHES * 4) {
      sig.set(new Uint32Array(storedSignature.buffer.slice(storedSignature.byteOffset, storedSignature.byteOffset + HASHES * 4)));
      words = sig[0] === 0xffffffff ? 0 : 1;
    } else {
      words = minhash(sig, `${doc.title}\n${doc.body.join('\n')}`);
    }
    // Entities: as stored (none known for an article stored before they were), else from the text.
    const ents = this.ents.subarray(pos * ENTITY_SLOTS, (pos + 1) * ENTITY_SLOTS);
    ents.fill(0);
    if (storedEntities) ents.set(new Uint32Array(storedEntities.buffer.slice(storedEntities.byteOffset, storedEntities.byteOffset + Math.min(storedEntities.byteLength & ~3, ENTITY_SLOTS * 4))));
    else if (storedEntities === undefined && !(storedSignature && doc.body.length === 0)) ents.set(entitySignature(doc.title, doc.body));
    const titleWords = [...new Set(contentWords(doc.title).map(fnv))];
    this.titleCounts[pos] = Math.min(65535, titleWords.length);
    if (storedStory) {
      this.index(position, sig, words, titleWords);
      return this.joinStored(doc.id, n, storedStory);
    }
    // Candidates (ring slots) are de-duplicated with a stamp per slot (no per-article Map or Set on the hot path).
    const candidates: number[] = [];
    /** Candidates outside the time window that only near-identical text can link (an undated item on either side). */
    const late: number[] = [];
    const t = this.thresholds;
    const oldest = Math.max(0, this.positions - this.window);
    const mask = this.window - 1;
    const consider = (p: number) => {
      if (this.stamp[p] === n + 1) return;
      this.stamp[p] = n + 1;
      if (this.removed[this.ringDoc[p]!] || this.sources[p] === doc.sourceId) return;
      if (!Number.isFinite(doc.time) || !Number.isFinite(this.times[p]!) || Math.abs(doc.time - this.times[p]!) <= t.windowMs) candidates.push(p);
      else if (doc.dated === false || this.undated[p]) late.push(p);
    };
    if (words > 0) {
      for (let b = 0; b < BANDS; b++) {
        const key = this.bandKey(sig, b);
        let scanned = 0;
        // Newest first: chains run from new to old within a generation, and generations likewise.
        for (let g = this.generations.length - 1; g >= 0 && scanned < MAX_SCAN; g--) {
          for (let q = lookup(this.generations[g]!, key); q >= oldest && scanned < MAX_SCAN; scanned++) {
            const p = q & mask;
            consider(p);
            q = this.next[p * BANDS + b]!;
          }
        }
      }
    }
    const sharedTitles = new Map<number, number>();
    for (const tw of titleWords) {
      let scanned = 0;
      for (let g = this.generations.length - 1; g >= 0 && scanned < MAX_SCAN; g--) {
        const list = this.generations[g]!.titles.get(tw);
        if (!list) continue;
        for (let i = list.length - 1; i >= 0 && list[i]! >= oldest && scanned < MAX_SCAN; i--, scanned++) {
          const p = list[i]! & mask;
          sharedTitles.set(p, (sharedTitles.get(p) ?? 0) + 1);
          consider(p);
        }
      }
    }
    // The second way in: reports that name the same people, places and figures but word them differently.
    for (let k = 0; k < ENTITY_KEYS && ents[k]; k++) {
      const id = entityId(ents[k]!);
      if (this.df[fmix(id) & (DF_SIZE - 1)]! > ENTITY_COMMON) continue;
      let scanned = 0;
      for (let g = this.generations.length - 1; g >= 0 && scanned < MAX_SCAN; g--) {
        const list = this.generations[g]!.entities.get(id);
        if (!list) continue;
        for (let i = list.length - 1; i >= 0 && list[i]! >= oldest && scanned < MAX_SCAN; i--, scanned++) {
          const p = list[i]! & mask;
          // Newest first: once past the time window, the rest of the list is older still.
          if (this.times[p]! < doc.time - t.windowMs) break;
          consider(p);
        }
      }
    }
    const changed: Array<[string, string]> = [];
    for (const p of late) if (words > 0 && this.estimateAt(pos, p) >= t.syndicated) changed.push(...this.union(n, this.ringDoc[p]!));
    // Copies link outright, and may merge the stories they link; a scored link only adds the report
    // to the one story it scores best with, so that one borderline report never merges two stories.
    let best = -1;
    let bestScore = -Infinity;
    for (const p of candidates) {
      const sharedTitle = sharedTitles.get(p) ?? 0;
      const bodyJ = words > 0 ? this.estimateAt(pos, p) : 0;
      const titleJ = titleWords.length && this.titleCounts[p] ? sharedTitle / (titleWords.length + this.titleCounts[p]! - sharedTitle) : 0;
      if (bodyJ >= t.body || (titleJ >= t.title && bodyJ >= t.support)) changed.push(...this.union(n, this.ringDoc[p]!));
      else {
        const score = this.score(pos, p, bodyJ, titleJ, doc.time);
        if (score > bestScore) {
          bestScore = score;
          best = p;
        }
      }
    }
    if (best >= 0 && bestScore >= t.scoreLink && this.find(n) === n) changed.push(...this.union(n, this.ringDoc[best]!));
    // Index after matching, so the article never matches itself.
    this.index(position, sig, words, titleWords);
    const story = this.idOf(this.find(n))!;
    if (!changed.some(([id]) => id === doc.id)) changed.push([doc.id, story]);
    // Report each article once with its final story id.
    const final = new Map<string, string>();
    for (const [id] of changed) final.set(id, this.storyOf(id)!);
    return [...final];
  }

  /** The score of two reports that share too few words to be copies (see StoryThresholds); -Infinity without enough entities in common. */
  private score(a: number, b: number, bodyJ: number, titleJ: number, time: number): number {
    const t = this.thresholds;
    const days = Number.isFinite(time) && Number.isFinite(this.times[b]!) ? Math.abs(time - this.times[b]!) / 86_400_000 : 0;
    if (bodyJ < t.scoreSupport) return -Infinity;
    const words = t.scoreBody * bodyJ + t.scoreTitle * titleJ - t.scorePerDay * days;
    // The entity overlap is at most 1: most candidates are out of reach before it is computed.
    if (words + t.scoreEntities < t.scoreLink) return -Infinity;
    const entities = entityOverlap(this.ents, this.df, a, b);
    if (entities < t.minEntities) return -Infinity;
    if (t.minHeadline > 0 && Math.min(headlineCoverage(this.ents, this.df, a, b), headlineCoverage(this.ents, this.df, b, a)) < t.minHeadline) return -Infinity;
    return words + t.scoreEntities * entities;
  }

  /** An article's entity signature as bytes (for the store), while it is in the link window. */
  entityBytes(articleId: string): Uint8Array | undefined {
    const pos = this.positionOf(articleId);
    if (pos === undefined) return undefined;
    let k = 0;
    while (k < ENTITY_SLOTS && this.ents[pos * ENTITY_SLOTS + k]) k++;
    return new Uint8Array(this.ents.buffer.slice(pos * ENTITY_SLOTS * 4, (pos * ENTITY_SLOTS + k) * 4));
  }

  /** An article's MinHash signature as bytes (for the store), while it is in the link window. */
  signatureBytes(articleId: string): Uint8Array | undefined {
    const pos = this.positionOf(articleId);
    if (pos === undefined) return undefined;
    return new Uint8Array(this.sigs.buffer.slice(pos * HASHES * 4, (pos + 1) * HASHES * 4));
  }

  /** Similarity of two articles in the link window by id (for tools and tests): estimated word overlap; 0 otherwise. */
  similarity(a: string, b: string): number {
    const x = this.positionOf(a);
    const y = this.positionOf(b);
    return x === undefined || y === undefined ? 0 : this.estimateAt(x, y);
  }

  private newDoc(id: string): number {
    const n = this.count++;
    this.growDocs(n + 1);
    if ((n & 0xffff) === 0) this.idChunks.push([]);
    this.idChunks[n >>> 16]!.push(id);
    this.byId.set(id, n);
    this.parent[n] = n;
    return n;
  }

  private idOf(n: number): string {
    return this.idChunks[n >>> 16]![n & 0xffff]!;
  }

  /** Start-up: the stored story id is the truth (grouping ran when the article arrived). */
  private joinStored(id: string, n: number, storedStory: string): Array<[string, string]> {
    const first = this.restoredRoots.get(storedStory);
    if (first === undefined) {
      this.restoredRoots.set(storedStory, n);
      return id === storedStory ? [] : [[id, id]];
    }
    this.union(n, first);
    const story = this.idOf(this.find(n))!;
    return story === storedStory ? [] : [[id, story]];
  }

  /** The ring position of a doc still in the link window. */
  private positionOf(articleId: string): number | undefined {
    const n = this.byId.get(articleId);
    if (n === undefined) return undefined;
    const pos = this.ringPos[n]!;
    return pos >= 0 && this.ringDoc[pos] === n ? pos : undefined;
  }

  /** The next position for doc `n` (its ring slot is the position modulo the window). */
  private takePosition(n: number, doc: StoryDoc): number {
    if (this.positions < this.window) this.growRing(this.positions + 1);
    const position = this.positions++;
    const pos = position & (this.window - 1);
    const old = this.ringDoc[pos]!;
    if (position >= this.window) {
      if (this.ringPos[old] === pos) this.ringPos[old] = -1;
      // An article leaving the ring stops counting in its entities' rarity, if it still did.
      if (position - this.window >= this.dfTail) {
        this.uncount(pos);
        this.dfTail = position - this.window + 1;
      }
      this.ents.fill(0, pos * ENTITY_SLOTS, (pos + 1) * ENTITY_SLOTS);
    }
    this.ringDoc[pos] = n;
    this.ringPos[n] = pos;
    this.times[pos] = doc.time;
    this.undated[pos] = doc.dated === false ? 1 : 0;
    this.sources[pos] = doc.sourceId;
    this.stamp[pos] = 0;
    // Generations whose newest entry left the window hold nothing a lookup may return.
    const oldest = this.positions - this.window;
    while (this.generations.length > 1 && this.generations[0]!.last < oldest) this.generations.shift();
    return position;
  }

  /** Articles older than the time window (behind the newest time seen) stop counting in entity rarity. */
  private expireCounts(time: number, position: number): void {
    if (!(time > this.dfNow)) return;
    this.dfNow = time;
    const mask = this.window - 1;
    while (this.dfTail < position) {
      const p = this.dfTail & mask;
      if (!(this.times[p]! < time - this.thresholds.windowMs)) break;
      this.uncount(p);
      this.dfTail++;
    }
  }

  private uncount(pos: number): void {
    for (let k = pos * ENTITY_SLOTS, end = k + ENTITY_SLOTS; k < end && this.ents[k]; k++) {
      const i = fmix(entityId(this.ents[k]!)) & (DF_SIZE - 1);
      if (this.df[i]! > 0) this.df[i]!--;
    }
  }

  private index(position: number, sig: Uint32Array, words: number, titleWords: number[]): void {
    if (words > 0 && (this.current.used + BANDS) * 2 > this.current.keys.length) this.startGeneration(Math.min(this.maxTable, this.current.keys.length * 2));
    const gen = this.current;
    gen.last = position;
    if (words > 0) for (let b = 0; b < BANDS; b++) this.insert(gen, this.bandKey(sig, b), position, b);
    for (const tw of titleWords) {
      const list = gen.titles.get(tw);
      if (list) list.push(position);
      else gen.titles.set(tw, [position]);
    }
    const base = (position & (this.window - 1)) * ENTITY_SLOTS;
    for (let k = 0; k < ENTITY_SLOTS && this.ents[base + k]; k++) {
      const h = entityId(this.ents[base + k]!);
      const i = fmix(h) & (DF_SIZE - 1);
      if (this.df[i]! < 65535) this.df[i]!++;
      if (k >= ENTITY_KEYS || this.df[i]! > ENTITY_COMMON) continue;
      const list = gen.entities.get(h);
      if (list) list.push(position);
      else gen.entities.set(h, [position]);
    }
  }

  /** Estimated Jaccard similarity of the content-word sets at two ring positions. */
  private estimateAt(a: number, b: number): number {
    let same = 0;
    const oa = a * HASHES;
    const ob = b * HASHES;
    for (let i = 0; i < HASHES; i++) if (this.sigs[oa + i] === this.sigs[ob + i]) same++;
    return same / HASHES;
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
    const story = this.idOf(keep);
    return moved.map((m) => [this.idOf(m), story]);
  }

  private bandKey(sig: Uint32Array, band: number): number {
    let h = Math.imul(band + 1, 0x9e3779b1);
    for (let r = 0; r < ROWS; r++) h = fmix(h ^ sig[band * ROWS + r]!);
    return h;
  }

  private insert(gen: Buckets, key: number, position: number, band: number): void {
    const i = slot(gen, key);
    const at = (position & (this.window - 1)) * BANDS + band;
    if (gen.heads[i] === 0) {
      gen.used++;
      gen.keys[i] = key;
      this.next[at] = -1;
    } else this.next[at] = gen.heads[i]! - 1;
    gen.heads[i] = position + 1;
  }

  /** Per-doc arrays (a few bytes per article of the whole archive): doubling copies little. */
  private growDocs(n: number): void {
    if (n <= this.parent.length) return;
    const cap = Math.max(n, this.parent.length * 2);
    const rm = new Uint8Array(cap);
    rm.set(this.removed);
    this.removed = rm;
    const parent = new Int32Array(cap);
    parent.set(this.parent);
    this.parent = parent;
    const rp = new Int32Array(cap);
    rp.set(this.ringPos);
    this.ringPos = rp;
  }

  /**
   * The ring, up to the link window: positions below its length are the same after growing. It
   * doubles while small, then takes the whole window at once: doubling a large ring copies it all
   * in one event-loop turn (a stall; docs/performance.md, "Figures behind the code"), while a fresh
   * zeroed buffer costs nothing until its pages are written, so only the first 16,384 slots are
   * ever copied.
   */
  private growRing(n: number): void {
    if (n <= this.ringDoc.length) return;
    const cap = Math.min(this.window, Math.max(n, this.ringDoc.length >= this.ringDoublingMax ? this.window : this.ringDoc.length * 2));
    const grow = <T extends Int32Array | Float64Array | Uint32Array | Uint16Array | Uint8Array>(a: T, per = 1): T => {
      const b = new (a.constructor as new (len: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.ringDoc = grow(this.ringDoc);
    this.times = grow(this.times);
    this.sigs = grow(this.sigs, HASHES);
    this.titleCounts = grow(this.titleCounts);
    this.ents = grow(this.ents, ENTITY_SLOTS);
    this.undated = grow(this.undated);
    this.stamp = grow(this.stamp);
    this.next = grow(this.next, BANDS);
    this.sources.length = cap;
  }
}

function slot(gen: Buckets, key: number): number {
  const mask = gen.keys.length - 1;
  let i = key & mask;
  while (gen.heads[i] !== 0 && gen.keys[i] !== key) i = (i + 1) & mask;
  return i;
}

function lookup(gen: Buckets, key: number): number {
  return gen.heads[slot(gen, key)]! - 1;
}
