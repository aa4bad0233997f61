import { describe, expect, it } from 'vitest';
import { findQuotations } from '../src/core/quotes/index.ts';
import { HELD_OUT_2_FILE, HELD_OUT_FILE, loadFirstScores, loadSpeakerLabels, normalizeSpeaker, scoreSpeakers, speakerMatches } from './helpers/quote-score.ts';

// The hand-labelled set: 330 quotations in the 5 seeds and 36 English news articles (22 held out, labelled in three rounds).
// Floors are the values achieved when this test was written; a change that lowers them fails.
// These floors score the resolver's best candidate (`candidate`), shown or not: its accuracy; what
// is shown (`speaker`, only when confident) is scored by test/quote-confidence.test.ts.
const report = scoreSpeakers((article) => findQuotations(article).map((q) => ({ text: q.text, speaker: q.candidate ?? null })));

describe('speaker attribution over the labelled quotations', () => {
  it('has the labelled set it claims', () => {
    const { labels, articles } = loadSpeakerLabels();
    expect(labels.length).toBe(330);
    expect(articles.size).toBe(41);
    expect(labels.filter((l) => l.heldOut).length).toBe(126);
  });

  it.each([
    ['all', report.all, 330, 327],
    ['dev', report.dev, 204, 202],
    ['held-out', report.heldOut, 126, 125],
    ['held-out round 3', report.heldOut3, 48, 47],
    ['explicit', report.byCategory.explicit!, 153, 153],
    ['pronoun', report.byCategory.pronoun!, 50, 49],
    ['earlier', report.byCategory.earlier!, 92, 92],
    ['document', report.byCategory.document!, 35, 33],
  ])('%s: recall and accuracy at least as measured', (_name, tally, found, right) => {
    expect(tally.found).toBeGreaterThanOrEqual(found);
    expect(tally.right).toBeGreaterThanOrEqual(right);
  });

  it('reaches 95 % attribution accuracy overall', () => {
    expect(report.all.right / report.all.labels).toBeGreaterThanOrEqual(0.95);
  });
});

// Fresh held-out rounds (test/fixtures/quote-speakers-heldout.json): each labelled before the rules
// ran on it, scored once (firstScores), then tuned on. Floors are the current values.
const fresh = scoreSpeakers((article) => findQuotations(article).map((q) => ({ text: q.text, speaker: q.candidate ?? null })), false, HELD_OUT_FILE);

describe('speaker attribution over the fresh held-out rounds', () => {
  it('has the rounds it claims, each with its first score recorded', () => {
    const { labels, articles } = loadSpeakerLabels(HELD_OUT_FILE);
    expect(labels.length).toBe(272);
    expect(articles.size).toBe(40);
    const first = loadFirstScores();
    expect(Object.keys(first).sort()).toEqual(Object.keys(fresh.byRound).sort());
    for (const [round, t] of Object.entries(fresh.byRound)) expect(first[round]!.labels).toBe(t.labels);
  });

  it.each([
    ['all rounds', fresh.all, 272, 268],
    ['round 1', fresh.byRound[1]!, 66, 66],
    ['round 2', fresh.byRound[2]!, 41, 40],
    ['round 3', fresh.byRound[3]!, 60, 60],
    ['round 4', fresh.byRound[4]!, 64, 63],
    ['round 5', fresh.byRound[5]!, 41, 39],
  ])('%s: recall and accuracy at least as measured', (_name, tally, found, right) => {
    expect(tally.found).toBeGreaterThanOrEqual(found);
    expect(tally.right).toBeGreaterThanOrEqual(right);
  });
});

describe('the match rule', () => {
  it.each([
    ['the Pentagon', ['Pentagon'], true],
    ['Earlier this week, the Pentagon announced', ['Pentagon'], false],
    ['he said', ['Buser'], false],
    ['Jack Buser', ['Buser'], true],
    ['a university student in Ryanggang province', ['university student'], true],
    ['a resident of the northern province of Ryanggang', ['university student'], false],
    ['Kim Yo Jong’s order', ['order', 'Kim Yo Jong'], true],
    ['Kim Jong Un', ['Kim Yo Jong'], false],
    [null, ['Buser'], false],
  ])('%s ~ %j → %s', (resolved, match, ok) => {
    expect(speakerMatches(resolved, { match })).toBe(ok);
  });

  it('normalises case, punctuation, possessives and a leading article', () => {
    expect(normalizeSpeaker('The doctors’ letter')).toBe('doctors letter');
    expect(normalizeSpeaker('Dr. Owen John Dempsey')).toBe('dr owen john dempsey');
  });
});

// Round 6 (test/fixtures/quote-speakers-heldout2.json): English news pages of the Readability corpus,
// labelled before any resolver ran on them; first scored with the resolver then on main (0.891) and
// with the coreference resolver before any change for the round (0.881); then tuned on with general
// rules. Round 7 (8 quotations, the rest of the English benchmark articles): first scores 0.375 (main)
// and 0.625 (coreference), then tuned on. Round 8 (26 quotations in 13 feed items of the rss-parser
// corpus): first scores 0.654 (main) and 0.692 (coreference), then tuned on. Floors are the values
// after that tuning.
const round6 = scoreSpeakers((article) => findQuotations(article).map((q) => ({ text: q.text, speaker: q.candidate ?? null })), false, HELD_OUT_2_FILE);

describe('speaker attribution over rounds 6 (Readability pages), 7 (unused benchmark articles) and 8 (feed items)', () => {
  it('has the labels it claims, with both first scores recorded', () => {
    const { labels, articles } = loadSpeakerLabels(HELD_OUT_2_FILE);
    expect(labels.length).toBe(135);
    expect(articles.size).toBe(34);
    expect(loadFirstScores(HELD_OUT_2_FILE)).toMatchObject({ 6: { labels: 101, found: 100, right: 90 }, 7: { labels: 8, found: 8, right: 3 }, 8: { labels: 26, found: 24, right: 17 } });
    expect(loadFirstScores(HELD_OUT_2_FILE, 'firstScoresCoreference')).toMatchObject({ 6: { labels: 101, found: 100, right: 89 }, 7: { labels: 8, found: 8, right: 5 }, 8: { labels: 26, found: 24, right: 18 } });
  });

  it.each([
    ['round 6', round6.byRound[6]!, 101, 98],
    ['round 7', round6.byRound[7]!, 8, 8],
    ['round 8', round6.byRound[8]!, 25, 25],
    ['explicit', round6.byCategory.explicit!, 66, 65],
    ['pronoun', round6.byCategory.pronoun!, 18, 17],
    ['earlier', round6.byCategory.earlier!, 38, 38],
    ['document', round6.byCategory.document!, 12, 11],
  ])('%s: recall and accuracy at least as measured', (_name, tally, found, right) => {
    expect(tally.found).toBeGreaterThanOrEqual(found);
    expect(tally.right).toBeGreaterThanOrEqual(right);
  });
});
