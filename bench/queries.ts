/** The benchmark's queries: ≥ perKind distinct per kind, drawn deterministically from the corpus. */
import { rng } from './corpus.ts';

export interface QuerySet {
  kinds: Record<string, string[]>;
  /** Misspelt query → the exact spelling. */
  fuzzyPairs: Map<string, string>;
}

/**
 * Eight query kinds (1-term, 3-term, phrase, fuzzy, prefix, rare, very common, entity) from the
 * corpus vocabulary and document frequencies, and from a uniform sample of its sentences.
 */
export function makeQueries(corpus: { vocabulary: string[]; entities: string[]; docFreq: ArrayLike<number> }, sample: Array<{ sentence: string }>, size: number, perKind: number): QuerySet {
  const r = rng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const STOP = new Set(['a', 'an', 'the', 'of', 'to', 'in', 'on', 'and', 'or', 'for', 'is', 'are', 'was', 'were', 'by', 'at', 'with', 'from', 'as', 'that', 'this', 'it', 'be']);
  const vocab = corpus.vocabulary;
  const df = corpus.docFreq;
  const ranked = vocab.map((w, i) => [w, df[i]!] as const).filter(([, d]) => d > 0);
  const mid = ranked.filter(([w, d]) => d >= Math.max(2, size * 0.002) && d <= size * 0.05 && w.length >= 4).map(([w]) => w);
  const rare = [...ranked].filter(([w]) => w.length >= 4).sort((a, b) => a[1] - b[1]).slice(0, Math.max(perKind, 1200)).map(([w]) => w);
  const common = [...ranked].filter(([w]) => !STOP.has(w)).sort((a, b) => b[1] - a[1]).slice(0, 60).map(([w]) => w);
  const clean = (s: string) => s.replace(/[.]/g, '').split(' ').filter(Boolean);
  function typo(w: string): string {
    const i = 1 + Math.floor(r() * (w.length - 2));
    const c = 'aeioustrnl'[Math.floor(r() * 10)]!;
    return w.slice(0, i) + (w[i] === c ? 'x' : c) + w.slice(i + 1);
  }
  function distinct(make: () => string, count = perKind): string[] {
    const out = new Set<string>();
    for (let tries = 0; out.size < count && tries < count * 50; tries++) out.add(make());
    return [...out];
  }
  const fuzzyPairs = new Map<string, string>();
  const kinds: Record<string, string[]> = {
    '1-term': distinct(() => pick(mid)),
    '3-term': distinct(() => {
      const ws = clean(pick(sample).sentence).filter((w) => !STOP.has(w.toLowerCase()));
      return [pick(ws), pick(ws), pick(ws)].join(' ');
    }),
    phrase: distinct(() => {
      const ws = clean(pick(sample).sentence);
      const i = Math.floor(r() * (ws.length - 1));
      return `"${ws[i]} ${ws[i + 1]}"`;
    }),
    fuzzy: distinct(() => {
      const w = pick(mid.filter((x) => x.length >= 6));
      const t = typo(w);
      fuzzyPairs.set(t, w);
      return t;
    }),
    prefix: distinct(() => {
      const w = pick(mid.filter((x) => x.length >= 7));
      return w.slice(0, 4 + Math.floor(r() * 2));
    }),
    rare: distinct(() => pick(rare)),
    common: distinct(() => (r() < 0.5 ? pick(common) : `${pick(common)} ${pick(common)}`)),
    entity: distinct(() => (r() < 0.5 ? pick(corpus.entities) : `${pick(corpus.entities)} ${pick(mid)}`)),
  };
  return { kinds, fuzzyPairs };
}

/**
 * /trend's queries, from the kinds above: single very common words (the costly case: a word in
 * most articles is counted over every one of them), mid-frequency words, and two-word phrases.
 */
export function trendQueries(kinds: Record<string, string[]>, perKind: number): Record<string, string[]> {
  return {
    'common word': [...new Set(kinds.common!.filter((q) => !q.includes(' ')))].slice(0, perKind),
    '1-term': kinds['1-term']!.slice(0, perKind),
    phrase: kinds.phrase!.slice(0, perKind),
  };
}
