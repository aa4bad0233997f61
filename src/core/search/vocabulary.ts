import type { TermExpansion } from './types.ts';
import type { FieldPostings, Vocabulary } from './fast-minisearch.ts';

/** A term's document frequency (its largest field's) and posting entries over all fields. */
function dfOf(p: FieldPostings | undefined): { df: number; postings: number } {
  let df = 0;
  let postings = 0;
  if (p) for (const docs of p.values()) {
    postings += docs.size;
    if (docs.size > df) df = docs.size;
  }
  return { df, postings };
}

/**
 * How a query term expands in a vocabulary: its document frequency, prefix completions (when
 * `prefix`) and typo corrections (MiniSearch's `fuzzy` fraction of its length), as MiniSearch
 * would match them, and the postings scoring them would touch (typo forms only counted when
 * corrections are computed: always, or only for a word the vocabulary does not know).
 */
export function expandTerm(vocab: Vocabulary, term: string, forms: { prefix: boolean; fuzzy: number | false; corrections: 'always' | 'if-unknown' }): TermExpansion {
  const exact = dfOf(vocab.get(term));
  let postings = exact.postings;
  const completions: Array<[string, number]> = [];
  const corrections: Array<[string, number]> = [];
  if (forms.prefix) {
    for (const [form, p] of vocab.atPrefix(term)) {
      if (form === term) continue;
      const c = dfOf(p);
      postings += c.postings;
      completions.push([form, c.df]);
    }
  }
  const fuzz = forms.fuzzy;
  // A fuzzy walk of the vocabulary with up to 3 edits is slow for long words (docs/performance.md):
  // only done when the caller needs corrections for a word the index does not know.
  if (fuzz && (forms.corrections !== 'if-unknown' || (exact.df === 0 && completions.length === 0))) {
    const maxEdits = Math.min(3, Math.round(term.length * fuzz));
    if (maxEdits > 0) {
      for (const [form, [p, distance]] of vocab.fuzzyGet(term, maxEdits)) {
        if (distance === 0 || form.startsWith(term)) continue;
        const c = dfOf(p);
        postings += c.postings;
        corrections.push([form, c.df / (1 + distance * 10)]);
      }
    }
  }
  completions.sort((a, b) => b[1] - a[1]);
  corrections.sort((a, b) => b[1] - a[1]);
  return { df: exact.df, completions, corrections, postings };
}
