import type { Article } from '../article.ts';
import { UserError } from '../errors.ts';
import { stripSurroundingQuotes } from '../text/unquote.ts';

/** Which items of a source a delivery posts; everything else is skipped (and counted). */
export interface DeliveryFilters {
  /** At least one of these words or phrases must appear (empty: no requirement). */
  include: string[];
  /** None of these may appear. */
  exclude: string[];
  /** Where include/exclude look: the title only, or the title and the text. */
  scope: 'title' | 'text';
  /** Minimum words in title + text (0: any length). */
  minWords: number;
  /** Only items that carry a byline. */
  bylineRequired: boolean;
}

export const NO_FILTERS: DeliveryFilters = { include: [], exclude: [], scope: 'title', minWords: 0, bylineRequired: false };

const MAX_TERMS = 20;
const MAX_TERM_LENGTH = 60;

/** "missile, launch pad" → ["missile", "launch pad"]; each term named in the error when it is unusable. */
function terms(option: string, raw: string | undefined): string[] {
  if (!raw?.trim()) return [];
  // Each item may be quoted on its own (`"sport", "weather"`); the quotes are not part of the word.
  const list = [...new Set(raw.split(',').map((t) => stripSurroundingQuotes(t.normalize('NFKC').replace(/\s+/g, ' ').trim()).toLowerCase()).filter(Boolean))];
  if (list.length > MAX_TERMS) throw new UserError(`${option}: at most ${MAX_TERMS} words or phrases (got ${list.length}).`, { id: 'filters.too-many-terms', values: { option, maxTerms: MAX_TERMS, listLength: list.length } });
  const long = list.find((t) => t.length > MAX_TERM_LENGTH);
  if (long) throw new UserError(`${option}: "${long.slice(0, 80)}" is longer than ${MAX_TERM_LENGTH} characters.`, { id: 'filters.term-too-long', values: { option, maxTermLength: MAX_TERM_LENGTH } });
  return list;
}

/** Builds filters from command options, with a clear error for anything unusable. */
export function parseFilters(o: { include?: string; exclude?: string; matchText?: boolean; minWords?: number; bylineRequired?: boolean }): DeliveryFilters {
  const include = terms('include', o.include);
  const exclude = terms('exclude', o.exclude);
  const both = include.find((t) => exclude.includes(t));
  if (both) throw new UserError(`"${both}" is both included and excluded; keep it in one of the two.`, { id: 'filters.included-and-excluded', values: { both } });
  const minWords = o.minWords ?? 0;
  if (!Number.isInteger(minWords) || minWords < 0 || minWords > 10_000) throw new UserError(`the minimum number of words must be a whole number from 0 to 10000 (got ${minWords}).`, { id: 'filters.min-words', values: { minWords } });
  return { include, exclude, scope: o.matchText ? 'text' : 'title', minWords, bylineRequired: o.bylineRequired ?? false };
}

/** Filters as stored (JSON); unknown or missing fields take their defaults. */
export function readFilters(json: string): DeliveryFilters {
  try {
    const v = JSON.parse(json) as Partial<DeliveryFilters>;
    return { ...NO_FILTERS, ...v };
  } catch {
    return NO_FILTERS;
  }
}

/** One line describing the filters, e.g. `include "missile", "launch" in title · no "sport" · ≥ 80 words · byline`. */
export function describeFilters(f: DeliveryFilters): string {
  const where = f.scope === 'text' ? 'title or text' : 'title';
  const parts: string[] = [];
  if (f.include.length) parts.push(`any of ${f.include.map((t) => `"${t}"`).join(', ')} in ${where}`);
  if (f.exclude.length) parts.push(`none of ${f.exclude.map((t) => `"${t}"`).join(', ')} in ${where}`);
  if (f.minWords) parts.push(`at least ${f.minWords} words`);
  if (f.bylineRequired) parts.push('with a byline');
  return parts.join(' · ') || 'no filters';
}

function termPattern(term: string): RegExp {
  const body = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
  // Whole words: "war" does not match "warning", but "u.s." and phrases work.
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu');
}

function wordCount(a: Article): number {
  return `${a.title} ${a.body.join(' ')}`.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

export type Verdict = { pass: true } | { pass: false; reason: string };

/** Whether an item passes a delivery's filters, and if not, the first reason it fails. */
export function filterVerdict(a: Article, f: DeliveryFilters): Verdict {
  const haystack = (f.scope === 'text' ? `${a.title}\n${a.body.join('\n')}` : a.title).normalize('NFKC');
  const where = f.scope === 'text' ? 'title or text' : 'title';
  if (f.include.length && !f.include.some((t) => termPattern(t).test(haystack))) {
    return { pass: false, reason: `none of ${f.include.map((t) => `"${t}"`).join(', ')} in ${where}` };
  }
  const excluded = f.exclude.find((t) => termPattern(t).test(haystack));
  if (excluded) return { pass: false, reason: `"${excluded}" in ${where}` };
  if (f.minWords) {
    const n = wordCount(a);
    if (n < f.minWords) return { pass: false, reason: `${n} words, fewer than ${f.minWords}` };
  }
  if (f.bylineRequired && !a.byline?.trim()) return { pass: false, reason: 'no byline' };
  return { pass: true };
}
