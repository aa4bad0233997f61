/**
 * A learned speaker ranker: for each quotation, every person, organisation and described source
 * mentioned near it (this paragraph and the three before) is a candidate, described by general
 * features — distance and side, the words and punctuation between it and the quotation, subject
 * position, agreement with the clause's pronoun, salience, whether the rules picked it — and a
 * linear model (conditional logit, weights trained by bench/quote-train.ts from the labelled
 * quotations) picks the best. Which words signal reporting ("said", "summed up", "lecturing") is
 * learned from the labels as word features, not listed here.
 */
import { splitSentences } from '../text/sentences.ts';
import { givenNameGender, looksLikeOrganisation, nounGender } from './coreference.ts';
import { MIN_WORDS, type QuoteSpan } from './find.ts';
import { capitalisedRuns, readPhrase, stripTitles } from './phrases.ts';
import SHIPPED_WEIGHTS from './ranker-weights.json' with { type: 'json' };
import type { Attribution } from './speakers.ts';

/** Weights by feature name (bench/quote-train.ts writes them to ranker-weights.json). */
export type RankerWeights = Record<string, number>;

/** One candidate speaker of one quotation, with its features. */
export interface RankCandidate {
  name: string;
  features: Map<string, number>;
}

/** Every long quotation's candidates, in span order (null for spans shorter than MIN_WORDS). */
export type QuoteCandidates = Array<RankCandidate[] | null>;

/** How many paragraphs before the quotation's own are searched for candidates. */
const WINDOW = 3;

interface Mention {
  paragraph: number;
  start: number;
  end: number;
  tokens: number;
  sentenceStart: boolean;
  /** Within a few words of a quotation's marks: the mention is probably that quotation's speaker. */
  besideQuote: boolean;
}

interface Cand {
  key: string;
  name: string;
  mentions: Mention[];
  rule: boolean;
  prevRule: boolean;
  clause: boolean;
  description: boolean;
}

function maskQuotes(p: string, spans: readonly QuoteSpan[]): string {
  let out = p;
  for (const s of spans) out = out.slice(0, s.open + 1) + out.slice(s.open + 1, s.close).replace(/[^\s]/g, 'q') + out.slice(s.close);
  return out;
}

function lowerWords(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);
}

/** The key two mentions of one entity share: a name's last word, a description's words. */
function keyOf(name: string): string {
  const ws = lowerWords(name).filter((w) => !['the', 'a', 'an'].includes(w)).map((w) => w.replace(/'s$/, ''));
  const p = readPhrase(name);
  if (p && p.kind === 'name') return ws[ws.length - 1] ?? '';
  return ws.join(' ');
}

function bucket(n: number): string {
  if (n <= 0) return '0';
  if (n <= 1) return '1';
  if (n <= 3) return '2-3';
  if (n <= 7) return '4-7';
  if (n <= 15) return '8-15';
  if (n <= 31) return '16-31';
  return '32+';
}

/** Words and punctuation between two offsets, shaped for a feature ("said", ",” said", ":"). */
function gapShape(s: string): { words: string[]; punct: string } {
  return { words: lowerWords(s), punct: s.replace(/[\p{L}\p{N}'’\s]+/gu, '_').replace(/q+/g, 'q').slice(0, 6) };
}

/**
 * Candidates and their features for every quotation of an article. `attributions` are the rule
 * resolver's, one per span: its pick is one candidate and one feature among many.
 */
export function quoteCandidates(body: readonly string[], spans: readonly QuoteSpan[], attributions: readonly Attribution[]): QuoteCandidates {
  const long = (s: QuoteSpan) => s.words >= MIN_WORDS;
  const paragraphSpans = body.map((_, pi) => spans.filter((s) => s.paragraphIndex === pi && long(s)));
  const masked = body.map((p, pi) => maskQuotes(p, paragraphSpans[pi]!));
  const sentences = masked.map((m) => splitSentences(m));
  // Words the article also writes in lower case are not names ("Still", "Officials").
  const lowerSeen = new Set<string>();
  for (const m of masked) for (const w of m.match(/(?<![\p{L}’'])[\p{Ll}][\p{L}’'-]*/gu) ?? []) lowerSeen.add(w);
  const mentions: Array<Mention & { name: string; key: string; org: boolean }> = [];
  const counts = new Map<string, number>();
  masked.forEach((m, pi) => {
    const offsets: number[] = [];
    for (const x of m.matchAll(/\S+/g)) offsets.push(x.index);
    const ws = m.split(/\s+/).filter(Boolean);
    for (const run of capitalisedRuns(m)) {
      let tokens = stripTitles(run.tokens).filter((t) => t && !/^q+$/.test(t));
      // "While Stadia", "As Mashable", "However Obama": a sentence's first word the article also writes in lower case is no part of a name.
      while (tokens.length > 1 && lowerSeen.has(tokens[0]!.toLowerCase())) tokens = tokens.slice(1);
      tokens = tokens.map((t, i) => (i === tokens.length - 1 && /[\p{L}]{2,}\.$/u.test(t) ? t.slice(0, -1) : t));
      if (tokens.length === 0) continue;
      if (tokens.length === 1 && lowerSeen.has(tokens[0]!.toLowerCase())) continue;
      const name = tokens.join(' ');
      const start = offsets[run.start] ?? 0;
      const lastIdx = run.start + run.tokens.length - 1;
      const end = (offsets[lastIdx] ?? start) + (ws[lastIdx]?.length ?? 0);
      const sentence = sentences[pi]!.find((s) => s.start <= start && start < s.end);
      const sentenceStart = !sentence || m.slice(sentence.start, start).trim().replace(/^[“”"‘’']+/, '') === '';
      const key = keyOf(name);
      if (!key) continue;
      const near = (a: number, b: number) => m.slice(Math.min(a, b), Math.max(a, b)).split(/\s+/).filter(Boolean).length <= 3;
      const besideQuote = paragraphSpans[pi]!.some((q) => near(q.close, start) || near(end, q.open));
      mentions.push({ paragraph: pi, start, end, tokens: tokens.length, sentenceStart, besideQuote, name, key, org: looksLikeOrganisation(name) });
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  });
  // The fullest form of each entity ("Bruce Boudreau" for "Boudreau").
  const fullest = new Map<string, string>();
  for (const m of mentions) if ((fullest.get(m.key)?.split(' ').length ?? 0) < m.name.split(' ').length) fullest.set(m.key, m.name);

  const out: QuoteCandidates = [];
  let prevRule: string | null = null;
  spans.forEach((span, si) => {
    if (!long(span)) {
      out.push(null);
      return;
    }
    const pi = span.paragraphIndex;
    const a = attributions[si]!;
    const rulePick = a.speaker?.name ?? null;
    const subject = a.clause?.subject ?? '';
    const subjectPhrase = subject ? readPhrase(subject) : null;
    const cands = new Map<string, Cand>();
    const add = (key: string, name: string): Cand => {
      let c = cands.get(key);
      if (!c) {
        c = { key, name, mentions: [], rule: false, prevRule: false, clause: false, description: false };
        cands.set(key, c);
      } else if (name.length > c.name.length && name.split(' ').length <= 6) c.name = name;
      return c;
    };
    for (const m of mentions) {
      if (m.paragraph < pi - WINDOW || m.paragraph > pi) continue;
      add(m.key, fullest.get(m.key) ?? m.name).mentions.push(m);
    }
    if (rulePick) {
      const c = add(keyOf(rulePick), rulePick);
      // The rules' name is their fullest reading (a description, a full name); a longer mention of the same key is not better.
      c.name = rulePick;
      c.rule = true;
      if (!c.mentions.length) c.description = readPhrase(rulePick)?.kind !== 'name';
    }
    if (prevRule) add(keyOf(prevRule), prevRule).prevRule = true;
    if (subjectPhrase && subjectPhrase.kind !== 'pronoun' && subjectPhrase.kind !== 'possessive') {
      const c = add(keyOf(subjectPhrase.text), subjectPhrase.text);
      c.clause = true;
      if (!c.mentions.length) c.description = subjectPhrase.kind !== 'name';
    }
    prevRule = rulePick ?? prevRule;

    const pronoun = subjectPhrase?.kind === 'pronoun' ? subjectPhrase.head.toLowerCase() : subjectPhrase ? `kind-${subjectPhrase.kind}` : a.clause ? 'empty' : 'none';
    const m0 = masked[pi]!;
    const ownSentence = sentences[pi]!.find((s) => s.start <= span.open && span.open < s.end);
    const list: Array<{ c: Cand; f: Map<string, number>; dist: number; recency: number; spoke: number; agrees: boolean }> = [];
    for (const c of cands.values()) {
      const f = new Map<string, number>();
      const set = (k: string, v = 1) => f.set(k, (f.get(k) ?? 0) + v);
      set('bias');
      if (c.rule) set('rule');
      if (c.rule) set(`rule&${pronoun}`);
      if (c.prevRule) set('prevRule');
      if (c.prevRule) set(`prevRule&${pronoun}`);
      if (c.clause) set('clause');
      if (c.description) set('description');
      const n = counts.get(c.key) ?? 0;
      set(`count:${bucket(n)}`);
      const tokens = c.name.split(' ').length;
      set(`tokens:${Math.min(tokens, 4)}`);
      const org = looksLikeOrganisation(c.name);
      const gender = givenNameGender(c.name) ?? nounGender(c.name);
      const cls = org ? 'org' : gender ?? (c.description ? 'desc' : 'unk');
      set(`agree:${pronoun}:${cls}`);
      // Nearest mention: before the quotation (this or an earlier paragraph) or after it in this paragraph.
      let best: { m: Mention; dist: number; side: string } | null = null;
      let lastBefore = -1;
      let spoke = -1;
      const agrees = pronoun === 'he' || pronoun === 'she' ? cls === pronoun || cls === 'unk' : pronoun === 'they' ? cls !== 'he' && cls !== 'she' : pronoun === 'it' ? cls === 'org' || cls === 'desc' : true;
      for (const m of c.mentions) {
        if (m.besideQuote && (m.paragraph < pi || m.end <= span.open)) spoke = Math.max(spoke, m.paragraph * 100000 + m.end);
        let dist: number;
        let side: string;
        if (m.paragraph < pi) {
          dist = 1000 * (pi - m.paragraph) + 100;
          side = `p${pi - m.paragraph}`;
          lastBefore = Math.max(lastBefore, m.paragraph * 100000 + m.end);
        } else if (m.end <= span.open) {
          dist = m0.slice(m.end, span.open).split(/\s+/).filter(Boolean).length;
          side = 'before';
          lastBefore = Math.max(lastBefore, m.paragraph * 100000 + m.end);
        } else if (m.start >= span.close) {
          dist = m0.slice(span.close, m.start).split(/\s+/).filter(Boolean).length + 0.5;
          side = 'after';
        } else continue;
        if (!best || dist < best.dist) best = { m, dist, side };
      }
      if (!best) {
        set('noMention');
        list.push({ c, f, dist: 99999, recency: -1, spoke, agrees });
        continue;
      }
      const { m, side } = best;
      set(`side:${side}`);
      set(`side:${side}&${pronoun}`);
      if (c.rule) set(`rule&side:${side}`);
      if (m.sentenceStart) set(`subjectStart:${side}`);
      if (side === 'before' || side === 'after') {
        set(`dist:${side}:${bucket(Math.floor(best.dist))}`);
        const inSentence = ownSentence && m.start >= ownSentence.start && m.start < ownSentence.end;
        if (inSentence) set(`sameSentence:${side}`);
        const gap = side === 'before' ? m0.slice(m.end, span.open) : m0.slice(span.close + 1, m.start);
        const g = gapShape(gap);
        if (g.words.length <= 3) {
          set(`gap:${side}:${g.words.join(' ')}`);
          set(`gapPunct:${side}:${g.punct}`);
          for (const w of g.words) set(`gapWord:${side}:${w}`);
        } else set(`gapLong:${side}`);
        const next = lowerWords(m0.slice(m.end, m.end + 40))[0];
        if (next) set(`next:${side}:${next}`);
        const prev = lowerWords(m0.slice(Math.max(0, m.start - 30), m.start)).pop();
        if (prev) set(`prev:${side}:${prev}`);
      } else {
        const next = lowerWords(masked[m.paragraph]!.slice(m.end, m.end + 40))[0];
        if (next) set(`next:earlier:${next}`);
      }
      list.push({ c, f, dist: best.dist, recency: lastBefore, spoke, agrees });
    }
    // Ranks among the candidates: nearest, most recent before the quotation.
    const byDist = [...list].sort((x, y) => x.dist - y.dist);
    byDist.forEach((x, i) => x.f.set(`distRank:${Math.min(i, 3)}`, 1));
    const byRecency = [...list].filter((x) => x.recency >= 0).sort((x, y) => y.recency - x.recency);
    byRecency.forEach((x, i) => x.f.set(`recencyRank:${Math.min(i, 3)}&${pronoun === 'none' || pronoun === 'empty' ? 'noClause' : 'clause'}`, 1));
    const clauseKind = pronoun === 'none' || pronoun === 'empty' ? 'noClause' : 'clause';
    // Who spoke last before this quotation (a mention beside an earlier quotation's marks).
    const bySpoke = list.filter((x) => x.spoke >= 0).sort((x, y) => y.spoke - x.spoke);
    bySpoke.forEach((x, i) => x.f.set(`spokeRank:${Math.min(i, 2)}&${clauseKind}`, 1));
    // The most recent candidate that agrees with the clause's pronoun.
    const byAgree = list.filter((x) => x.agrees && x.recency >= 0).sort((x, y) => y.recency - x.recency);
    byAgree.forEach((x, i) => x.f.set(`agreeRecency:${Math.min(i, 2)}&${pronoun}`, 1));
    out.push(list.map((x) => ({ name: x.c.name, features: x.f })));
  });
  return out;
}

/** The model's score of one candidate. */
export function scoreCandidate(c: RankCandidate, weights: RankerWeights): number {
  let s = 0;
  for (const [k, v] of c.features) s += (weights[k] ?? 0) * v;
  return s;
}

/** The best-scoring candidate's name (first on a tie, so the result is deterministic), or null when there is none. */
export function pickCandidate(cands: readonly RankCandidate[] | null, weights: RankerWeights): string | null {
  if (!cands || cands.length === 0) return null;
  let best = cands[0]!;
  let bestScore = scoreCandidate(best, weights);
  for (const c of cands.slice(1)) {
    const s = scoreCandidate(c, weights);
    if (s > bestScore) {
      best = c;
      bestScore = s;
    }
  }
  return best.name;
}

/**
 * The learned ranker's speaker for every span (null for short spans and when no candidate is
 * found), given the rule resolver's attributions it reads its clause features from.
 */
export function rankSpeakers(body: readonly string[], spans: readonly QuoteSpan[], attributions: readonly Attribution[], weights: RankerWeights = SHIPPED_WEIGHTS): Array<string | null> {
  return quoteCandidates(body, spans, attributions).map((c) => pickCandidate(c, weights));
}

/**
 * How much of the model's probability (softmax over the candidates' scores) goes to the rules'
 * own pick, and to the model's best candidate: the learned ranker's second opinion on the rules.
 * Null when the quotation has no candidates or the rules picked no one.
 */
export function ruleShare(cands: readonly RankCandidate[] | null, weights: RankerWeights = SHIPPED_WEIGHTS): { rule: number; top: number } | null {
  if (!cands || cands.length === 0) return null;
  const rule = cands.find((c) => c.features.get('rule') === 1);
  if (!rule) return null;
  const scores = cands.map((c) => scoreCandidate(c, weights));
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  // Candidates naming the same speaker as the rules ("Microsoft" for "Microsoft Corp", "Kim" for
  // "Kim Yo Jong’s order") are the rules' pick too.
  let share = 0;
  cands.forEach((c, i) => {
    if (c === rule || sameSpeaker(c.name, rule.name)) share += exp[i]!;
  });
  return { rule: share / sum, top: Math.max(share, ...exp) / sum };
}

/** Two candidate names for one speaker: one holds the other's last word. */
function sameSpeaker(a: string, b: string): boolean {
  const wa = lowerWords(a).map((w) => w.replace(/'s$/, ''));
  const wb = lowerWords(b).map((w) => w.replace(/'s$/, ''));
  const la = wa[wa.length - 1];
  const lb = wb[wb.length - 1];
  return Boolean(la && lb && /^[\p{Lu}]/u.test(a) && /^[\p{Lu}]/u.test(b) && (wb.includes(la) || wa.includes(lb)));
}
