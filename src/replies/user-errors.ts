import type { UserError, UserErrorValues } from '../core/errors.ts';

/**
 * The words a user reads for a core `UserError`, chosen here at the edge. Core states the problem
 * neutrally (it serves the console, Discord and a future web page alike); an entry here adds what only
 * this interface knows — which slash command or option fixes it. Ids without an entry show the core
 * message unchanged.
 */
type Wording = (values: UserErrorValues, message: string) => string;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

export const USER_ERROR_WORDING: Readonly<Record<string, Wording>> = {
  'alert.nothing-asked': () => 'Give a `query`, a `source`, or both: with only a source, every new item of it is posted.',
  'alert.delivery-options': () => 'Filters, templates and the outlet identity belong to a delivery: add `source:` to follow a source.',
  'alert.not-found': (_v, m) => `${m} /alert list shows them.`,
  'alert.too-broad': (_v, m) => m.replace(/follow a source instead\.$/, 'follow a source with `/alert add source:` (moderators).'),
  'filters.min-words': (v) => `min_words: must be a whole number from 0 to 10000 (got ${str(v.minWords)}).`,
  'digest.max-items': (v) => `max_items must be a whole number from 1 to ${str(v.maxItemsLimit)} (got ${str(v.maxItems)}).`,
  'digest.not-found': (_v, m) => `${m} /digest list shows them.`,
  'story.not-found': (_v, m) => `${m} /search shows story buttons on results reported by several outlets.`,
  'source.unknown-filter': (_v, m) => `${m} Start typing in the source option to pick one.`,
  'source.not-found': (v, m) => ('wanted' in v ? `${m} /source list shows them.` : m),
  'quote.nothing-asked': () => 'Give words the quotation should contain (query), a speaker, or both.',
  'article.not-found': (_v, m) => `${m} Use /search to find one, or type a title into /article for suggestions.`,
  'trend.too-many-buckets': (v) =>
    `That chart would have over ${str(v.max)} ${str(v.interval)}s; use ${v.interval === 'day' ? '`interval:week` or `interval:month`' : '`interval:month`'}, or a shorter since/until range.`,
};

/** The reply text for a user error, in this interface's words. */
export function userErrorText(err: UserError): string {
  const wording = USER_ERROR_WORDING[err.id];
  return wording ? wording(err.values, err.message) : err.message;
}
