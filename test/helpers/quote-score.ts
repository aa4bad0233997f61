import fs from 'node:fs';
import path from 'node:path';
import type { Article } from '../../src/core/article.ts';
import { findQuotations } from '../../src/core/quotes/index.ts';
import { attributionOf } from '../../src/core/quotes/attribution.ts';
import { findQuoteSpans, MIN_WORDS } from '../../src/core/quotes/find.ts';
import { htmlToParagraphs } from '../../src/core/feeds/html-text.ts';
import { parseFeed } from '../../src/core/feeds/parse-feed.ts';
import { parseSeed } from '../../src/core/seeds/parser.ts';
import { ROOT } from './bot-process.ts';

/** One labelled quotation of test/fixtures/quote-speakers.json (the labelling rule is at its top). */
export interface SpeakerLabel {
  article: string;
  start: string;
  speaker: string;
  match: string[];
  category: 'explicit' | 'pronoun' | 'earlier' | 'document';
  occurrence?: number;
  heldOut?: boolean;
  /** 2, 3: labelled after a round of tuning was finished (fresh held-out parts). */
  round?: number;
  /** Optional (issue 26 on): phrases that make a resolved speaker wrong though it holds a match phrase (another person of the same surname). */
  exclude?: string[];
}

interface LabelFile {
  rule: string[];
  articles: Record<string, { file?: string; body?: string[]; source?: string; key?: string; url?: string; item?: number; heldOut: boolean; round?: number }>;
  labels: SpeakerLabel[];
  /** Held-out file only: each round's score when it was first measured, before any change made for it. */
  firstScores?: Record<string, { labels: number; found: number; right: number; commit?: string; resolver?: string }>;
  /** Round 6 on: the coreference resolver's first score, also taken before any change for the round. */
  firstScoresCoreference?: Record<string, { labels: number; found: number; right: number; commit?: string; resolver?: string }>;
  /** Round 9 on: the learned ranker's first score, also taken before any change for the round. */
  firstScoresRanker?: Record<string, { labels: number; found: number; right: number; commit?: string; resolver?: string }>;
  firstScoresLearnedOnly?: Record<string, { labels: number; found: number; right: number; commit?: string; resolver?: string }>;
}

/** A quotation as the scorer sees it: its words and the speaker the system resolved (null when none). */
export interface ScoredQuotation {
  text: string;
  speaker: string | null;
}

export const LABEL_FILE = path.join(ROOT, 'test', 'fixtures', 'quote-speakers.json');
/** Fresh held-out rounds labelled after the rules were tuned on LABEL_FILE (each article carries its round). */
export const HELD_OUT_FILE = path.join(ROOT, 'test', 'fixtures', 'quote-speakers-heldout.json');
/** Round 6: English news pages of the Readability corpus, labelled before the coreference resolver ran on them. */
export const HELD_OUT_2_FILE = path.join(ROOT, 'test', 'fixtures', 'quote-speakers-heldout2.json');
/** Round 9: pages from another project's test cache, labelled blind before either resolver ran on them. */
export const HELD_OUT_3_FILE = path.join(ROOT, 'test', 'fixtures', 'quote-speakers-heldout3.json');

/** The recorded first score of each round of the held-out file. */
export function loadFirstScores(labelFile = HELD_OUT_FILE, which: 'firstScores' | 'firstScoresCoreference' | 'firstScoresRanker' | 'firstScoresLearnedOnly' = 'firstScores'): Record<string, { labels: number; found: number; right: number; commit?: string }> {
  return (JSON.parse(fs.readFileSync(labelFile, 'utf8')) as LabelFile)[which] ?? {};
}

/**
 * The labelled set with each labelled article loaded as an Article-shaped body. In a file whose
 * articles carry a round, each label takes its article's round and counts as held out.
 */
export function loadSpeakerLabels(labelFile = LABEL_FILE): { labels: SpeakerLabel[]; articles: Map<string, Pick<Article, 'body'>> } {
  const file = JSON.parse(fs.readFileSync(labelFile, 'utf8')) as LabelFile;
  const articles = new Map<string, Pick<Article, 'body'>>();
  let groundTruth: Record<string, { articleBody: string }> | null = null;
  for (const [id, a] of Object.entries(file.articles)) {
    if (a.body) {
      // Round 9 on: the article's paragraphs stored in the label file itself (text from outside the corpora).
      articles.set(id, { body: a.body });
      continue;
    }
    const full = path.resolve(ROOT, a.file!);
    if (a.key) {
      groundTruth ??= JSON.parse(fs.readFileSync(full, 'utf8')) as Record<string, { articleBody: string }>;
      const body = groundTruth[a.key]!.articleBody.split(/\n+/).map((p) => p.trim()).filter(Boolean);
      articles.set(id, { body });
    } else if (a.item !== undefined) {
      // A feed item (round 8): the body the feed parser gives it, as ingest stores it.
      const feed = parseFeed(fs.readFileSync(full, 'utf8'), { url: 'http://127.0.0.1/feed', now: new Date('2026-01-01T00:00:00Z') });
      articles.set(id, { body: feed.items[a.item]!.body });
    } else if (full.endsWith('.html')) {
      // A page's expected article text (Readability corpus), in the paragraphs the feed code makes of HTML.
      articles.set(id, { body: htmlToParagraphs(fs.readFileSync(full, 'utf8')) });
    } else {
      articles.set(id, parseSeed(fs.readFileSync(full, 'utf8'), { fileName: path.basename(full) }));
    }
  }
  const labels = file.labels.map((l) => {
    const round = file.articles[l.article]?.round;
    return round === undefined ? l : { ...l, heldOut: true, round };
  });
  return { labels, articles };
}

const SPEECH_WORDS = new Set([
  'said', 'says', 'say', 'told', 'tells', 'tell', 'added', 'adds', 'announced', 'stated', 'wrote', 'writes', 'noted', 'revealed',
  'explained', 'asked', 'warned', 'declared', 'claimed', 'reported', 'tweeted', 'according', 'labels', 'instructed', 'directed',
]);

/** Lower case, no punctuation except inner apostrophes, curly apostrophes straightened, no leading article. */
export function normalizeSpeaker(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/'(?=\s|$)/g, '')
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(the|a|an) /, '');
}

/**
 * The match rule: the resolved speaker names the labelled one when, normalised, it contains one
 * of the label's match phrases as whole words and holds no speech verb (so a whole clause such as
 * "Earlier this week, the Pentagon announced" is not credited as "the Pentagon").
 */
export function speakerMatches(resolved: string | null, label: Pick<SpeakerLabel, 'match' | 'exclude'>, lenient = false): boolean {
  if (!resolved) return false;
  const n = ` ${normalizeSpeaker(resolved)} `;
  if (!lenient && n.split(' ').some((w) => SPEECH_WORDS.has(w))) return false;
  if (label.exclude?.some((x) => n.includes(` ${normalizeSpeaker(x)} `))) return false;
  return label.match.some((m) => n.includes(` ${normalizeSpeaker(m)} `));
}

/** A quotation's first words as compared with a label's start. */
export function normStart(s: string): string {
  // NFKC turns a leading "…" into "...", so the dots go too.
  return s.normalize('NFKC').replace(/^[\s“”"‘’'….]+/, '').replace(/[’‘]/g, "'").replace(/\s+/g, ' ');
}

export interface Tally {
  labels: number;
  found: number;
  right: number;
  /** Found with a speaker given (null counts as none): the names shown, when the finder gives only confident ones. */
  named: number;
}

export interface ScoreReport {
  all: Tally;
  dev: Tally;
  heldOut: Tally;
  /** The first held-out part (round 1) and the fresh one labelled after tuning (round 2). */
  heldOut1: Tally;
  heldOut2: Tally;
  heldOut3: Tally;
  byCategory: Record<string, Tally>;
  /** Per labelled round (0 = not held out). */
  byRound: Record<number, Tally>;
  misses: Array<{ label: SpeakerLabel; found: boolean; resolved: string | null }>;
}

/**
 * Scores a quotation finder over the labelled set: recall (the labelled quotation is among those
 * found, by its first words) and accuracy (found and its resolved speaker matches the label).
 */
export function scoreSpeakers(find: (article: Pick<Article, 'body'>) => ScoredQuotation[], lenient = false, labelFile = LABEL_FILE): ScoreReport {
  const { labels, articles } = loadSpeakerLabels(labelFile);
  const cache = new Map<string, ScoredQuotation[]>();
  const empty = (): Tally => ({ labels: 0, found: 0, right: 0, named: 0 });
  const report: ScoreReport = { all: empty(), dev: empty(), heldOut: empty(), heldOut1: empty(), heldOut2: empty(), heldOut3: empty(), byCategory: {}, byRound: {}, misses: [] };
  for (const label of labels) {
    if (!cache.has(label.article)) cache.set(label.article, find(articles.get(label.article)!));
    const start = normStart(label.start);
    const candidates = cache.get(label.article)!.filter((q) => normStart(q.text).startsWith(start));
    const q = candidates[label.occurrence ?? 0];
    const right = q ? speakerMatches(q.speaker, label, lenient) : false;
    const tallies = [report.all, label.heldOut ? report.heldOut : report.dev, (report.byCategory[label.category] ??= empty()), (report.byRound[label.round ?? (label.heldOut ? 1 : 0)] ??= empty())];
    if (label.heldOut) tallies.push(label.round === 3 ? report.heldOut3 : label.round === 2 ? report.heldOut2 : report.heldOut1);
    for (const t of tallies) {
      t.labels++;
      if (q) t.found++;
      if (q?.speaker) t.named++;
      if (right) t.right++;
    }
    if (!right) report.misses.push({ label, found: Boolean(q), resolved: q?.speaker ?? null });
  }
  return report;
}

/** "0.952 (200/210)" */
export function ratio(n: number, d: number): string {
  return `${d === 0 ? '—' : (n / d).toFixed(3)} (${n}/${d})`;
}

/** One line of a score table: `name  labels  recall … accuracy …`. */
export function tallyLine(name: string, t: Tally): string {
  return `${name.padEnd(22)} ${String(t.labels).padStart(4)}  recall ${ratio(t.found, t.labels).padEnd(18)} accuracy ${ratio(t.right, t.labels)}`;
}

/** The tuned set's table: overall, dev, held-out parts and categories (what every quote-score script prints). */
export function tunedSetLines(report: ScoreReport): string[] {
  return [
    tallyLine('all', report.all),
    tallyLine('dev (tuned on)', report.dev),
    tallyLine('held-out', report.heldOut),
    tallyLine('  round 1 (seen once)', report.heldOut1),
    tallyLine('  round 2', report.heldOut2),
    tallyLine('  round 3 (fresh)', report.heldOut3),
    ...Object.entries(report.byCategory)
      .sort()
      .map(([c, t]) => tallyLine(`  ${c}`, t)),
  ];
}

/**
 * Resolves a speaker for every quotation of an article with a library's `pick` (for the library
 * comparisons): the project's own quotation spans and attribution clauses, quotation bodies
 * masked so the clause search never reads inside them, and an unattributed quotation keeping the
 * previous speaker.
 */
export function speakersWith(article: Pick<Article, 'body'>, pick: (subject: string, before: (paragraphsBack: number) => string) => string | null): ScoredQuotation[] {
  const spans = findQuoteSpans(article.body);
  const out: ScoredQuotation[] = [];
  let previous: string | null = null;
  article.body.forEach((p, pi) => {
    const long = spans.filter((s) => s.paragraphIndex === pi && s.words >= MIN_WORDS);
    let masked = p;
    for (const s of long) masked = masked.slice(0, s.open + 1) + masked.slice(s.open + 1, s.close).replace(/[^\s]/g, 'q') + masked.slice(s.close);
    long.forEach((s, k) => {
      const clause = attributionOf(masked, s, k > 0 ? long[k - 1]!.close + 1 : 0, k + 1 < long.length ? long[k + 1]!.open : masked.length);
      const before = (back: number) => [...article.body.slice(Math.max(0, pi - back), pi), masked.slice(0, s.open)].join('\n');
      let speaker = clause?.subject ? pick(clause.subject, before) : null;
      speaker ??= previous;
      if (speaker) previous = speaker;
      out.push({ text: s.text, speaker });
    });
  });
  return out;
}

/** Precision of the names shown (right / named) and coverage (named / labelled): "0.981 (153/156) at 0.912 (156/171)". */
export function shownLine(t: Tally): string {
  return `precision ${ratio(t.right, t.named).padEnd(18)} coverage ${ratio(t.named, t.labels)}`;
}

/** The names the bot shows (only confident speakers), scored against a label file. */
export function scoreShown(labelFile = LABEL_FILE, find = shownSpeakers): ScoreReport {
  return scoreSpeakers(find, false, labelFile);
}

function shownSpeakers(article: Pick<Article, 'body'>): ScoredQuotation[] {
  return findQuotations(article).map((q) => ({ text: q.text, speaker: q.speaker }));
}
