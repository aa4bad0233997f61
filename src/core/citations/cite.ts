import type { Article } from '../article.ts';
import { displayName, nameContext, nameParts, ordinaryCase } from './names.ts';

type NameContext = ReturnType<typeof nameContext>;

export type CitationStyle = 'ap' | 'apa' | 'chicago' | 'mla';
export const CITATION_STYLES: CitationStyle[] = ['ap', 'apa', 'chicago', 'mla'];
export const STYLE_NAMES: Record<CitationStyle, string> = { ap: 'AP', apa: 'APA 7', chicago: 'Chicago', mla: 'MLA 9' };

/**
 * A citation as runs of text, some in italics, so it can be written as Discord markdown or as
 * plain text for pasting. Text is the article's own (unescaped).
 */
export type Citation = Array<{ text: string; italic?: boolean }>;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** AP abbreviates these months before a day; MLA abbreviates all but May, June, July (and Sept.). */
const AP_MONTHS = ['Jan.', 'Feb.', 'March', 'April', 'May', 'June', 'July', 'Aug.', 'Sept.', 'Oct.', 'Nov.', 'Dec.'];
const MLA_MONTHS = ['Jan.', 'Feb.', 'Mar.', 'Apr.', 'May', 'June', 'July', 'Aug.', 'Sept.', 'Oct.', 'Nov.', 'Dec.'];

interface Day {
  y: number;
  m: number;
  d: number;
}

function day(iso: string | null | Date): Day | null {
  if (!iso) return null;
  const t = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  if (Number.isNaN(t)) return null;
  const x = new Date(t);
  return { y: x.getUTCFullYear(), m: x.getUTCMonth(), d: x.getUTCDate() };
}

/** Authors from a byline: "By A, B and C" → ["A", "B", "C"]; agency credits stay whole. */
export function splitAuthors(byline: string | null): string[] {
  if (!byline) return [];
  const clean = byline.replace(/^\s*by\s+/i, '').replace(/\s+/g, ' ').trim();
  if (!clean) return [];
  return clean
    .split(/\s*(?:,|;|&|\band\b|\s및\s)\s*/i)
    // Korean bylines end in a title ("기자" reporter, "특파원" correspondent), not part of the name.
    .map((s) => s.replace(/\s*(?:기자|특파원|선임기자)$/u, '').trim())
    .filter(Boolean);
}

/** True for a name that should not be inverted: an organisation, one word, or a name in a script without given-name-first order. */
function keepWhole(name: string): boolean {
  return !name.includes(' ') || /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(name) || /\b(?:staff|news|press|agency|reuters|associated|desk|editors?|bureau|wire)\b/i.test(name);
}

/** "Min-jun" → "M.-J.", "Jane" → "J.", "Q." → "Q.". */
function initials(given: string): string {
  return given
    .split('-')
    .map((g) => `${[...g][0]!.toUpperCase()}.`)
    .join('-');
}

/** APA: "Doe, J. Q."; family name first too: "Moon, S. W." */
function apaName(name: string, context: NameContext): string {
  if (keepWhole(name)) return name;
  const p = nameParts(name, context);
  return `${p.family}, ${p.given.map(initials).join(' ')}`;
}

/**
 * Chicago and MLA invert only the first author: "Doe, Jane Q."; a family-name-first name is
 * already in that order and takes no comma: "Moon Sung Whui".
 */
function invertedName(name: string, context: NameContext): { text: string; inverted: boolean } {
  if (keepWhole(name)) return { text: name, inverted: false };
  const p = nameParts(name, context);
  if (p.familyFirst) return { text: displayName(name, p), inverted: false };
  return { text: `${p.family}, ${p.given.join(' ')}`, inverted: true };
}

function endWith(s: string, mark: string): string {
  return /[.!?]$/.test(s) ? s : `${s}${mark}`;
}

function joinList(items: string[], and: string): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} ${and} ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, ${and} ${items[items.length - 1]}`;
}

/**
 * Formats a citation of an article. `accessed` comes from the injected clock. Missing parts follow
 * each style's rule: AP names the outlet and date in the sentence and leaves out what is unknown;
 * APA puts the title first without an author and writes (n.d.) plus "Retrieved … from" without a
 * date; Chicago starts with the title without an author and adds "Accessed …" without a date;
 * MLA starts with the title without an author and always ends with "Accessed …".
 */
export function formatCitation(article: Pick<Article, 'title' | 'byline' | 'outlet' | 'publishedAt' | 'url'> & { body?: string[] }, style: CitationStyle, accessed: Date): Citation {
  const authors = splitAuthors(article.byline);
  // Names printed as they are (AP, and Chicago's and MLA's later authors), in ordinary case.
  const printed = authors.map(ordinaryCase);
  // What the article is about decides how an East Asian name is read (see names.ts).
  const context = nameContext([article.title, article.outlet ?? '', ...(article.body ?? []).slice(0, 3)].join('\n'));
  const outlet = article.outlet?.trim() || null;
  const title = article.title.replace(/\s+/g, ' ').trim();
  const url = article.url && /^https?:\/\//i.test(article.url) ? article.url : null;
  const pub = day(article.publishedAt);
  const acc = day(accessed)!;
  switch (style) {
    case 'ap': {
      // AP style has no bibliography: a credit line in AP's own date style.
      const out: Citation = [{ text: `“${title},” ` }];
      const bits: string[] = [];
      if (outlet) bits.push(outlet);
      if (pub) bits.push(`${AP_MONTHS[pub.m]} ${pub.d}, ${pub.y}`);
      if (authors.length) bits.push(`by ${joinList(printed, 'and')}`);
      out.push({ text: `${bits.join(', ')}${bits.length ? '. ' : ''}` });
      if (url) out.push({ text: `${url} ` });
      out.push({ text: `(accessed ${AP_MONTHS[acc.m]} ${acc.d}, ${acc.y})` });
      return tidy(out);
    }
    case 'apa': {
      const date = pub ? `(${pub.y}, ${MONTHS[pub.m]} ${pub.d}).` : '(n.d.).';
      const out: Citation = [];
      if (authors.length) {
        const names = authors.map((a) => apaName(a, context));
        out.push({ text: `${names.length > 1 ? `${names.slice(0, -1).join(', ')}, & ${names[names.length - 1]}` : names[0]} ` });
        if (!out[0]!.text.trimEnd().endsWith('.')) out[0]!.text = `${out[0]!.text.trimEnd()}. `;
        out.push({ text: `${date} ` }, { text: endWith(title, '.'), italic: true }, { text: ' ' });
      } else {
        out.push({ text: endWith(title, '.'), italic: true }, { text: ` ${date} ` });
      }
      if (outlet) out.push({ text: `${endWith(outlet, '.')} ` });
      if (url) out.push({ text: pub ? url : `Retrieved ${MONTHS[acc.m]} ${acc.d}, ${acc.y}, from ${url}` });
      return tidy(out);
    }
    case 'chicago': {
      const out: Citation = [];
      if (authors.length) {
        const first = invertedName(authors[0]!, context);
        const rest = printed.slice(1);
        // Chicago: "Doe, Jane, and John Roe." — the comma before "and" follows the inverted name.
        const names =
          rest.length === 0
            ? first.text
            : rest.length === 1 && !first.inverted
              ? `${first.text} and ${rest[0]}`
              : `${[first.text, ...rest.slice(0, -1)].join(', ')}, and ${rest[rest.length - 1]}`;
        out.push({ text: `${endWith(names, '.')} ` });
      }
      out.push({ text: `“${endWith(title, '.')}” ` });
      if (outlet) out.push({ text: outlet, italic: true }, { text: pub ? ', ' : '. ' });
      if (pub) out.push({ text: `${MONTHS[pub.m]} ${pub.d}, ${pub.y}. ` });
      else out.push({ text: `Accessed ${MONTHS[acc.m]} ${acc.d}, ${acc.y}. ` });
      if (url) out.push({ text: `${url}.` });
      return tidy(out);
    }
    case 'mla': {
      const out: Citation = [];
      const first = authors.length ? invertedName(authors[0]!, context) : null;
      if (authors.length === 1) out.push({ text: `${endWith(first!.text, '.')} ` });
      else if (authors.length === 2) out.push({ text: `${first!.text}${first!.inverted ? ',' : ''} and ${printed[1]}. ` });
      else if (authors.length > 2) out.push({ text: `${first!.text}, et al. ` });
      out.push({ text: `“${endWith(title, '.')}” ` });
      const tail: string[] = [];
      if (pub) tail.push(`${pub.d} ${MLA_MONTHS[pub.m]} ${pub.y}`);
      if (url) tail.push(url.replace(/^https?:\/\//i, ''));
      if (outlet) out.push({ text: outlet, italic: true }, { text: tail.length ? ', ' : '. ' });
      if (tail.length) out.push({ text: `${tail.join(', ')}. ` });
      out.push({ text: `Accessed ${acc.d} ${MLA_MONTHS[acc.m]} ${acc.y}.` });
      return tidy(out);
    }
  }
}

function tidy(c: Citation): Citation {
  const out = c.filter((r) => r.text.length > 0);
  const last = out[out.length - 1];
  if (last) last.text = last.text.trimEnd();
  return out;
}

/** The citation as plain text, for pasting where italics do not survive. */
export function citationText(c: Citation): string {
  return c.map((r) => r.text).join('');
}
