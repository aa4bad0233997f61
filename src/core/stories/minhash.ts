import { tokenize } from '../text/tokenize.ts';

/** MinHash size and LSH banding: 30 bands of 2 rows find pairs at J 0.3 with p ≈ 0.94, at 0.15 with p ≈ 0.5. */
export const HASHES = 60;
export const ROWS = 2;
export const BANDS = HASHES / ROWS;
/** Words of an article used: the lead carries the story, and wire copies are often cut at the end. */
const MAX_WORDS = 400;

const STOP = new Set(
  'the a an of to in on for and or is are was were as at by with from its it that this after over new be has have had he she they his her their said says not but will would can could more than also about into who which what when how why your you we our us there been being do does did than then them these those out up all one two just like get got may might'.split(' '),
);

/** Characters of an article read: enough for MAX_WORDS content words, and a bound on the cost per article. */
const MAX_CHARS = 6000;

/** Words that carry meaning (the search tokenizer's terms), stop words and one-letter tokens dropped. */
export function contentWords(text: string): string[] {
  return tokenize(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text).filter((t) => t.length > 1 && !STOP.has(t));
}

export function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's finaliser: a cheap, well-mixed 32-bit permutation. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS = Array.from({ length: HASHES }, (_, i) => fmix(0x9e3779b9 + i * 0x632be5ab));

/**
 * Writes into `sig` the MinHash signature of the distinct content words among the first
 * MAX_WORDS of `text` (every hash 0xffffffff when it has none); returns how many there are.
 */
export function minhash(sig: Uint32Array, text: string): number {
  sig.fill(0xffffffff);
  const seen = new Set<number>();
  for (const w of contentWords(text).slice(0, MAX_WORDS)) {
    const h = fnv(w);
    if (seen.has(h)) continue;
    seen.add(h);
    for (let i = 0; i < HASHES; i++) {
      const v = fmix(h ^ SEEDS[i]!);
      if (v < sig[i]!) sig[i] = v;
    }
  }
  return seen.size;
}
