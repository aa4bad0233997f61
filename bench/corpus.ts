import type { Article } from '../src/core/article.ts';

/** Small, fast, seedable PRNG (mulberry32): the same seed always gives the same corpus. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ONSETS = ['b', 'br', 'c', 'ch', 'd', 'dr', 'f', 'g', 'gr', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'pr', 'r', 's', 'sh', 'st', 't', 'tr', 'v', 'w', 'y', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou', 'io'];
const CODAS = ['', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'st', 'ng', 'ck'];
const FUNCTION_WORDS = ['the', 'of', 'and', 'to', 'in', 'a', 'that', 'for', 'on', 'was', 'with', 'as', 'said', 'by', 'at', 'from', 'his', 'her', 'their', 'officials', 'government', 'report', 'people', 'country', 'military', 'border', 'market', 'troops', 'party', 'security'];
const OUTLETS = ['Daily NK', 'Radio Free Asia', 'NK News', 'Yonhap', 'Korea Herald', 'Border Wire', 'Seoul Tribune', 'Pacific Ledger', 'Northern Courier', 'Harbor Times', 'Capital Post', 'East Asia Desk'];

export interface Corpus {
  articles: Article[];
  vocabulary: string[];
  entities: string[];
  /** Document frequency of each vocabulary word (by index). */
  docFreq: Uint32Array;
}

/** A corpus generated one article at a time: `docFreq` fills in as articles are drawn. */
export interface CorpusStream {
  vocabulary: string[];
  entities: string[];
  docFreq: Uint32Array;
  /** First and last publication time (ms): publication dates grow with the article number. */
  start: number;
  span: number;
  articles: Generator<Article>;
}

function word(r: () => number): string {
  const syl = 1 + Math.floor(r() * 3);
  let w = '';
  for (let i = 0; i < syl; i++) w += ONSETS[Math.floor(r() * ONSETS.length)]! + VOWELS[Math.floor(r() * VOWELS.length)]! + CODAS[Math.floor(r() * CODAS.length)]!;
  return w;
}

/** A Zipf(s) sampler over ranks 0..n-1 via a cumulative table and binary search. */
function zipf(n: number, s: number, r: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / Math.pow(k + 1, s);
    cdf[k] = sum;
  }
  return () => {
    const x = r() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A deterministic news-like corpus: 300–1,200-word articles over five years (published in
 * order, as feeds deliver them), words drawn from a Zipf-distributed vocabulary (function words
 * most common), and named entities that recur across articles so queries have realistic hit
 * counts. Streamed: a million articles never need to be in memory at once.
 */
export function streamCorpus(size: number, seed = 42): CorpusStream {
  const r = rng(seed);
  const vocabSet = new Set<string>(FUNCTION_WORDS);
  while (vocabSet.size < 30_000) vocabSet.add(word(r));
  const vocabulary = [...vocabSet];
  const entities: string[] = [];
  for (let i = 0; i < 2500; i++) entities.push(`${cap(word(r))} ${cap(word(r))}`);
  const bylines: string[] = [];
  for (let i = 0; i < 300; i++) bylines.push(`${cap(word(r))} ${cap(word(r))}`);
  const pickWord = zipf(vocabulary.length, 1.07, r);
  const pickEntity = zipf(entities.length, 1.0, r);
  const docFreq = new Uint32Array(vocabulary.length);
  const start = Date.UTC(2021, 0, 1);
  const span = 5 * 365 * 86_400_000;
  function* articles(): Generator<Article> {
    for (let n = 0; n < size; n++) {
      const seen = new Set<number>();
      const ents = Array.from({ length: 2 + Math.floor(r() * 4) }, () => entities[pickEntity()]!);
      const target = 300 + Math.floor(r() * 900);
      const body: string[] = [];
      let words = 0;
      while (words < target) {
        const sentences: string[] = [];
        const count = 2 + Math.floor(r() * 4);
        for (let s = 0; s < count && words < target; s++) {
          const len = 8 + Math.floor(r() * 18);
          const ws: string[] = [];
          for (let i = 0; i < len; i++) {
            if (r() < 0.04) ws.push(ents[Math.floor(r() * ents.length)]!);
            else {
              const k = pickWord();
              seen.add(k);
              ws.push(vocabulary[k]!);
            }
          }
          words += len;
          sentences.push(`${cap(ws.join(' '))}.`);
        }
        body.push(sentences.join(' '));
      }
      for (const k of seen) docFreq[k]!++;
      const titleWords = Array.from({ length: 5 + Math.floor(r() * 6) }, () => vocabulary[pickWord()]!);
      titleWords.splice(Math.floor(r() * titleWords.length), 0, ents[0]!);
      yield {
        id: `b${n.toString(36)}`,
        sourceId: 'seeds',
        title: cap(titleWords.join(' ')),
        byline: bylines[Math.floor(r() * bylines.length)]!,
        outlet: OUTLETS[Math.floor(r() * OUTLETS.length)]!,
        dateline: null,
        tags: [ents[0]!.toLowerCase()],
        caption: null,
        body,
        editors: [],
        url: `https://bench.example/${n}`,
        publishedAt: new Date(start + Math.floor(((n + r()) / size) * span)).toISOString(),
      };
    }
  }
  return { vocabulary, entities, docFreq, start, span, articles: articles() };
}

/** The whole corpus in memory (small sizes only). */
export function generateCorpus(size: number, seed = 42): Corpus {
  const s = streamCorpus(size, seed);
  const articles = [...s.articles];
  return { articles, vocabulary: s.vocabulary, entities: s.entities, docFreq: s.docFreq };
}
