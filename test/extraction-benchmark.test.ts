import { describe, expect, it } from 'vitest';
import { loadAnchors, loadBenchmarkPages } from '../bench/extraction-corpus.ts';
import { extractPage } from '../src/core/feeds/extract-page.ts';
import { matchPage, pagePrecision, pageRecall, scoreExtraction, tokenize } from '../src/core/feeds/extraction-metric.ts';

describe('the benchmark metric', () => {
  it.each([
    ['Ünïcode wörds, digits 42 and snake_case!', ['Ünïcode', 'wörds', 'digits', '42', 'and', 'snake_case']],
    ['日本語テキスト KeePass の', ['日本語テキスト', 'KeePass', 'の']],
    ['— … ', []],
  ])('tokenises %j as Python\'s \\w+ does', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });

  it.each([
    // truth, extraction, precision, recall, exact
    ['one two three four five', 'one two three four five', 1, 1, true],
    ['one two three four five', 'One, two; three — four five', 0.5, 0.5, false],
    ['one two three four five six', 'one two three four five', 1, 2 / 3, false],
    ['one two three four five', 'one two three four five six', 2 / 3, 1, false],
    ['a b c d', 'w x y z', 0, 0, false],
    // Fewer than four tokens: the whole text is one (short) shingle, as upstream.
    ['a b', 'a b', 1, 1, true],
    ['a b', 'a b c', 0, 0, false],
    ['', '', 1, 1, true],
    ['a b c d', '', 0, 0, false],
  ] as const)('%j vs %j → P %d, R %d', (truth, extracted, p, r, exact) => {
    const m = matchPage(truth, extracted);
    expect(pagePrecision(m)).toBeCloseTo(p, 12);
    expect(pageRecall(m)).toBeCloseTo(r, 12);
    expect(m.exact).toBe(exact);
  });

  it('averages per page, skips pages with nothing extracted for precision, and takes F1 of the averages', () => {
    const s = scoreExtraction([matchPage('one two three four five', 'one two three four five'), matchPage('a b c d e', 'a b c d'), matchPage('p q r s', '')]);
    expect(s.precision).toBeCloseTo(1, 12); // the empty extraction is left out of precision
    expect(s.recall).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    expect(s.f1).toBeCloseTo((2 * 1 * 0.5) / 1.5, 12);
    expect(s.accuracy).toBeCloseTo(1 / 3, 12);
  });
});

describe('article extraction on the 151 benchmark pages', () => {
  const pages = loadBenchmarkPages();
  const anchors = loadAnchors();
  const score = (output: (id: string) => string, which: (even: boolean) => boolean = () => true) =>
    scoreExtraction(pages.filter((p) => which(p.even)).map((p) => matchPage(p.truth, output(p.id))));

  it('has 151 pages and seven anchors covering all of them', () => {
    expect(pages).toHaveLength(151);
    expect(anchors.map((a) => a.name)).toEqual(['AutoExtract', 'Diffbot', 'go_trafilatura', 'news_please', 'readability_js', 'rs_trafilatura', 'trafilatura']);
    for (const a of anchors) expect(pages.every((p) => a.output.has(p.id))).toBe(true);
  });

  it.each([
    // Upstream's evaluate.py (Python) over the same 151 pages gives these, to the last digit shown.
    ['AutoExtract', 0.970730281355, 0.982730319916, 0.959019770352],
    ['rs_trafilatura', 0.970428354370, 0.951464949643, 0.990163040862],
    ['readability_js', 0.943722022494, 0.909399174638, 0.980737339220],
  ])('reproduces the upstream metric on the stored %s output', (name, f1, precision, recall) => {
    const anchor = anchors.find((a) => a.name === name)!;
    const s = score((id) => anchor.output.get(id)!);
    expect(s.f1).toBeCloseTo(f1, 11);
    expect(s.precision).toBeCloseTo(precision, 11);
    expect(s.recall).toBeCloseTo(recall, 11);
  });

  // Achieved when this test was written (npm run extraction-score); a drop beyond EPS fails.
  const EPS = 0.002;
  const ACHIEVED = { f1: 0.9823, precision: 0.9789, recall: 0.9858 };
  const ACHIEVED_HELD_OUT_F1 = 0.9773;

  it(`keeps F1 ≥ ${ACHIEVED.f1 - EPS}, precision ≥ ${ACHIEVED.precision - EPS}, recall ≥ ${ACHIEVED.recall - EPS}, ahead of every anchor`, () => {
    const texts = new Map(
      pages.map((p) => {
        try {
          return [p.id, extractPage(p.html, p.url).paragraphs.join('\n')];
        } catch {
          return [p.id, ''];
        }
      }),
    );
    const ours = score((id) => texts.get(id)!);
    expect(ours.f1).toBeGreaterThanOrEqual(ACHIEVED.f1 - EPS);
    expect(ours.precision).toBeGreaterThanOrEqual(ACHIEVED.precision - EPS);
    expect(ours.recall).toBeGreaterThanOrEqual(ACHIEVED.recall - EPS);
    // The floor, whatever was achieved.
    expect(ours.f1).toBeGreaterThanOrEqual(0.975);
    expect(ours.precision).toBeGreaterThanOrEqual(0.97);
    expect(ours.recall).toBeGreaterThanOrEqual(0.975);
    for (const a of anchors) expect(ours.f1, a.name).toBeGreaterThan(score((id) => a.output.get(id)!).f1);
    // The held-out half (odd positions; the rules were developed on the even ones).
    expect(score((id) => texts.get(id)!, (even) => !even).f1).toBeGreaterThanOrEqual(ACHIEVED_HELD_OUT_F1 - EPS);
  }, 120_000);
});
