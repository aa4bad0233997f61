/** The search tiers' shared shapes: filters, hits and pages, and what a term expands to. */
import type { TermSpec } from '../excerpt.ts';

export interface SearchFilters {
  /** Tenancy: only articles whose sourceId is in this set are visible (undefined = all). */
  visibleSources?: ReadonlySet<string>;
  /** A source id, or an outlet name (case-insensitive). */
  source?: string;
  /** Inclusive. */
  since?: Date;
  /** Inclusive. */
  until?: Date;
}

export interface SearchHit {
  id: string;
  score: number;
  /** In the first group: every term and phrase present. */
  allTerms: boolean;
  terms: TermSpec[];
  /** Related words (query expansion) matched where the typed word was not: they decided the result. */
  alsoMatched?: string[];
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  /** True when `total` is an estimate (phrase matches verified on a sample of a large candidate set). */
  approximate?: boolean;
  /** The search's time budget ran out before the archive tier answered: these hits are what was found by then. */
  stopped?: boolean;
}

/** A ranked match of one tier, before paging: scores comparable across tiers (see `rank`). */
export interface TierHit {
  id: string;
  score: number;
  terms: TermSpec[];
  /** Some term matched only by a prefix or typo form (ranked below exact matches). */
  inexact?: boolean;
}

/** Forms of a query term in the index vocabulary and what matching them would cost. */
export interface TermExpansion {
  /** Document frequency of the exact term (0 when absent). */
  df: number;
  /** Prefix completions and typo corrections, most useful first: [form, df]. */
  completions: Array<[string, number]>;
  corrections: Array<[string, number]>;
  /** Posting entries MiniSearch would score for this term with its prefix and fuzzy forms. */
  postings: number;
}
