import type { Article } from './article.ts';
import { markText, type TermSpec } from './excerpt.ts';

export interface Quotation {
  /** The quoted words without the surrounding quote marks. */
  text: string;
  /** The attribution as the text gives it ("a source in North Hamgyong Province told Daily NK", "he said"); null when none. */
  attribution: string | null;
  paragraphIndex: number;
}

/** Quotations shorter than this are scare quotes ("rumor", "human trash"), not speech. */
const MIN_WORDS = 4;

const SPEECH_VERBS = [
  'said', 'says', 'say', 'told', 'tells', 'tell', 'added', 'adds', 'revealed', 'reveals', 'stated', 'states', 'noted', 'notes',
  'explained', 'explains', 'asked', 'asks', 'warned', 'warns', 'wrote', 'writes', 'declared', 'announced', 'claimed',
  'insisted', 'recalled', 'replied', 'argued', 'emphasized', 'stressed', 'confirmed', 'reported', 'labels', 'labeled',
  'called', 'described', 'instructed', 'directed', 'ordered', 'urged',
];
const VERB_RE = new RegExp(`\\b(${SPEECH_VERBS.join('|')})\\b`, 'i');
const TOLD_RE = /\b(told|tells|tell)\s+((?:[A-Z][\w’'.-]*|of|the)(?:\s+(?:[A-Z][\w’'.-]*))*)/;
const ACCORDING_RE = /\baccording to ([^,.;“”"]+)/i;

interface Span {
  open: number;
  close: number;
}

/** Opening/closing quote pairs in a paragraph: curly pairs, then straight quotes in twos. */
function quoteSpans(p: string): Span[] {
  const spans: Span[] = [];
  let open = -1;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '“') open = i;
    else if (c === '”' && open !== -1) {
      spans.push({ open, close: i });
      open = -1;
    }
  }
  let straight = -1;
  for (let i = 0; i < p.length; i++) {
    if (p[i] !== '"') continue;
    if (straight === -1) straight = i;
    else {
      spans.push({ open: straight, close: i });
      straight = -1;
    }
  }
  return spans.sort((a, b) => a.open - b.open);
}

function wordCount(s: string): number {
  return s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Trims a speech clause to "subject verb" or "subject told Object". */
function trimClause(clause: string): string | null {
  const c = clause.replace(/\s+/g, ' ').trim();
  const verb = VERB_RE.exec(c);
  const according = ACCORDING_RE.exec(c);
  if (!verb && according) return `according to ${according[1]!.trim()}`;
  if (!verb) return null;
  const told = TOLD_RE.exec(c);
  if (told && told.index === verb.index) {
    // "told Daily NK recently" → "told Daily NK": the object is the run of capitalised words.
    return `${c.slice(0, told.index)}${told[1]} ${told[2]!.replace(/\s+(of|the)$/, '')}`.trim();
  }
  const subject = c.slice(0, verb.index).trim();
  if (!subject || wordCount(subject) > 12) return null;
  return `${subject} ${verb[1]}`.replace(/^(and|but|so)\s+/i, '');
}

/** The speech clause right after a closing quote, up to the end of its clause. */
function attributionAfter(p: string, close: number): string | null {
  const rest = p.slice(close + 1);
  // “…,” the source said. / “…” he added, … / — the student told RFA.
  const m = /^\s*[—–-]?\s*([^“"]*?)(?:[.,;:!?]|\s[—–]\s|$)/.exec(rest);
  if (!m) return null;
  const clause = m[1]!.trim();
  if (!clause || wordCount(clause) > 14 || !/^[\p{Ll}A-Z]/u.test(clause)) return null;
  // The clause must START the speech, not be a new sentence about something else.
  const startsSentence = /^[\s]*[A-Z]/.test(rest) && /[.!?]$/.test(p.slice(0, close).trim().replace(/[”"]$/, ''));
  if (startsSentence && !/^(he|she|they|it|i|we)\b/i.test(clause) && !VERB_RE.test(clause.split(/\s+/).slice(0, 6).join(' '))) return null;
  return trimClause(clause);
}

/** The speech clause leading into an opening quote within the same sentence. */
function attributionBefore(p: string, open: number): string | null {
  const before = p.slice(0, open);
  const sentenceStart = Math.max(before.lastIndexOf('. '), before.lastIndexOf('.” '), before.lastIndexOf('? '), before.lastIndexOf('! '));
  const clause = before.slice(sentenceStart === -1 ? 0 : sentenceStart + 2).trim();
  if (!clause) return null;
  const verb = VERB_RE.exec(clause);
  if (!verb) {
    const according = ACCORDING_RE.exec(clause);
    return according ? `according to ${according[1]!.trim()}` : null;
  }
  // Up to the verb and its object phrase when short ("Kim stated in the order that …" → "Kim stated in the order").
  const upto = clause.slice(0, verb.index + verb[0].length);
  const after = clause.slice(verb.index + verb[0].length);
  const object = /^((?:\s+(?:in|to|on)\s+(?:the|a|an|his|her|their)\s+[\w’']+)|(?:\s+[A-Z][\w’']*(?:\s+[A-Z][\w’']*)*))?/.exec(after)?.[1] ?? '';
  const result = `${upto}${object}`.replace(/\s+/g, ' ').trim();
  return wordCount(result) > 14 ? null : result;
}

/**
 * Direct quotations in an article (text inside “ ” or " " of at least four words), each with its
 * attribution when the text gives one beside it. A quotation continuing an attributed one in the
 * same paragraph ("…,” he said. “Currently…”) shares its attribution.
 */
export function findQuotations(article: Pick<Article, 'body'>): Quotation[] {
  const out: Quotation[] = [];
  article.body.forEach((p, paragraphIndex) => {
    let previous: string | null = null;
    const found: Quotation[] = [];
    for (const span of quoteSpans(p)) {
      const text = p.slice(span.open + 1, span.close).trim().replace(/[,]$/, '');
      if (wordCount(text) < MIN_WORDS) continue;
      const attribution = attributionAfter(p, span.close) ?? attributionBefore(p, span.open);
      found.push({ text, attribution, paragraphIndex });
    }
    // Continuations: forward from an attributed quote, and back to quotes that precede one.
    for (const q of found) {
      if (q.attribution) previous = q.attribution;
      else if (previous) q.attribution = previous;
    }
    let next: string | null = null;
    for (let i = found.length - 1; i >= 0; i--) {
      const q = found[i]!;
      if (q.attribution) next = q.attribution;
      else if (next) q.attribution = next;
    }
    out.push(...found);
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
