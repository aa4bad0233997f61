import type { Article } from './article.ts';
import { escapeDiscord } from './text/escape.ts';
import { splitSentences, type Span } from './text/sentences.ts';
import { tokenizeWithOffsets, type Token } from './text/tokenize.ts';

/**
 * One distinct query term and the normalised document word forms that matched it (itself,
 * prefix and fuzzy matches). For a quoted phrase, `phrase` is true and `forms` holds the phrase's
 * normalised terms joined by single spaces.
 */
export interface TermSpec {
  query: string;
  forms: string[];
  phrase?: boolean;
}

export interface Excerpt {
  /** Discord markdown: source text escaped, matched words in **bold**, '…' where trimmed. */
  text: string;
  /** The same excerpt as plain text (unescaped, unmarked, with '…' where trimmed). */
  plain: string;
  /** How many distinct TermSpecs the excerpt contains. */
  covered: number;
}

export const EXCERPT_MAX = 300;

interface Paragraph {
  text: string;
  lower: string;
  tokens?: Token[];
  sentences?: Span[];
}

/** Per-article cache: the body array is immutable once an article is built. */
const cache = new WeakMap<readonly string[], Paragraph[]>();

function paragraphs(body: readonly string[]): Paragraph[] {
  let p = cache.get(body);
  if (!p) {
    p = body.map((text) => ({ text, lower: text.toLowerCase() }));
    cache.set(body, p);
  }
  return p;
}

function tokensOf(p: Paragraph): Token[] {
  return (p.tokens ??= tokenizeWithOffsets(p.text));
}

function sentencesOf(p: Paragraph): Span[] {
  return (p.sentences ??= splitSentences(p.text));
}

interface Matcher {
  /** form → TermSpec indexes */
  words: Map<string, number[]>;
  phrases: Array<{ spec: number; terms: string[] }>;
  /** Cheap substring probes; null when a form cannot be probed (then every paragraph is tokenised). */
  probes: string[] | null;
}

function buildMatcher(terms: TermSpec[]): Matcher {
  const words = new Map<string, number[]>();
  const phrases: Matcher['phrases'] = [];
  let probes: string[] | null = [];
  terms.forEach((t, i) => {
    for (const form of t.forms) {
      if (t.phrase || form.includes(' ')) {
        const parts = form.split(' ').filter(Boolean);
        if (parts.length > 1) phrases.push({ spec: i, terms: parts });
        else if (parts[0]) add(parts[0], i);
      } else add(form, i);
    }
  });
  function add(form: string, i: number) {
    const list = words.get(form);
    if (list) {
      if (!list.includes(i)) list.push(i);
    } else words.set(form, [i]);
    // Plain ASCII words can be probed in the lower-cased text; others (diacritics, numbers) cannot.
    if (probes && /^[a-z]+$/.test(form)) probes.push(form);
    else probes = null;
  }
  for (const ph of phrases) {
    if (probes && /^[a-z]+$/.test(ph.terms[0]!)) probes.push(ph.terms[0]!);
    else probes = null;
  }
  return { words, phrases, probes };
}

interface Hit {
  start: number;
  end: number;
  spec: number;
}

/** Matched token ranges in a paragraph, phrases as one range. */
function hitsIn(p: Paragraph, m: Matcher): Hit[] {
  const tokens = tokensOf(p);
  const hits: Hit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const specs = m.words.get(tok.term);
    if (specs) for (const spec of specs) hits.push({ start: tok.start, end: tok.end, spec });
    for (const ph of m.phrases) {
      if (ph.terms[0] !== tok.term || i + ph.terms.length > tokens.length) continue;
      let ok = true;
      for (let k = 1; k < ph.terms.length; k++) {
        if (tokens[i + k]!.term !== ph.terms[k]) {
          ok = false;
          break;
        }
      }
      if (ok) hits.push({ start: tok.start, end: tokens[i + ph.terms.length - 1]!.end, spec: ph.spec });
    }
  }
  return hits;
}

interface Candidate {
  para: number;
  start: number;
  end: number;
  covered: number;
  occurrences: number;
}

function better(a: Candidate, b: Candidate | null): boolean {
  if (!b) return true;
  if (a.covered !== b.covered) return a.covered > b.covered;
  if (a.occurrences !== b.occurrences) return a.occurrences > b.occurrences;
  if (a.para !== b.para) return a.para < b.para;
  if (a.start !== b.start) return a.start < b.start;
  return a.end - a.start < b.end - b.start;
}

function coverage(hits: Hit[], start: number, end: number): { covered: number; occurrences: number } {
  const seen = new Set<number>();
  let occurrences = 0;
  for (const h of hits) {
    if (h.start >= start && h.end <= end) {
      seen.add(h.spec);
      occurrences++;
    }
  }
  return { covered: seen.size, occurrences };
}

/**
 * The quoted excerpt for a search result: the one or two consecutive sentences (within one
 * paragraph) covering the most distinct query terms, trimmed at word boundaries to `maxLength`
 * around the matches, with every matched word bold and the source text escaped for Discord.
 */
export function buildExcerpt(article: Pick<Article, 'title' | 'body'>, terms: TermSpec[], opts: { maxLength?: number } = {}): Excerpt {
  const max = opts.maxLength ?? EXCERPT_MAX;
  const paras = paragraphs(article.body);
  if (paras.length === 0) return { text: '', plain: '', covered: 0 };
  const m = buildMatcher(terms);
  let best: Candidate | null = null;
  let bestHits: Hit[] = [];
  if (terms.length > 0) {
    paras.forEach((p, pi) => {
      if (m.probes && !m.probes.some((probe) => p.lower.includes(probe))) return;
      const hits = hitsIn(p, m);
      if (hits.length === 0) return;
      const sentences = sentencesOf(p);
      sentences.forEach((s, si) => {
        const one = { para: pi, start: s.start, end: s.end, ...coverage(hits, s.start, s.end) };
        if (one.covered === 0) return;
        if (better(one, best)) {
          best = one;
          bestHits = hits;
        }
        const next = sentences[si + 1];
        if (next && next.end - s.start <= max) {
          const two = { para: pi, start: s.start, end: next.end, ...coverage(hits, s.start, next.end) };
          const alone = coverage(hits, next.start, next.end).covered;
          // A second sentence is worth quoting only if it brings a term the first lacks.
          if (two.covered > one.covered && two.covered > alone && better(two, best)) {
            best = two;
            bestHits = hits;
          }
        }
      });
    });
  }
  if (!best) {
    // Nothing in the body matched (e.g. only the title did): quote the lead.
    const pi = paras.findIndex((p) => p.text.trim().length > 0);
    if (pi === -1) return { text: '', plain: '', covered: 0 };
    const p = paras[pi]!;
    const sentences = sentencesOf(p);
    const first = sentences[0] ?? { start: 0, end: p.text.length };
    const second = sentences[1];
    const end = second && first.end - first.start < 80 && second.end - first.start <= max ? second.end : first.end;
    best = { para: pi, start: first.start, end, covered: 0, occurrences: 0 };
    bestHits = terms.length ? hitsIn(p, m) : [];
  }
  const chosen: Candidate = best;
  return render(paras[chosen.para]!.text, chosen.start, chosen.end, bestHits, max);
}

/** Trims [start, end) to `max` around the hits, then escapes and marks it. */
function render(text: string, start: number, end: number, allHits: Hit[], max: number): Excerpt {
  let s = start;
  let e = end;
  let lead = false;
  let tail = false;
  const hits = allHits.filter((h) => h.start >= start && h.end <= end).sort((a, b) => a.start - b.start);
  if (e - s > max) {
    const budget = max - 2; // room for the ellipses
    const firstHit = hits[0]?.start ?? s;
    // Start a little before the first match so it reads as a sentence fragment, not a keyword.
    let from = Math.max(s, firstHit - Math.floor(budget / 4));
    if (e - from < budget) from = Math.max(s, e - budget);
    let to = Math.min(e, from + budget);
    // Snap to word boundaries inside the window.
    if (from > s) {
      const space = text.indexOf(' ', from);
      if (space !== -1 && space < to) from = space + 1;
    }
    if (to < e) {
      const space = text.lastIndexOf(' ', to);
      if (space > from) to = space;
    }
    lead = from > s;
    tail = to < e;
    s = from;
    e = to;
  }
  // Surrogate safety: never start on a low surrogate or end after a high one.
  if (/[\uDC00-\uDFFF]/.test(text[s] ?? '')) s++;
  if (/[\uD800-\uDBFF]/.test(text[e - 1] ?? '')) e--;
  const inside = hits.filter((h) => h.start >= s && h.end <= e);
  // Merge overlapping hits, and hits separated only by spaces ("Kim Yo Jong" → one bold run).
  const runs: Array<{ start: number; end: number }> = [];
  for (const h of inside) {
    const last = runs[runs.length - 1];
    if (last && (h.start <= last.end || /^[ \u00a0]+$/.test(text.slice(last.end, h.start)))) last.end = Math.max(last.end, h.end);
    else runs.push({ start: h.start, end: h.end });
  }
  let marked = '';
  let at = s;
  for (const r of runs) {
    marked += escapeDiscord(text.slice(at, r.start));
    marked += `**${escapeDiscord(text.slice(r.start, r.end))}**`;
    at = r.end;
  }
  marked += escapeDiscord(text.slice(at, e));
  const covered = new Set(inside.map((h) => h.spec)).size;
  const plain = `${lead ? '…' : ''}${text.slice(s, e)}${tail ? '…' : ''}`;
  return { text: `${lead ? '…' : ''}${marked}${tail ? '…' : ''}`, plain, covered };
}

/**
 * Escapes and marks a whole short text (a quotation) the way excerpts are marked, trimmed around
 * the matches when longer than `maxLength`.
 */
export function markText(text: string, terms: TermSpec[], maxLength = 500): Excerpt {
  const m = buildMatcher(terms);
  const hits = terms.length ? hitsIn({ text, lower: text.toLowerCase() }, m) : [];
  return render(text, 0, text.length, hits, maxLength);
}
