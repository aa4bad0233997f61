import type { Article } from '../article.ts';
import { markText, type TermSpec } from '../excerpt.ts';
import { CONFIDENT, scoreAttributions } from './confidence.ts';
import { findQuoteSpans, MIN_WORDS } from './find.ts';
import { resolveSpeakers } from './speakers.ts';

export interface Quotation {
  /** The quoted words without the surrounding quote marks. */
  text: string;
  /** The attribution clause as the text gives it ("a source in North Hamgyong Province told Daily NK recently", "he said"); null when none. */
  attribution: string | null;
  /**
   * Who said it, resolved ("a university student in Ryanggang province", "Kim Yo Jong"); null when
   * the text does not say, or when the resolver is not sure enough to name anyone (`confidence`
   * below CONFIDENT) — a wrong name is worse than none.
   */
  speaker: string | null;
  /**
   * How sure the resolver is of its best candidate, 0–1 (0 when it found no one); see
   * quotes/confidence.ts. findQuotations always sets it (optional only so that quotations built
   * elsewhere by hand still type-check).
   */
  confidence?: number;
  /** The resolver's best candidate whether sure or not (the `speaker` when sure); null when it found no one. Always set by findQuotations. */
  candidate?: string | null;
  /** The outlet the speaker talked to ("RFA Korean" from "told RFA Korean"), when given. */
  told: string | null;
  paragraphIndex: number;
}

/**
 * Direct quotations in an article (text inside “ ” or " " of at least four words), each with the
 * attribution clause beside it and the speaker resolved from it: pronouns, "the source" and
 * surnames followed back to where the speaker was introduced, and quotations without a clause
 * given to the speaker of the moment — named only when the resolver's confidence reaches CONFIDENT.
 */
export function findQuotations(article: Pick<Article, 'body'>): Quotation[] {
  const spans = findQuoteSpans(article.body);
  const attributions = resolveSpeakers(article.body, spans);
  const confidence = scoreAttributions(article.body, spans, attributions);
  const out: Quotation[] = [];
  spans.forEach((span, i) => {
    if (span.words < MIN_WORDS) return;
    const a = attributions[i]!;
    // Rounded before the comparison, so the score shown and the decision agree.
    const score = Math.round(confidence[i]! * 1000) / 1000;
    const sure = score >= CONFIDENT;
    out.push({
      text: span.text,
      attribution: a.clause?.raw ?? null,
      speaker: sure ? (a.speaker?.name ?? null) : null,
      confidence: score,
      candidate: a.speaker?.name ?? null,
      told: a.speaker?.told ?? null,
      paragraphIndex: span.paragraphIndex,
    });
  });
  return out;
}

/** Quotations containing the query's terms, with the terms marked; best-covering first. */
export function matchQuotations(article: Pick<Article, 'body'>, terms: TermSpec[]): Array<Quotation & { covered: number; marked: string }> {
  const matched = findQuotations(article).map((q) => {
    const m = markText(q.text, terms);
    return { ...q, covered: m.covered, marked: m.text };
  });
  return matched.filter((q) => q.covered > 0).sort((a, b) => b.covered - a.covered || a.paragraphIndex - b.paragraphIndex);
}
