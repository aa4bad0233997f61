import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findQuotations } from '../src/core/quotes/index.ts';
import { findQuoteSpans, MIN_WORDS } from '../src/core/quotes/find.ts';
import { quoteCandidates, rankSpeakers } from '../src/core/quotes/ranker.ts';
import { resolveSpeakers } from '../src/core/quotes/speakers.ts';
import { crossValidate, loadRankExamples, RULE_FEATURES, trainRanker } from './helpers/quote-ranker.ts';
import { HELD_OUT_2_FILE, HELD_OUT_3_FILE, HELD_OUT_FILE, LABEL_FILE, loadFirstScores, loadSpeakerLabels, scoreSpeakers } from './helpers/quote-score.ts';

const WEIGHTS = new URL('../src/core/quotes/ranker-weights.json', import.meta.url);
const ranked = (article: { body: string[] }) => {
  const spans = findQuoteSpans(article.body);
  const speakers = rankSpeakers(article.body, spans, resolveSpeakers(article.body, spans));
  return spans.flatMap((s, i) => (s.words >= MIN_WORDS ? [{ text: s.text, speaker: speakers[i] ?? null }] : []));
};
const rules = (article: { body: string[] }) => findQuotations(article).map((q) => ({ text: q.text, speaker: q.candidate ?? null }));

// Round 9 (test/fixtures/quote-speakers-heldout3.json): 13 English pages from trafilatura's test
// cache, labelled before any resolver ran on them. First scores: rules 56/71, hybrid ranker 56/71,
// learned-only ranker 54/71. Tuned on since issue 26 (rules fixed for its misses, the ranker trained
// on it): the floors are the scores now, above those first scores.
describe('round 9, labelled blind', () => {
  it('has the labels it claims, with the three first scores recorded', () => {
    const { labels, articles } = loadSpeakerLabels(HELD_OUT_3_FILE);
    expect(labels.length).toBe(71);
    expect(articles.size).toBe(13);
    expect(loadFirstScores(HELD_OUT_3_FILE)).toMatchObject({ 9: { labels: 71, found: 71, right: 56 } });
    expect(loadFirstScores(HELD_OUT_3_FILE, 'firstScoresRanker')).toMatchObject({ 9: { labels: 71, found: 71, right: 56 } });
    expect(loadFirstScores(HELD_OUT_3_FILE, 'firstScoresLearnedOnly')).toMatchObject({ 9: { labels: 71, found: 71, right: 54 } });
  });

  it.each([
    ['rules', rules, 71, 61],
    ['learned ranker (trained on it)', ranked, 71, 63],
  ])('%s: recall and accuracy at least as now', (_name, find, found, right) => {
    const r = scoreSpeakers(find, false, HELD_OUT_3_FILE);
    expect(r.all.found).toBeGreaterThanOrEqual(found);
    expect(r.all.right).toBeGreaterThanOrEqual(right);
  });
});

describe('the learned speaker ranker', () => {
  const examples = loadRankExamples();

  it('offers a candidate naming the labelled speaker for nearly every labelled quotation', () => {
    expect(examples.length).toBe(808);
    expect(examples.filter((e) => e.gold.some(Boolean)).length).toBeGreaterThanOrEqual(796);
  });

  it('ships the weights that `npm run quote-train` trains (deterministic)', () => {
    const stored = JSON.parse(fs.readFileSync(WEIGHTS, 'utf8')) as Record<string, number>;
    expect(trainRanker(examples, { without: RULE_FEATURES })).toEqual(stored);
  });

  it.each([
    ['tuned set', LABEL_FILE, 324],
    ['rounds 1–5', HELD_OUT_FILE, 268],
    ['rounds 6–8', HELD_OUT_2_FILE, 127],
  ])('%s (trained on): accuracy at least as measured', (_name, file, right) => {
    expect(scoreSpeakers(ranked, false, file).all.right).toBeGreaterThanOrEqual(right);
  });

  it('cross-validates (10 folds by article, learned only) at least as measured: 727/808', () => {
    const cv = crossValidate(examples, 10, { without: RULE_FEATURES });
    expect(cv.labels).toBe(808);
    expect(cv.right).toBeGreaterThanOrEqual(727);
  }, 300_000);

  it('describes a quotation\'s candidates by their place and the words between them and the quotation', () => {
    const body = ['The mayor spoke on Monday.', '“We will rebuild the bridge this year,” said Anna Kowalski, the city engineer.'];
    const spans = findQuoteSpans(body);
    const [cands] = quoteCandidates(body, spans, resolveSpeakers(body, spans));
    const anna = cands!.find((c) => c.name === 'Anna Kowalski')!;
    expect(anna.features.get('side:after')).toBe(1);
    expect(anna.features.get('gap:after:said')).toBe(1);
    expect(anna.features.get('rule')).toBe(1);
    expect(rankSpeakers(body, spans, resolveSpeakers(body, spans))).toEqual(['Anna Kowalski']);
  });
});
