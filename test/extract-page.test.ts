import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractPage, type ExtractedPage } from '../src/core/feeds/extract-page.ts';
import { htmlToParagraphs } from '../src/core/feeds/html-text.ts';
import { FeedParseError } from '../src/core/feeds/parse-feed.ts';
import { ParsePool } from '../src/core/feeds/parse-pool.ts';
import { turnsDuring } from './helpers/turns.ts';

const PAGES = path.resolve(import.meta.dirname, '../../shared/corpora/pages/readability');
const PAGE_URL = 'http://fakehost/test/page.html';

interface Metadata {
  title: string;
  byline: string | null;
  excerpt?: string | null;
  siteName: string | null;
  lang?: string | null;
  publishedTime: string | null;
  readerable: boolean;
}

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Word-level LCS length between two texts. Myers' O((N+M)·D) algorithm, so near-identical texts
 * cost linear time however long they are.
 */
function lcs(x: string[], y: string[]): number {
  const n = x.length;
  const m = y.length;
  const max = n + m;
  if (max === 0) return 0;
  const v = new Int32Array(2 * max + 2);
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let i = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let j = i - k;
      while (i < n && j < m && x[i] === y[j]) {
        i++;
        j++;
      }
      v[max + k] = i;
      // d edits (insertions + deletions) separate the texts: LCS = (n + m - d) / 2.
      if (i >= n && j >= m) return (n + m - d) / 2;
    }
  }
  return 0;
}

/** Word-level similarity: LCS over the longer text's length (1 = same words in the same order). */
function similarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (x.length === 0 && y.length === 0) return 1;
  return lcs(x, y) / Math.max(x.length, y.length);
}

/** Share of `part`'s words that appear, in order, in `whole` (1 = `part` adds nothing to `whole`). */
function containment(part: string, whole: string): number {
  const x = words(part);
  return x.length === 0 ? 1 : lcs(x, words(whole)) / x.length;
}

const tidy = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim() || null;

describe('similarity (the yardstick itself)', () => {
  it.each([
    ['the cat sat', 'the cat sat', 1],
    ['the cat sat', 'The, cat — sat!', 1],
    ['the cat sat on the mat', 'the cat sat', 0.5],
    ['a b c d', 'd c b a', 0.25],
    ['', 'anything', 0],
    ['', '', 1],
  ])('%j vs %j → %d', (a, b, score) => {
    expect(similarity(a, b)).toBe(score);
  });
});

describe('Readability extraction of the 42 saved pages (linkedom)', () => {
  const { pages } = JSON.parse(fs.readFileSync(path.join(PAGES, 'index.json'), 'utf8')) as { pages: Array<{ dir: string }> };
  const scores: Array<{ page: string; score: number; cleaned: number; words: number }> = [];
  const NOT_READERABLE = ['005-unescape-html-entities', 'js-link-replacement', 'lazy-image-3', 'mozilla-2', 'remove-aria-hidden'];

  it('has all 42 pages', () => {
    expect(pages).toHaveLength(42);
  });

  it.each(pages.map((p) => p.dir))('%s', (dir) => {
    const source = fs.readFileSync(path.join(PAGES, dir, 'source.html'), 'utf8');
    const meta = JSON.parse(fs.readFileSync(path.join(PAGES, dir, 'expected-metadata.json'), 'utf8')) as Metadata;
    const expectedText = htmlToParagraphs(fs.readFileSync(path.join(PAGES, dir, 'expected.html'), 'utf8')).join('\n');
    const page = extractPage(source, PAGE_URL);
    // Readability's own text (boilerplate rules off) must match upstream's expected output; the
    // article we keep is that text minus boilerplate (captions, prompts, related links, author
    // boxes, which upstream's expected output still has), so it may lose words but not add any.
    const raw = extractPage(source, PAGE_URL, { clean: false });
    const score = similarity(raw.paragraphs.join('\n'), expectedText);
    const cleaned = similarity(page.paragraphs.join('\n'), expectedText);
    scores.push({ page: dir, score, cleaned, words: words(expectedText).length });

    // A page without any title is named by its address.
    expect(page.title).toBe(tidy(meta.title) ?? PAGE_URL);
    expect(page.byline).toBe(tidy(meta.byline));
    expect(page.siteName).toBe(tidy(meta.siteName));
    expect(page.excerpt).toBe(tidy(meta.excerpt));
    expect(page.lang).toBe(meta.lang ?? null);
    expect(page.publishedAt).toBe(meta.publishedTime ? new Date(meta.publishedTime).toISOString() : null);
    expect(page.readerable).toBe(meta.readerable);
    expect(page.readerable).toBe(!NOT_READERABLE.includes(dir));
    expect(score, `${dir} text similarity`).toBeGreaterThanOrEqual(0.95);
    // The one thing cleaning may add: embedded tweets Readability drops with their "social" wrapper
    // (aktualne: a tweet's attribution line, "— West Ham United (@WestHam) October 31, 2021").
    expect(containment(page.paragraphs.join('\n'), expectedText), `${dir} cleaned text within Readability's`).toBeGreaterThanOrEqual(dir === 'aktualne' ? 0.99 : 1);
    expect(cleaned, `${dir} cleaned text similarity`).toBeGreaterThanOrEqual(0.9);
  });

  afterAll(() => {
    // The table the lead reports: every page's score, then the summary.
    const sorted = [...scores].sort((a, b) => a.score - b.score || a.page.localeCompare(b.page));
    const median = sorted[Math.floor(sorted.length / 2)]?.score ?? 0;
    const cleanedSorted = [...scores].sort((a, b) => a.cleaned - b.cleaned);
    const cleanedMedian = cleanedSorted[Math.floor(cleanedSorted.length / 2)]?.cleaned ?? 0;
    const lines = [...scores].sort((a, b) => a.page.localeCompare(b.page)).map((s) => `  ${s.page.padEnd(42)} ${s.score.toFixed(3)}  cleaned ${s.cleaned.toFixed(3)}  (${s.words} words)`);
    console.log(
      [`Readability similarity (word LCS ratio vs expected.html; "cleaned" = after the boilerplate rules), ${scores.length} pages:`, ...lines, `  median ${median.toFixed(3)}, min ${sorted[0]?.score.toFixed(3)} (${sorted[0]?.page}), mean ${(scores.reduce((t, s) => t + s.score, 0) / Math.max(1, scores.length)).toFixed(3)}`, `  cleaned: median ${cleanedMedian.toFixed(3)}, min ${cleanedSorted[0]?.cleaned.toFixed(3)} (${cleanedSorted[0]?.page})`].join('\n'),
    );
  });

  it('scores a median of at least 0.99 over the pages', () => {
    const sorted = scores.map((s) => s.score).sort((a, b) => a - b);
    expect(sorted).toHaveLength(42);
    expect(sorted[21]!).toBeGreaterThanOrEqual(0.99);
  });
});

describe('extractPage on its own', () => {
  it('trims an en- or em-dash site suffix from a <title>-derived title, as newer Readability does', () => {
    const body = `<body><article><p>${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20)}</p><p>${'Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. '.repeat(20)}</p></article></body>`;
    expect(extractPage(`<html><head><title>Rates rise again this spring — The Daily Example</title></head>${body}</html>`, PAGE_URL).title).toBe('Rates rise again this spring');
    // Too few words left: keep the whole title.
    expect(extractPage(`<html><head><title>Rates – The Daily Example</title></head>${body}</html>`, PAGE_URL).title).toBe('Rates – The Daily Example');
  });

  it.each([
    ['an empty document', ''],
    ['plain text', 'just some words, no markup at all'],
    ['an empty page', '<html><head><title>x</title></head><body></body></html>'],
    ['a page of navigation only', '<html><body><nav><a href="/a">A</a> <a href="/b">B</a></nav><script>var x = 1;</script></body></html>'],
  ])('refuses %s: not a feed or article page', (_what, html) => {
    expect(() => extractPage(html, PAGE_URL)).toThrow(new FeedParseError('not a feed or article page'));
  });

  it('never runs page scripts and keeps only text', () => {
    const html = `<html><head><title>Story about scripts on pages today</title><script>globalThis.__ran = true</script></head><body><article><h1>Story</h1><p>${'Real article text that goes on for a while. '.repeat(30)}<img src=x onerror="globalThis.__ran=true"></p><script>document.write('injected')</script></article></body></html>`;
    const page = extractPage(html, PAGE_URL);
    expect((globalThis as { __ran?: boolean }).__ran).toBeUndefined();
    expect(page.paragraphs.join(' ')).not.toMatch(/injected|onerror|globalThis/);
    expect(page.paragraphs[0]).toMatch(/^Real article text that goes on for a while\./);
  });
});

describe('guardian-1 (1.2 MB) through the worker pool', () => {
  it('extracts the same article off the main thread while the main thread keeps running', async () => {
    const bytes = fs.readFileSync(path.join(PAGES, 'guardian-1', 'source.html'));
    expect(bytes.length).toBeGreaterThan(1_000_000);
    const inProcess: ExtractedPage = extractPage(bytes.toString('utf8'), PAGE_URL);
    const pool = new ParsePool({ size: 1, timeoutMs: 20_000 });
    try {
      // Event-loop turns while the worker parses; a parse on this thread would allow none.
      const { turns, result: response } = await turnsDuring(() => pool.parse({ kind: 'auto', bytes, contentType: 'text/html; charset=utf-8', url: PAGE_URL, now: '2030-01-01T00:00:00.000Z' }));
      expect(response.type).toBe('page');
      if (response.type !== 'page') return;
      expect(response.encoding).toBe('utf-8');
      expect(response.page).toEqual(inProcess);
      expect(response.page.title).toBe("'What is the sea telling us?': Māori tribes fearful over whale strandings | Eleanor Ainge Roy");
      expect(response.page.paragraphs.length).toBeGreaterThan(10);
      expect(response.feeds).toEqual([]);
      expect(turns).toBeGreaterThan(10);
    } finally {
      await pool.close();
    }
  });
});
