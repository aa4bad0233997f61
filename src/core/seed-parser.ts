import { makeArticleId, SEED_SOURCE_ID, type Article } from './article.ts';
import { UserError } from './errors.ts';
import { splitSentences } from './text/sentences.ts';

/**
 * Messy plain-text article → clean Article. Each rule below names a pattern newsroom copy-paste
 * produces (tag lines, photo captions, titles, bylines, datelines, related-story blocks, editor
 * lines, boilerplate footers); none of them knows about any particular file.
 */

export const TITLE_MAX = 120;

interface KnownOutlet {
  name: string;
  aliases: string[];
}

/** Outlets recognised by name or abbreviation when the text refers to itself. */
const KNOWN_OUTLETS: KnownOutlet[] = [
  { name: 'Daily NK', aliases: ['Daily NK', 'DailyNK'] },
  { name: 'Radio Free Asia', aliases: ['Radio Free Asia', 'RFA'] },
  { name: 'NK News', aliases: ['NK News'] },
  { name: 'Yonhap', aliases: ['Yonhap News Agency', 'Yonhap'] },
  { name: 'Reuters', aliases: ['Reuters'] },
  { name: 'Associated Press', aliases: ['Associated Press', 'AP'] },
  { name: 'Agence France-Presse', aliases: ['Agence France-Presse', 'AFP'] },
  { name: 'BBC', aliases: ['BBC News', 'BBC'] },
  { name: 'The Korea Herald', aliases: ['The Korea Herald', 'Korea Herald'] },
  { name: 'The Korea Times', aliases: ['The Korea Times', 'Korea Times'] },
  { name: 'Voice of America', aliases: ['Voice of America', 'VOA'] },
  { name: 'KCNA', aliases: ['Korean Central News Agency', 'KCNA'] },
];

const BOILERPLATE: RegExp[] = [
  /^read (this )?(article )?in (korean|chinese|japanese|english|spanish|french)\.?$/i,
  /^leave a (reply|comment)\b/i,
  /^your email address will not be published/i,
  /^required fields are marked/i,
  /^you must be (logged|signed) in to (post|leave) a comment/i,
  /^please direct any comments or questions/i,
  /\bmission is to provide\b/i,
  /^content used with the permission of\b/i,
  /^(©|\(c\)|copyright\b)/i,
  /^all rights reserved\.?$/i,
  /^share (this|on)\b/i,
  /^(follow|like) us on\b/i,
  /^(subscribe|sign up) (to|for) (our|the)\b/i,
  /^(click|tap) here\b/i,
  /^comments?\.?$/i,
  /^advertisement\.?$/i,
  /^this (article|story) (was|has been) (updated|corrected)\b/i,
];

const RELATED_HEADING = /^(related( stories| articles| coverage| reading| news)?|read more|more from [\w .'’-]+|see also|also read|you may also like|recommended)\s*:?\s*$/i;
const RELATED_INLINE = /^(related|read more|see also|also read)\s*:\s+\S/i;
const EDITED_BY = /^(?:edited|translated|produced|copy-?edited) by\s+(.+?)\.?$/i;
const BYLINE = /^by\b[\s:]*(.*)$/i;
const PUBLISHED =
  /^(?:(?:published|posted|updated|date)\s*:?\s*)?((?:\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)|(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})|(?:\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{4}))$/i;
const PHOTO_CREDIT = /\(([^()]{2,80})\)\s*$/;
const DATELINE =
  /^((?:[A-Z][A-Z.'’-]+)(?: [A-Z][A-Z.'’-]+)*(?:, [A-Z][\w.'’ -]*?)?)\s*(?:\((AP|Reuters|AFP|Yonhap|UPI|RFA)\))?\s*[–—-]{1,2}\s+(?=\S)/;

function clean(line: string): string {
  return line.replace(/[\u00a0\u2007\u202f\t]/g, ' ').replace(/\s+/g, ' ').trim();
}

function endsSentence(s: string): boolean {
  return /[.!?…]["”’)\]]*$/.test(s);
}

function isHeadlineLike(s: string): boolean {
  return s.length > 0 && s.length <= 160 && !endsSentence(s) && /\p{L}/u.test(s);
}

function isTagLine(s: string): boolean {
  const body = s.replace(/^tags?\s*:\s*/i, '');
  if (!body || body.length > 100 || endsSentence(body)) return false;
  if (/^tags?\s*:/i.test(s)) return true;
  // Lower-case, short, comma-separated keywords ("troops, russia, ukraine, war").
  if (!/^[\p{Ll}\d][\p{Ll}\d ,;|/&'’#-]*$/u.test(body)) return false;
  const parts = body.split(/[,;|/]/).map((t) => t.trim()).filter(Boolean);
  return parts.length > 1 ? parts.every((p) => p.split(' ').length <= 4) : body.split(' ').length <= 4;
}

function splitTags(s: string): string[] {
  return s
    .replace(/^tags?\s*:\s*/i, '')
    .split(/[,;|/]|\s#/)
    .map((t) => t.replace(/^#/, '').trim())
    .filter(Boolean);
}

function isCaption(s: string): boolean {
  if (/^(photo|caption|image|pictured)\s*:/i.test(s)) return true;
  if (/\bthe (photograph|photo|image|picture) (depicts|shows)\b/i.test(s)) return true;
  const credit = PHOTO_CREDIT.exec(s);
  // A line that ends in a parenthesised credit right after the head: "North Korean soldiers (KCNA)".
  return Boolean(credit && !endsSentence(s.slice(0, credit.index).trim()) || (credit && /(photo|image|news ?1|kcna|yonhap|rodong|ap|afp|reuters|getty)/i.test(credit[1]!)));
}

function splitNames(s: string): string[] {
  return s
    .replace(/\.$/, '')
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*/)
    .map((n) => n.trim())
    .filter(Boolean);
}

function cleanByline(s: string): string | null {
  const name = s
    .replace(/\s*[|,–—-]\s*(staff )?(reporter|correspondent|writer|editor|contributor)s?\b.*$/i, '')
    .replace(/\s+for\s+[A-Z][\w ]+$/, '')
    .trim();
  return name && name.length <= 120 && /\p{L}/u.test(name) ? name : null;
}

/** Paragraphs: blank-line separated blocks; inside a block, hard-wrapped lines are rejoined. */
function toParagraphs(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map(clean);
  const out: string[] = [];
  let current: string | null = null;
  for (const line of lines) {
    if (!line) {
      if (current !== null) out.push(current);
      current = null;
      continue;
    }
    // A wrapped line continues a sentence: the previous line has no ending and this starts lower-case.
    if (current !== null && !endsSentence(current) && /^[\p{Ll}]/u.test(line) && current.length > 50) {
      current = `${current} ${line}`;
    } else {
      if (current !== null) out.push(current);
      current = line;
    }
  }
  if (current !== null) out.push(current);
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The outlet the article speaks of as itself; null when it names none. */
export function detectOutlet(raw: string, footers: string[]): string | null {
  const scores = new Map<string, number>();
  const bump = (name: string, n: number) => scores.set(name, (scores.get(name) ?? 0) + n);
  // Bounded quantifiers: an unbounded [\w.-]* here is quadratic on long runs of word characters.
  const emails = [...raw.matchAll(/[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g)].map((m) => m[0].toLowerCase());
  for (const outlet of KNOWN_OUTLETS) {
    for (const alias of outlet.aliases) {
      const a = escapeRe(alias);
      const count = (re: RegExp) => raw.match(re)?.length ?? 0;
      bump(outlet.name, 5 * count(new RegExp(`\\b${a}\\s+has\\s+learned\\b`, 'g')));
      bump(outlet.name, 6 * count(new RegExp(`\\b${a}[’']s\\s+mission\\b|\\bpermission of\\s+${a}\\b`, 'g')));
      bump(outlet.name, 2 * count(new RegExp(`\\btold\\s+${a}\\b`, 'g')));
      bump(outlet.name, 1 * count(new RegExp(`\\b${a}\\s+(reported|reports|has reported)\\b`, 'g')));
      bump(outlet.name, 6 * count(new RegExp(`\\(${a}\\)\\s*[–—-]`, 'g')));
      bump(outlet.name, 6 * count(new RegExp(`(?:©|\\(c\\)|copyright)\\s*(?:\\d{4}\\s+)?(?:the\\s+)?${a}\\b`, 'gi')));
      const squashed = alias.replace(/\s+/g, '').toLowerCase();
      if (emails.some((e) => e.includes(squashed))) bump(outlet.name, 4);
      if (footers.some((f) => f === alias)) bump(outlet.name, 4);
    }
  }
  let best: string | null = null;
  let bestScore = 1;
  for (const [name, score] of scores) if (score > bestScore) [best, bestScore] = [name, score];
  if (best) return best;
  // An outlet we do not know, stated the usual way ("Sand Times has learned").
  const learned = /\b((?:[A-Z][\w’'-]*\s){0,3}[A-Z][\w’'-]*)\s+has\s+learned\b/.exec(raw);
  return learned ? learned[1]! : null;
}

/** Reporting tails that are not part of a headline: ", Daily NK has learned", ", the report said". */
const ATTRIBUTION_TAIL =
  /(?:,|,?[”"])\s+(?:(?:[A-Z][\w’'-]*\s){0,4}(?:has|have)\s+learned|(?:[\w’'-]+\s){0,8}(?:reported|said|says|told\s+[\w ]+|according to [\w ’'-]+|sources said)(?:\s+(?:this|last|on)\s+\w+|\s+(?:today|yesterday|recently|\w+day))?)\.?$/;

/** A clean headline (≤ 120 chars, never cut mid-word) from the lead sentence. */
export function deriveTitle(lead: string): string {
  const sentences = splitSentences(lead);
  let t = sentences[0] ? lead.slice(sentences[0].start, sentences[0].end) : lead;
  t = t.replace(ATTRIBUTION_TAIL, (m) => (/^,?[”"]/.test(m) ? '”' : '')).replace(/[.!]$/, '').trim();
  // A dangling closing quote from the stripped tail: keep it only if its opening quote remains.
  if (t.endsWith('”') && !t.includes('“')) t = t.slice(0, -1);
  if (t.length <= TITLE_MAX) return t;
  // Prefer ending at a clause boundary: a headline needs no ellipsis then.
  const comma = t.slice(0, TITLE_MAX).lastIndexOf(', ');
  if (comma >= 60 && t.slice(0, comma).split('“').length === t.slice(0, comma).split('”').length) return t.slice(0, comma);
  let cut = t.slice(0, TITLE_MAX - 1);
  cut = cut.slice(0, cut.lastIndexOf(' '));
  // Do not end inside an open quotation or on a dangling connective.
  const open = cut.lastIndexOf('“');
  if (open > cut.lastIndexOf('”') && open > 40) cut = cut.slice(0, open).trim();
  cut = cut.replace(/[\s,;:–—-]+$/, '').replace(/\s+(?:and|or|of|to|the|a|an|in|with|for|by|from|that|who|were|was|is|are)$/i, '');
  return `${cut}…`;
}

/**
 * Parses one messy plain-text article. `fileName` only labels errors; the id is derived from
 * the source and content, so the same text always gets the same id.
 */
export function parseSeed(text: string, opts: { fileName?: string; sourceId?: string } = {}): Article {
  const label = opts.fileName ? `seed "${opts.fileName}"` : 'seed';
  if (/\u0000/.test(text)) throw new UserError(`${label}: not a text file`);
  let paras = toParagraphs(text.replace(/^\uFEFF/, ''));
  if (paras.length === 0) throw new UserError(`${label}: empty`);

  // ── head: tag line, caption, title, byline, published date ────────────
  let tags: string[] = [];
  let caption: string | null = null;
  let title: string | null = null;
  let byline: string | null = null;
  let publishedAt: string | null = null;
  const head = (): string | undefined => paras[0];
  if (paras.length > 1 && isTagLine(head()!)) tags = splitTags(paras.shift()!);
  for (let i = 0; i < 2 && paras.length > 1; i++) {
    const h = head()!;
    if (!caption && isCaption(h) && !DATELINE.test(h)) {
      caption = h.replace(/^(photo|caption|image|pictured)\s*:\s*/i, '');
      paras.shift();
      continue;
    }
    if (!title && isHeadlineLike(h) && !BYLINE.test(h) && !PUBLISHED.test(h) && h.split(' ').length >= 3 && !RELATED_HEADING.test(h)) {
      title = h;
      paras.shift();
      continue;
    }
    break;
  }
  // Bylines and date lines sit in the first few paragraphs; "By" alone is completed by the next line.
  for (let i = 0; i < Math.min(paras.length, 5); i++) {
    const p = paras[i]!;
    const by = BYLINE.exec(p);
    if (by && p.length <= 120 && !endsSentence(p.replace(/\.$/, '')) ) {
      let name = by[1]!.trim();
      let remove = 1;
      if (!name) {
        const next = paras[i + 1] ?? '';
        const nextBy = BYLINE.exec(next);
        name = nextBy ? nextBy[1]!.trim() : next.length <= 60 && !endsSentence(next) ? next : '';
        remove = name ? 2 : 1;
      }
      byline ??= cleanByline(name);
      paras.splice(i, remove);
      i--;
      continue;
    }
    const pub = PUBLISHED.exec(p);
    if (pub) {
      const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(pub[1]!) ? `${pub[1]}T00:00:00Z` : pub[1]!.replace(' ', 'T'));
      if (!Number.isNaN(t)) {
        publishedAt ??= new Date(t).toISOString();
        paras.splice(i, 1);
        i--;
      }
    }
  }

  // ── related blocks, editors, boilerplate ──────────────────────────────
  const editors: string[] = [];
  const footers: string[] = [];
  const body: string[] = [];
  for (let i = 0; i < paras.length; i++) {
    const p = paras[i]!;
    if (RELATED_HEADING.test(p)) {
      // The heading and the headline-like lines after it, up to the next real paragraph.
      while (i + 1 < paras.length && isHeadlineLike(paras[i + 1]!) && !RELATED_HEADING.test(paras[i + 1]!)) i++;
      continue;
    }
    if (RELATED_INLINE.test(p) && !endsSentence(p)) continue;
    const edited = EDITED_BY.exec(p);
    if (edited && p.length <= 200) {
      editors.push(...splitNames(edited[1]!));
      continue;
    }
    if (BOILERPLATE.some((re) => re.test(p))) {
      footers.push(p);
      continue;
    }
    // A lone abbreviation after the article ("RFA"): a sign-off, not text.
    if (/^[A-Z]{2,6}$/.test(p) && i >= paras.length - 4) {
      footers.push(p);
      continue;
    }
    body.push(p);
  }
  if (body.length === 0) throw new UserError(`${label}: no article text left after removing boilerplate`);

  // ── dateline ──────────────────────────────────────────────────────────
  let dateline: string | null = null;
  const dl = DATELINE.exec(body[0]!);
  if (dl && dl[1]!.length <= 60) {
    dateline = dl[1]!.trim();
    body[0] = body[0]!.slice(dl[0].length);
  }

  const outlet = detectOutlet(text.replace(/[\u00a0]/g, ' '), footers);
  title ??= deriveTitle(body[0]!);
  const sourceId = opts.sourceId ?? SEED_SOURCE_ID;
  return {
    id: makeArticleId(sourceId, title, body.join('\n')),
    sourceId,
    title,
    byline,
    outlet,
    dateline,
    tags,
    caption,
    body,
    editors,
    url: null,
    publishedAt,
  };
}
