/**
 * The article-extraction benchmark's metric (github.com/scrapinghub/article-extraction-benchmark,
 * evaluate.py), so the project's extractor is scored exactly as the published extractors were:
 * `\w+` tokens, 4-token shingles counted as multisets, per-page precision and recall averaged
 * over pages, F1 of the two averages, and accuracy = pages whose tokens equal the truth exactly.
 */

/** Python's Unicode `\w`: letters, numbers (all three number categories) and underscore. */
const TOKEN = /[\p{L}\p{N}_]+/gu;
const SHINGLE = 4;

/** One page's shingle counts, normalised as upstream does (only the ratios matter). */
export interface PageMatch {
  tp: number;
  fp: number;
  fn: number;
  /** The token sequences are identical. */
  exact: boolean;
}

export interface ExtractionScore {
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  pages: number;
}

/** Splits text into the benchmark's tokens. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function shingles(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  // Upstream takes one (short) shingle when a text has fewer than four tokens, none when it has none.
  const n = Math.max(1, tokens.length - SHINGLE + 1);
  for (let i = 0; i < n; i++) {
    const window = tokens.slice(i, i + SHINGLE);
    if (window.length === 0) continue;
    // U+0001 cannot occur inside a token, so joined windows are unambiguous keys.
    const key = window.join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Compares one extraction with its ground truth: shingle TP/FP/FN (normalised to sum 1) and exactness. */
export function matchPage(truth: string, extracted: string): PageMatch {
  const t = tokenize(truth);
  const p = tokenize(extracted);
  const ts = shingles(t);
  const ps = shingles(p);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, tc] of ts) {
    const pc = ps.get(key) ?? 0;
    tp += Math.min(tc, pc);
    fn += Math.max(0, tc - pc);
  }
  for (const [key, pc] of ps) fp += Math.max(0, pc - (ts.get(key) ?? 0));
  const sum = tp + fp + fn;
  const exact = t.length === p.length && t.every((tok, i) => tok === p[i]);
  return sum > 0 ? { tp: tp / sum, fp: fp / sum, fn: fn / sum, exact } : { tp: 0, fp: 0, fn: 0, exact };
}

/** Precision of one page as upstream defines it (1 when nothing is wrong, 0 when nothing was extracted right). */
export function pagePrecision(m: PageMatch): number {
  if (m.fp === 0 && m.fn === 0) return 1;
  if (m.tp === 0 && m.fp === 0) return 0;
  return m.tp / (m.tp + m.fp);
}

/** Recall of one page as upstream defines it. */
export function pageRecall(m: PageMatch): number {
  if (m.fp === 0 && m.fn === 0) return 1;
  if (m.tp === 0 && m.fn === 0) return 0;
  return m.tp / (m.tp + m.fn);
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * Scores a set of pages: precision averaged over pages that extracted anything, recall over pages
 * whose truth has any text (upstream's filters), F1 of those two averages, accuracy over all pages.
 */
export function scoreExtraction(matches: PageMatch[]): ExtractionScore {
  const precision = mean(matches.filter((m) => m.tp + m.fp > 0).map(pagePrecision));
  const recall = mean(matches.filter((m) => m.tp + m.fn > 0).map(pageRecall));
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const accuracy = matches.length === 0 ? 0 : matches.filter((m) => m.exact).length / matches.length;
  return { precision, recall, f1, accuracy, pages: matches.length };
}
