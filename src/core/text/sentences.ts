/**
 * Sentence boundaries for excerpts and quotes. Linear-time scan (this runs on every search
 * result): a sentence ends at . ! ? or … (plus any closing quotes or brackets) followed by
 * whitespace and something that can start a sentence — except after abbreviations ("U.S.",
 * "St.", "Mr.", "Feb.") and single initials.
 */

export interface Span {
  start: number;
  end: number;
}

const ABBREVIATIONS = new Set(
  [
    'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'mt', 'ft', 'gen', 'col', 'lt', 'sgt', 'capt', 'cmdr', 'adm', 'maj', 'gov', 'sen', 'rep', 'pres',
    'jr', 'sr', 'inc', 'co', 'corp', 'ltd', 'no', 'nos', 'vs', 'etc', 'e.g', 'i.e', 'a.m', 'p.m', 'approx', 'est', 'dept', 'univ', 'ave', 'blvd', 'rd',
    'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'u.s', 'u.k', 'u.n', 'u.s.a', 'e.u', 'd.c', 'p.o', 'vol', 'pp', 'fig',
  ],
);

const CLOSERS = new Set(['”', '’', '"', "'", ')', ']', '»']);
const OPENERS = new Set(['“', '‘', '"', "'", '(', '[', '«']);

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\u00a0' || c === '\r';
}

function canStartSentence(c: string | undefined): boolean {
  if (c === undefined) return true;
  if (OPENERS.has(c)) return true;
  return /[\p{Lu}\p{N}\p{Lo}]/u.test(c);
}

/** The word (letters and inner dots) that ends right before index `dot`. */
function wordBefore(text: string, dot: number): string {
  let i = dot - 1;
  while (i >= 0 && /[\p{L}\p{N}.]/u.test(text[i]!)) i--;
  return text.slice(i + 1, dot);
}

/** Splits a paragraph into sentence spans (offsets into it), whitespace trimmed. */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const n = text.length;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && isSpace(text[s])) s++;
    while (e > s && isSpace(text[e - 1])) e--;
    if (e > s) spans.push({ start: s, end: e });
  };
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (c !== '.' && c !== '!' && c !== '?' && c !== '…') continue;
    let j = i + 1;
    // "..." and "?!" runs end together.
    while (j < n && (text[j] === '.' || text[j] === '!' || text[j] === '?' || text[j] === '…')) j++;
    while (j < n && CLOSERS.has(text[j]!)) j++;
    if (j < n && !isSpace(text[j])) continue;
    let k = j;
    while (k < n && isSpace(text[k])) k++;
    if (k < n && !canStartSentence(text[k])) continue;
    if (c === '.' && j === i + 1) {
      const word = wordBefore(text, i);
      const lower = word.toLowerCase();
      // Abbreviations and initials ("Kim J. Un", "U.S.") do not end a sentence…
      if (ABBREVIATIONS.has(lower) || /^\p{Lu}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word)) {
        // …unless nothing follows.
        if (k < n) continue;
      }
    }
    push(j);
    start = j;
    i = j - 1;
  }
  push(n);
  return spans;
}
