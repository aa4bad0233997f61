import { UserError } from '../errors.ts';
import { tokenize } from '../text/tokenize.ts';

export type { TermSpec } from '../excerpt.ts';

export interface ParsedQuery {
  raw: string;
  /** Plain terms, normalised like the index, deduplicated, in order. */
  terms: string[];
  /** Quoted phrases as normalised term lists. */
  phrases: string[][];
  /** -word exclusions. */
  excluded: string[];
  /** Words typed with a trailing `*`, matched as prefixes everywhere (also in the archive). */
  prefixes?: string[];
  /**
   * Terms matched only as typed while anything matches them so: a capitalised word (a name:
   * Obama must not find Osama) or a short word (≤ 4 letters: bold must not find told). The
   * search drops this list, and says so, only when nothing matches with it.
   */
  strict?: string[];
}

/** Words of up to this length are never widened by prefix or typo matching while they match as typed. */
const SHORT_WORD = 4;

/** Discord allows 6,000 characters in an option; a search is words, not documents. */
export const QUERY_MAX_CHARS = 300;

/** Words too common to rank by, dropped from plain terms when other terms remain. */
export const STOP_WORDS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'of', 'to', 'in', 'on', 'and', 'or', 'for', 'is', 'are', 'was', 'were', 'by', 'at', 'with', 'from', 'as', 'that', 'this', 'it', 'be']);

/**
 * Parses what a reporter typed: `"quoted phrases"` (straight or curly quotes) match as phrases,
 * `-word` excludes (`-"a phrase"` is refused: excluding phrases is not supported), everything else is a term. An unclosed quote makes the rest a phrase.
 */
export function parseQuery(raw: string): ParsedQuery {
  const text = raw.normalize('NFC').trim();
  if (text.length > QUERY_MAX_CHARS) {
    throw new UserError(`Your search is ${text.length} characters long; the limit is ${QUERY_MAX_CHARS}. Use the most distinctive words.`);
  }
  const phrases: string[][] = [];
  const excluded: string[] = [];
  const plain: string[] = [];
  const prefixes: string[] = [];
  const strict: string[] = [];
  // Alternatives in order: an excluded phrase (-"…"), a phrase, an excluded word, a word.
  const re = /(?:^|\s)-[“"](?<notPhrase>[^”"]*)(?:[”"]|$)|[“"](?<phrase>[^”"]*)(?:[”"]|$)|(?:^|\s)-(?<not>[^\s“"]+)|(?<word>[^\s“"]+)/g;
  for (const m of text.matchAll(re)) {
    const g = m.groups ?? {};
    if (g.notPhrase !== undefined) {
      const words = tokenize(g.notPhrase);
      if (words.length > 1) {
        // Excluding a phrase would need every document's text; dropping the quotes would silently
        // search for it instead, so say what works.
        throw new UserError(`Excluding a phrase (-"${words.join(' ')}") is not supported; exclude single words instead, e.g. \`-${words[words.length - 1]}\`.`);
      }
      excluded.push(...words);
    } else if (g.phrase !== undefined) {
      const words = tokenize(g.phrase);
      if (words.length > 1) phrases.push(words);
      else plain.push(...words);
    } else if (g.not !== undefined) {
      excluded.push(...tokenize(g.not));
    } else if (g.word !== undefined) {
      const words = tokenize(g.word);
      // "secur*": the last word is a prefix; a bare "*" adds nothing.
      if (g.word.endsWith('*') && words.length > 0) prefixes.push(words.pop()!);
      plain.push(...words);
      const name = /^\p{Lu}/u.test(g.word);
      for (const w of words) if (name || [...w].length <= SHORT_WORD) strict.push(w);
    }
  }
  let terms = [...new Set(plain)];
  const meaningful = terms.filter((t) => !STOP_WORDS.has(t));
  if (meaningful.length > 0 || phrases.length > 0 || prefixes.length > 0) terms = meaningful;
  if (terms.length === 0 && phrases.length === 0 && prefixes.length === 0) {
    throw new UserError(
      excluded.length
        ? 'Your search only excludes words; add at least one word to look for, e.g. `troops -russia`.'
        : 'Your search has no words to look for — try e.g. `troops` or `"human trash"`.',
    );
  }
  const strictTerms = [...new Set(strict)].filter((t) => terms.includes(t));
  return {
    raw: text,
    terms,
    phrases,
    excluded: [...new Set(excluded)],
    ...(prefixes.length ? { prefixes: [...new Set(prefixes)] } : {}),
    ...(strictTerms.length ? { strict: strictTerms } : {}),
  };
}

/** True when a query has nothing but the commonest words: it would match nearly everything. */
export function onlyCommonWords(q: ParsedQuery): boolean {
  const words = [...q.terms, ...q.phrases.flat()];
  return words.length > 0 && !q.prefixes?.length && words.every((w) => STOP_WORDS.has(w));
}
