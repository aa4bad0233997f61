/**
 * Quotation spans: where a paragraph's double quote marks open and close. Knows nothing about
 * speakers; attribution.ts and speakers.ts read the text around these spans.
 */

/** Quotations shorter than this are scare quotes ("rumor", "human trash") or names, not speech. */
export const MIN_WORDS = 4;

export interface QuoteSpan {
  paragraphIndex: number;
  /** Offset of the opening mark in the paragraph (0 for a paragraph that continues a quotation without one). */
  open: number;
  /** Offset of the closing mark, or the paragraph's length when the quotation runs on into the next paragraph. */
  close: number;
  /** The quoted words without the marks (a trailing comma dropped). */
  text: string;
  words: number;
}

function wordCount(s: string): number {
  return s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/**
 * A straight quote opens when it follows the start of the paragraph, a space or an opening
 * bracket or dash (and a word follows), and closes otherwise — so mixed pairs ("A great day…!” and “…like that,")
 * that copy-edited text often has still pair up.
 */
function markKind(p: string, i: number): 'open' | 'close' | 'either' | null {
  const c = p[i];
  if (c === '“' || c === '„') return 'open';
  if (c === '”') return 'close';
  // Two right single quotes stand for a closing double quote in some wire copy (“It was …,’’ Moy told).
  if (c === '’' && p[i + 1] === '’' && i > 0 && !/\s/.test(p[i - 1]!)) return 'close';
  if (c !== '"') return null;
  const prev = p[i - 1];
  const next = p[i + 1];
  if (prev !== undefined && !/[\s([{—–/-]/.test(prev)) return 'close';
  // Spaces on both sides (`ourselves? " she wrote`, `wrote. " The course`): it closes an open quotation, or opens one.
  return next === undefined || /\s/.test(next) ? 'either' : 'open';
}

/** Every double-quoted span of one paragraph, short ones included, in text order. */
export function quoteSpansIn(p: string, paragraphIndex: number): QuoteSpan[] {
  const spans: QuoteSpan[] = [];
  if (!/["“”„]/.test(p)) return spans;
  let open = -1;
  const push = (o: number, c: number) => {
    const text = p.slice(o + 1, c).trim().replace(/,$/, '');
    spans.push({ paragraphIndex, open: o, close: c, text, words: wordCount(text) });
  };
  for (let i = 0; i < p.length; i++) {
    const mark = markKind(p, i);
    const kind = mark === 'either' ? (open === -1 ? 'open' : 'close') : mark;
    if (kind === 'open') open = i;
    else if (kind === 'close' && open !== -1) {
      push(open, i);
      open = -1;
      // The closing ’’ is one mark: the span ends at its second half.
      if (p[i] === '’') spans[spans.length - 1]!.close = ++i;
    } else if (kind === 'close' && p[i] === '’') i++;
  }
  // An opening mark never closed: the speaker goes on into the next paragraph (news style
  // leaves the closing mark off a paragraph that a quoted speech continues after).
  if (open !== -1 && wordCount(p.slice(open + 1)) >= MIN_WORDS) push(open, p.length);
  return spans;
}

/** All quotation spans of an article (short ones included; callers filter on `words`). */
export function findQuoteSpans(body: readonly string[]): QuoteSpan[] {
  const out: QuoteSpan[] = [];
  body.forEach((p, i) => {
    const spans = quoteSpansIn(p, i);
    const last = out[out.length - 1];
    // "…added, “The ISUZU mu-X is …" left open, and the next paragraph goes on without an opening
    // mark up to its closing one ("… All Heart ISUZU mu-X.”"): the speech continues across them.
    if (last && last.paragraphIndex === i - 1 && last.close === body[i - 1]!.length && last.words >= MIN_WORDS) {
      const close = p.search(/[”"]/);
      const firstOpen = p.search(/[“„]|(?:^|[\s([{—–/-])"(?=\S)/);
      if (close > 0 && (firstOpen === -1 || firstOpen > close) && !/\s/.test(p[close - 1]!) && spans.every((s) => s.open > close)) {
        const text = p.slice(0, close).trim().replace(/,$/, '');
        out.push({ paragraphIndex: i, open: 0, close, text, words: wordCount(text) });
      }
    }
    out.push(...spans);
  });
  return out;
}
