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

/** A hostile query: what to type and which page to ask for. */
export interface HostileQuery {
  query: string;
  page: number;
}

/**
 * Hostile queries within what a search accepts (3-letter wildcards, at most 4 of them, at most
 * 24 words, pages below `lastPage + 1`), `perKind` of each: four wildcards on the prefixes that
 * stand for the most documents; a common word at the last page served; every word among the
 * most common (stop words included); and all three at once.
 */
export function hostileQueries(corpus: { vocabulary: string[]; docFreq: ArrayLike<number> }, lastPage: number, perKind: number): Record<string, HostileQuery[]> {
  const r = rng(13);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const byDf = corpus.vocabulary.map((w, i) => [w, corpus.docFreq[i]!] as const).filter(([, d]) => d > 0).sort((a, b) => b[1] - a[1]);
  // Prefixes weighted by the documents their words are in: the widest wildcards.
  const prefixDf = new Map<string, number>();
  for (const [w, d] of byDf) if (/^\p{L}{3}/u.test(w) && w.length >= 4) prefixDf.set(w.slice(0, 3), (prefixDf.get(w.slice(0, 3)) ?? 0) + d);
  const widePrefixes = [...prefixDf].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([p]) => p);
  const common = byDf.slice(0, 60).map(([w]) => w);
  const commonWords = (n: number) => Array.from({ length: n }, () => pick(common)).join(' ');
  const wildcards = () => {
    const ps = new Set<string>();
    while (ps.size < 4) ps.add(pick(widePrefixes));
    return [...ps].map((p) => `${p}*`).join(' ');
  };
  const distinct = (make: () => HostileQuery): HostileQuery[] => {
    const out = new Map<string, HostileQuery>();
    for (let tries = 0; out.size < perKind && tries < perKind * 50; tries++) {
      const h = make();
      out.set(`${h.query}|${h.page}`, h);
    }
    return [...out.values()];
  };
  return {
    '4 wildcards': distinct(() => ({ query: wildcards(), page: 0 })),
    'last page': distinct(() => ({ query: r() < 0.5 ? pick(common) : commonWords(2), page: lastPage })),
    'all common words': distinct(() => ({ query: commonWords(8 + Math.floor(r() * 17)), page: 0 })),
    'all at once': distinct(() => ({ query: `${wildcards()} ${commonWords(4 + Math.floor(r() * 17))}`, page: lastPage })),
  };
}
