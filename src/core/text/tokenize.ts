/**
 * The one tokenizer shared by the search index, the excerpt builder and the quote finder, so a
 * term the index matched is always found again when marking the text.
 *
 * Words are runs of letters/digits (any script) with inner apostrophes (hyphens split, so "Yo-Jong" matches "Yo Jong"); numbers keep
 * their thousands separators together ("10,000" → "10000") so "Pentagon 10,000 troops" matches.
 */

export interface Token {
  /** Normalised form: lower case, no diacritics, no possessive ’s. */
  term: string;
  /** Offsets into the original string (UTF-16 code units), end exclusive. */
  start: number;
  end: number;
}

// A number with grouping separators, or a word with inner apostrophes/hyphens.
const TOKEN_RE =
  /\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{N}\p{M}]+(?:['’\u2019][\p{L}\p{N}\p{M}]+)*/gu;

const POSSESSIVE_RE = /['’]s$/;
const DIACRITICS_RE = /\p{M}+/gu;
const NUMBER_RE = /^\p{N}+(?:[.,]\p{N}+)*$/u;

/** Normalises one word the way the index stores it. Returns '' for nothing searchable. */
const ASCII_WORD_RE = /^[A-Za-z]+$/;

export function normalizeTerm(word: string): string {
  // Most words are plain ASCII letters: nothing to decompose, strip or regroup.
  if (ASCII_WORD_RE.test(word)) return word.toLowerCase();
  // Decompose to drop accents, then recompose so Hangul and other composed scripts stay whole.
  let t = word.normalize('NFKD').replace(DIACRITICS_RE, '').normalize('NFC').toLowerCase();
  if (NUMBER_RE.test(t)) {
    // "10,000" and "10000" are the same number; a decimal point followed by 1–2 digits is kept.
    return /[.,]\d{1,2}$/.test(t) ? t.replace(/,/g, '') : t.replace(/[.,]/g, '');
  }
  t = t.replace(POSSESSIVE_RE, '').replace(/[’\u2019]/g, "'");
  return t;
}

/** Splits text into normalised tokens with their offsets in the original string. */
export function tokenizeWithOffsets(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const term = normalizeTerm(m[0]);
    if (term) out.push({ term, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * The last texts tokenised, newest last: an article is tokenised for the archive index (inside
 * the store's transaction) and right after for the in-memory index; the second pass is a lookup.
 */
const recent = new Map<string, string[]>();
const RECENT_MAX = 128;
/** Texts shorter than this are cheaper to tokenise again than to remember. */
const CACHE_MIN_CHARS = 256;

/** Splits text into normalised terms (the MiniSearch `tokenize` + `processTerm` in one). */
export function tokenize(text: string): string[] {
  if (text.length < CACHE_MIN_CHARS) return tokenizeUncached(text);
  const hit = recent.get(text);
  if (hit) return hit.slice();
  const terms = tokenizeUncached(text);
  recent.set(text, terms.slice());
  if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value!);
  return terms;
}

function tokenizeUncached(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const term = normalizeTerm(m[0]);
    if (term) out.push(term);
  }
  return out;
}
