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
/**
 * Letters a wildcard needs before its `*`: `a*` stands for every word starting with "a", which
 * both tiers would have to expand and score (see docs/security.md for what that cost). Three is
 * also where the hot tier starts matching typed words as prefixes.
 */
export const MIN_WILDCARD_CHARS = 3;
/** Wildcards one search may hold. */
export const MAX_WILDCARDS = 4;
/** Words one search may look for: plain words, the words of its phrases and its wildcards. */
export const MAX_QUERY_WORDS = 24;

/** Words too common to rank by, dropped from plain terms when other terms remain. */
export const STOP_WORDS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'of', 'to', 'in', 'on', 'and', 'or', 'for', 'is', 'are', 'was', 'were', 'by', 'at', 'with', 'from', 'as', 'that', 'this', 'it', 'be']);

/**
 * Parses what a reporter typed: `"quoted phrases"` (straight or curly quotes) match as phrases,
 * `-word` excludes (`-"a phrase"` is refused: excluding phrases is not supported), everything else is a term. An unclosed quote makes the rest a phrase.
 */
export function parseQuery(raw: string): ParsedQuery {
  const text = raw.normalize('NFC').trim();
  if (text.length > QUERY_MAX_CHARS) {
    throw new UserError(`Your search is ${text.length} characters long; the limit is ${QUERY_MAX_CHARS}. Use the most distinctive words.`, { id: 'query.too-long', values: { textLength: text.length, queryMaxChars: QUERY_MAX_CHARS } });
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
        throw new UserError(`Excluding a phrase (-"${words.join(' ')}") is not supported; exclude single words instead, e.g. \`-${words[words.length - 1]}\`.`, { id: 'query.excluded-phrase' });
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
      // "secur*": the last word is a prefix; a bare "*" adds nothing, and neither does markdown
      // such as "**bold**" (the star must follow the word's last letter).
      if (/[\p{L}\p{N}\p{M}]\*$/u.test(g.word) && words.length > 0) {
        const prefix = words.pop()!;
        if ([...prefix].length < MIN_WILDCARD_CHARS) {
          throw new UserError(`The wildcard \`${prefix}*\` is too short: type at least ${MIN_WILDCARD_CHARS} letters before the *, e.g. \`secur*\`.`, { id: 'query.wildcard-too-short', values: { prefix, minWildcardChars: MIN_WILDCARD_CHARS } });
        }
        prefixes.push(prefix);
      }
      plain.push(...words);
      const name = /^\p{Lu}/u.test(g.word);
      for (const w of words) if (name || [...w].length <= SHORT_WORD) strict.push(w);
    }
  }
  const wildcards = new Set(prefixes);
  if (wildcards.size > MAX_WILDCARDS) {
    throw new UserError(`Your search has ${wildcards.size} wildcards; the limit is ${MAX_WILDCARDS}. Keep the ones that matter, e.g. \`${[...wildcards].slice(0, 2).map((p) => `${p}*`).join(' ')}\`.`, { id: 'query.too-many-wildcards', values: { wildcards: wildcards.size, max: MAX_WILDCARDS } });
  }
  let terms = [...new Set(plain)];
  const meaningful = terms.filter((t) => !STOP_WORDS.has(t));
  if (meaningful.length > 0 || phrases.length > 0 || prefixes.length > 0) terms = meaningful;
  const words = terms.length + phrases.reduce((n, p) => n + p.length, 0) + wildcards.size;
  if (words > MAX_QUERY_WORDS) {
    throw new UserError(`Your search has ${words} words to look for; the limit is ${MAX_QUERY_WORDS}. Use the most distinctive ones.`, { id: 'query.too-many-words', values: { words, maxQueryWords: MAX_QUERY_WORDS } });
  }
  if (terms.length === 0 && phrases.length === 0 && prefixes.length === 0) {
    throw new UserError(
      excluded.length
        ? 'Your search only excludes words; add at least one word to look for, e.g. `troops -russia`.'
        : 'Your search has no words to look for — try e.g. `troops` or `"human trash"`.',
      { id: 'query.no-words' },
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
