import { tokenize } from '../text/tokenize.ts';

/** A phrase word the raw-text check can look for (letters a–z only). */
const PLAIN_WORD = /^[a-z]+$/;
/** Text where the raw-text check may miss a phrase the tokenizer finds (possessives, diacritics). */
const TOKEN_SUBTLETIES = /['’\u0080-\uffff]/;
const regexes = new Map<string, RegExp>();

/**
 * The phrase's words adjacent as tokens in lower-cased raw text: separated only by characters no
 * token holds. The first word comes first in the pattern and its left edge is checked behind it,
 * so the engine scans for a literal (faster on article text than a leading look-behind with the
 * case-insensitive flag; docs/performance.md).
 */
function phraseRegex(words: readonly string[]): RegExp {
  const key = words.join(' ');
  let re = regexes.get(key);
  if (!re) {
    if (regexes.size > 500) regexes.clear();
    const L = '\\p{L}\\p{N}\\p{M}';
    re = new RegExp(`${words[0]}(?<![${L}'’]${words[0]})${words.slice(1).map((w) => `[^${L}]+${w}`).join('')}(?![${L}]|['’][${L}])`, 'u');
    regexes.set(key, re);
  }
  return re;
}

function containsRun(tokens: readonly string[], run: readonly string[]): boolean {
  outer: for (let i = 0; i + run.length <= tokens.length; i++) {
    for (let k = 0; k < run.length; k++) if (tokens[i + k] !== run[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * True when an article's title and body hold every phrase (normalised terms) as consecutive
 * tokens. Tokenising a whole article costs about a millisecond and searches check up to hundreds
 * of candidates, so phrases of plain words are first looked for in the raw text; a miss there is
 * only final in text without apostrophes or non-ASCII letters, else the tokenizer decides.
 */
export function phrasesInText(title: string, body: readonly string[], phrases: readonly (readonly string[])[]): boolean {
  if (phrases.length === 0) return true;
  const raw = `${title}\n${body.join('\n')}`;
  if (phrases.every((p) => p.every((w) => PLAIN_WORD.test(w)))) {
    const lower = raw.toLowerCase();
    if (phrases.every((p) => phraseRegex(p).test(lower))) return true;
    if (!TOKEN_SUBTLETIES.test(raw)) return false;
  }
  const tokens = tokenize(raw);
  return phrases.every((p) => containsRun(tokens, p));
}

const counters = new Map<string, RegExp>();

/**
 * About how often `word` (a normalised term) occurs as a token in `text`, for ranking: plain words
 * are counted in the lower-cased raw text (a possessive "Kim’s" is not counted as "kim", which
 * the tokenizer would), other words by the tokenizer.
 */
export function countWord(text: string, word: string): number {
  if (!PLAIN_WORD.test(word)) {
    let n = 0;
    for (const t of tokenize(text)) if (t === word) n++;
    return n;
  }
  let re = counters.get(word);
  if (!re) {
    if (counters.size > 500) counters.clear();
    const L = '\\p{L}\\p{N}\\p{M}';
    re = new RegExp(`${word}(?<![${L}'’]${word})(?![${L}]|['’][${L}])`, 'gu');
    counters.set(word, re);
  }
  re.lastIndex = 0;
  let n = 0;
  const lower = text.toLowerCase();
  while (re.exec(lower)) n++;
  return n;
}

/** True when `text` holds `word` (a normalised term) as a token, decided as {@link phrasesInText} decides. */
export function hasWord(text: string, word: string): boolean {
  return phrasesInText('', [text], [[word]]);
}
