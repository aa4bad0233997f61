import { makeArticleId, SEED_SOURCE_ID, type Article } from '../article.ts';
import { UserError } from '../errors.ts';
import { splitSentences } from '../text/sentences.ts';
import { DATELINE, isUnreadableDateLine, parseDateLine, splitDateline } from './date-lines.ts';

export { parseStatedDate } from './date-lines.ts';

/**
 * Messy plain-text article → clean Article. Each rule below names a pattern newsroom copy-paste
 * produces (tag lines, photo captions, titles, bylines, date lines, datelines, related-story
 * blocks, credit lines, boilerplate footers); none of them knows about any particular file.
 */

/** Longest headline {@link deriveTitle} produces. */
export const TITLE_MAX = 120;

export interface SeedParseOptions {
  /** Only labels error messages (`seed "x.txt": …`). */
  fileName?: string;
  /** Defaults to {@link SEED_SOURCE_ID}. */
  sourceId?: string;
}

interface KnownOutlet {
  name: string;
  /** Spellings the text uses for itself, longest first. Matched case-sensitively. */
  aliases: string[];
  /** Mail and web domains; a contact address on one of them names the outlet. */
  domains: string[];
}

/** Outlets recognised by name, abbreviation or domain when the text refers to itself. */
const KNOWN_OUTLETS: KnownOutlet[] = [
  { name: 'Daily NK', aliases: ['Daily NK', 'DailyNK'], domains: ['dailynk.com'] },
  { name: 'Radio Free Asia', aliases: ['Radio Free Asia', 'RFA'], domains: ['rfa.org'] },
  { name: 'NK News', aliases: ['NK News'], domains: ['nknews.org'] },
  { name: 'Yonhap', aliases: ['Yonhap News Agency', 'Yonhap'], domains: ['yna.co.kr', 'yonhapnews.co.kr'] },
  { name: 'Reuters', aliases: ['Thomson Reuters', 'Reuters'], domains: ['reuters.com', 'thomsonreuters.com'] },
  { name: 'Associated Press', aliases: ['The Associated Press', 'Associated Press', 'AP'], domains: ['ap.org', 'apnews.com'] },
  { name: 'Agence France-Presse', aliases: ['Agence France-Presse', 'AFP'], domains: ['afp.com'] },
  { name: 'BBC', aliases: ['BBC News', 'BBC'], domains: ['bbc.co.uk', 'bbc.com'] },
  { name: 'The Korea Herald', aliases: ['The Korea Herald', 'Korea Herald'], domains: ['koreaherald.com', 'heraldcorp.com'] },
  { name: 'The Korea Times', aliases: ['The Korea Times', 'Korea Times'], domains: ['koreatimes.co.kr'] },
  { name: 'Korea JoongAng Daily', aliases: ['Korea JoongAng Daily', 'JoongAng Daily'], domains: ['joongang.co.kr'] },
  { name: 'The Chosun Ilbo', aliases: ['The Chosun Ilbo', 'Chosun Ilbo'], domains: ['chosun.com'] },
  { name: 'Voice of America', aliases: ['Voice of America', 'VOA'], domains: ['voanews.com'] },
  { name: 'Kyodo News', aliases: ['Kyodo News', 'Kyodo'], domains: ['kyodonews.net'] },
  { name: 'KCNA', aliases: ['Korean Central News Agency', 'KCNA'], domains: ['kcna.kp'] },
];

// ── line-level text helpers ─────────────────────────────────────────────

/** Invisible characters that only spoof or break text: zero-width space, word joiner, BOM, bidi controls. */
const INVISIBLE = /[\u200b\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** C0/C1 control characters other than the whitespace ones; they never belong in article text. */
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** One line as plain text: invisible and control characters gone, every whitespace run (NBSP too) one space. */
function clean(line: string): string {
  return line.replace(INVISIBLE, '').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

function endsSentence(s: string): boolean {
  return /[.!?…]["”’)\]]*$/.test(s);
}

function wordCount(s: string): number {
  return s.split(' ').filter(Boolean).length;
}

/** Most longer words capitalised, the way headlines are written ("North Korea Hunting For Source…"). */
function isTitleCase(s: string): boolean {
  const words = s.split(' ').filter((w) => /^[\p{L}“‘"']/u.test(w) && w.replace(/[^\p{L}]/gu, '').length >= 4);
  if (words.length < 2) return false;
  const upper = words.filter((w) => /^[“‘"']?\p{Lu}/u.test(w)).length;
  return upper / words.length >= 0.75;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ── structural lines ────────────────────────────────────────────────────

/** "Tags: a; b", "Topics: …", "Keywords: …", "Filed under: …". */
const TAG_PREFIX = /^(?:tags?|topics?|keywords?|filed under)\s*:\s*/i;

/** A first line of short lower-case keywords ("troops, russia, ukraine, war"), or an explicit tag line. */
function isTagLine(s: string): boolean {
  if (TAG_PREFIX.test(s)) return splitTags(s).length > 0 && s.length <= 300;
  if (s.length > 100 || endsSentence(s)) return false;
  if (/^#[\p{L}\p{N}_]+(?:[ ,]+#[\p{L}\p{N}_]+)*$/u.test(s)) return true;
  if (!/^[\p{Ll}\p{N}][\p{Ll}\p{N} ,;|/&'’-]*$/u.test(s)) return false;
  const parts = s.split(/[,;|/]/).map((t) => t.trim()).filter(Boolean);
  return parts.length > 0 && parts.every((p) => wordCount(p) <= 4);
}

function splitTags(s: string): string[] {
  const tags = s
    .replace(TAG_PREFIX, '')
    .split(/[,;|/]|\s(?=#)/)
    .map((t) => t.replace(/^#/, '').trim())
    .filter(Boolean);
  return [...new Set(tags)];
}

const CAPTION_PREFIX = /^(?:photo|caption|image|pictured|picture|file photo)\s*:\s*/i;
const PHOTO_CREDIT = /\(([^()]{2,80})\)$/;

/** "(KCNA)", "(Rodong Sinmun, News 1)", "(AP Photo/Ahn Young-joon)", "(Courtesy of the ministry)". */
function isCreditText(s: string): boolean {
  if (/\b(?:photo|image|courtesy|file|getty|pool|handout)\b/i.test(s)) return true;
  return s.split(/[,/;]/).every((part) => {
    const p = part.trim();
    return p.length > 0 && wordCount(p) <= 5 && /^[\p{Lu}\p{N}]/u.test(p);
  });
}

/** A photo caption printed above the text: "Photo: …", "The photograph depicts…", or text ending in a photo credit. */
function isCaption(s: string): boolean {
  if (s.length > 600) return false;
  if (CAPTION_PREFIX.test(s)) return s.replace(CAPTION_PREFIX, '').length > 0;
  if (/\bthe (?:photograph|photo|image|picture) (?:depicts|shows)\b/i.test(s)) return true;
  const credit = PHOTO_CREDIT.exec(s);
  return credit !== null && credit.index > 0 && isCreditText(credit[1]!);
}

/** A headline on the first line: no sentence ending, and either Title Case or short. */
function isTitleLine(s: string): boolean {
  if (s.length < 8 || s.length > 160 || !/\p{L}/u.test(s)) return false;
  const words = wordCount(s);
  if (words < 3) return false;
  if (/[.,;:]$/.test(s)) return false;
  if (/[!?…]["”’]*$/.test(s) && !isTitleCase(s)) return false;
  if (BYLINE_START.test(s) || parseDateLine(s, { bare: true }) || isUnreadableDateLine(s) || RELATED_HEADING.test(s) || DATELINE.test(s) || isBoilerplate(s)) return false;
  return isTitleCase(s) || words <= 16;
}

/** Name particles that stay lower-case inside a personal name. */
const NAME_PARTICLES = new Set(['de', 'da', 'del', 'della', 'der', 'den', 'van', 'von', 'bin', 'binti', 'al', 'el', 'la', 'le', 'du', 'dos', 'das', 'di', 'y', 'ibn']);

function splitNames(s: string): string[] {
  return s
    .replace(/\.$/, '')
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*/)
    .map((n) => n.trim())
    .filter(Boolean);
}

/** "Moon Sung Whui", "Lee Ji-won and Park Min-soo", "Jane Doe, John Roe and Sam Poe" — and not "contrast, the ministry said". */
function isNameList(s: string): boolean {
  if (!s || s.length > 120) return false;
  const names = splitNames(s);
  if (names.length === 0 || names.length > 6) return false;
  return names.every((name) => {
    const tokens = name.split(' ');
    return tokens.length <= 6 && tokens.some((t) => /^\p{Lu}|^\p{Lo}/u.test(t)) && tokens.every((t) => /^(?:[\p{Lu}\p{Lo}][\p{L}\p{M}'’.-]*)$/u.test(t) || NAME_PARTICLES.has(t.toLowerCase()));
  });
}

const ROLE = '(?:staff\\s+|senior\\s+|chief\\s+|special\\s+|foreign\\s+|freelance\\s+)?(?:reporter|correspondent|writer|editor|contributor|columnist|journalist)s?';
const BYLINE_START = /^(?:written\s+|reported\s+|story\s+|words\s+)?by\b\s*:?\s*(.*)$/i;
const ROLE_SUFFIX = new RegExp(`\\s*[|,–—-]\\s*${ROLE}\\b.*$`, 'i');
const NAME_WITH_ROLE = new RegExp(`^(.+?)\\s*[|,–—]\\s*${ROLE}\\b`, 'i');

/** The names of a byline, without "By", the role ("| Staff Reporters") or "for <Outlet>". */
function bylineNames(s: string): string | null {
  const name = s
    .replace(ROLE_SUFFIX, '')
    .replace(/\s+for\s+(?:the\s+)?\p{Lu}[\p{L} ]*$/u, '')
    .replace(/\.$/, '')
    .trim();
  return isNameList(name) ? name : null;
}

/**
 * A byline at paragraph `i`: "By X", "By X and Y", "X | Reporter", or "By" alone completed by the
 * next line ("By" / "By Moon Sung Whui" as pasted from a web page). Returns the names (null when
 * the line is a bare "By" with nothing usable after it) and how many paragraphs it spans.
 */
function parseByline(paras: string[], i: number): { name: string | null; span: number } | null {
  const p = paras[i]!;
  if (p.length > 160) return null;
  const by = BYLINE_START.exec(p);
  if (by) {
    const rest = by[1]!.trim();
    if (rest) {
      const name = bylineNames(rest);
      return name ? { name, span: 1 } : null;
    }
    const next = paras[i + 1];
    if (next !== undefined && next.length <= 160) {
      const nextBy = BYLINE_START.exec(next);
      const name = bylineNames(nextBy ? nextBy[1]!.trim() : next);
      if (name) return { name, span: 2 };
    }
    return { name: null, span: 1 };
  }
  const withRole = NAME_WITH_ROLE.exec(p);
  if (withRole) {
    const name = bylineNames(withRole[1]!);
    if (name) return { name, span: 1 };
  }
  return null;
}

const CREDIT_ROLE = '(?:(?:copy[- ]?)?edit(?:ed|ing)|translat(?:ed|ion)|produced|additional reporting|(?:with\\s+)?reporting|written|illustrated|graphics|photos?|video)';
const CREDIT_SEGMENT = new RegExp(`(${CREDIT_ROLE})\\s+by\\s+(.+?)(?=\\s*[.;]?\\s*(?:\\b${CREDIT_ROLE}\\s+by\\b|$))`, 'gi');

/**
 * A credit line: "Edited by Mike Firn and Stephen Wright.", "Translated by A. Edited by B.",
 * "(Reporting by A; Editing by B)". Editors come from the edit roles; a reporting credit is
 * offered as the byline. Null when the line is anything else (every name must look like one).
 */
function parseCredits(p: string): { editors: string[]; reporters: string | null } | null {
  if (p.length > 300) return null;
  const line = p.replace(/^\((.*)\)\.?$/, '$1').trim();
  if (!new RegExp(`^${CREDIT_ROLE}\\s+by\\b`, 'i').test(line)) return null;
  const editors: string[] = [];
  let reporters: string | null = null;
  let consumed = 0;
  for (const m of line.matchAll(CREDIT_SEGMENT)) {
    const role = m[1]!.toLowerCase();
    const names = m[2]!.replace(/[.;]$/, '').trim();
    if (!isNameList(names)) return null;
    if (/edit/.test(role)) editors.push(...splitNames(names));
    else if (/^(?:with\s+)?reporting$|^written$/.test(role)) reporters ??= names;
    consumed += m[0].length;
  }
  // Everything but separators must have been a credit segment.
  if (consumed === 0 || line.length - consumed > line.split(/\bby\b/i).length * 3) return null;
  return { editors, reporters };
}

const RELATED_HEADING =
  /^(?:related(?: stories| articles| coverage| reading| news| content| topics)?|read more|read also|more from [\p{L}\p{N} .&'’-]{1,40}|more on this(?: story)?|see also|also read|you may also like|recommended(?: stories| reading)?)\s*:?$/iu;
const RELATED_INLINE = /^(?:related|read more|read also|see also|also read|recommended)\s*:\s+\S/i;

/** A headline in a related-stories list: short and not a sentence of the article. */
function isRelatedHeadline(s: string): boolean {
  if (!/\p{L}/u.test(s) || s.length > 160) return false;
  if (!endsSentence(s)) return true;
  return /[?!]["”’]*$/.test(s) && s.length <= 120;
}

const BOILERPLATE: RegExp[] = [
  /^\(?read (?:this (?:article|story) )?in (?:korean|chinese|japanese|english|spanish|french|russian)\)?\.?$/i,
  /^(?:korean|chinese|japanese) version\.?$/i,
  /^leave a (?:reply|comment)\b/i,
  /^cancel reply$/i,
  /^post comment$/i,
  /^your email address will not be published/i,
  /^required fields are marked/i,
  /^you must be (?:logged|signed) in to (?:post|leave) a comment/i,
  /^notify me of (?:follow-up comments|new posts)/i,
  /^save my name, email,? and website\b/i,
  /^(?:comment|name|email|website)\s*\*?$/i,
  /^please direct any comments or questions\b/i,
  /^(?:contact us|e-?mail us|write to us|send (?:us )?(?:your )?(?:news )?tips)\b/i,
  /^[\p{L}\p{N} .&'’-]{2,60}[’']s mission is\b/iu,
  /\bcontent used with (?:the )?permission of\b/i,
  /^all rights reserved\.?$/i,
  /^share (?:this|on)\b/i,
  /^(?:share|tweet|print|email|e-mail|facebook|twitter|whatsapp|linkedin|telegram|copy link)$/i,
  /^(?:follow|like) us on\b/i,
  /^(?:subscribe|sign up) (?:to|for) (?:our|the)\b/i,
  /^(?:click|tap) here\b/i,
  /^comments?\.?$/i,
  /^advertisement\.?$/i,
  /^this (?:article|story) (?:was|has been) (?:updated|corrected)\b/i,
];

/** "© 2025 Yonhap News Agency. All rights reserved.", "Copyright 2025 The Associated Press." */
const COPYRIGHT = /^(?:copyright\b\s*(?:©|\(c\))?|©|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(?:by\s+)?(.{2,80}?)(?:\s*[.,]\s*(?:all rights reserved\.?)?|\s+all rights reserved\.?)?$/i;

function isCopyrightLine(p: string): boolean {
  // "Copyright law changed in 2009." is a sentence: a copyright line has the sign or the year right after the word.
  return p.length <= 200 && /^(?:©|\(c\)|copyright\s*(?:©|\(c\)|(?:19|20)\d{2}\b))/i.test(p);
}

function isBoilerplate(p: string): boolean {
  if (p.length > 600) return false;
  return isCopyrightLine(p) || BOILERPLATE.some((re) => re.test(p));
}

/** A lone sign-off after the text: an outlet abbreviation ("RFA"), "-30-", "###", "(END)". */
function isSignOff(p: string): boolean {
  return /^(?:[A-Z]{2,6}|-30-|#{3}|\(?END\)?)$/.test(p) || KNOWN_OUTLETS.some((o) => o.aliases.includes(p));
}

// ── paragraphs ──────────────────────────────────────────────────────────

/** A line ending in one of these cannot end a paragraph: the next line continues it. */
const CONTINUES = /(?:,|\b(?:the|a|an|of|to|in|on|at|for|with|by|from|and|or|but|that|which|who|as|than|its|their|his|her|was|were|is|are|has|have|had|been|not|into|about|after|before|over|under|between|during))$/i;

/** Lines that stand alone even when the line before them seems unfinished. */
function isStructural(line: string): boolean {
  return BYLINE_START.test(line) || RELATED_HEADING.test(line) || RELATED_INLINE.test(line) || TAG_PREFIX.test(line) || CAPTION_PREFIX.test(line) || isBoilerplate(line) || parseCredits(line) !== null;
}

/**
 * Paragraphs: each non-blank line is one, whether the text separates paragraphs with blank lines
 * or single newlines, except that a hard-wrapped line is rejoined to the one before it when that
 * one is clearly unfinished (no sentence ending, and the line starts lower-case or the one before
 * ends with a comma or a connective like "the").
 */
function toParagraphs(text: string): string[] {
  const lines = text.split('\n').map(clean);
  const out: string[] = [];
  let current: string | null = null;
  for (const line of lines) {
    if (!line) {
      if (current !== null) out.push(current);
      current = null;
      continue;
    }
    const continues =
      current !== null &&
      current.length > 40 &&
      !endsSentence(current) &&
      (/^\p{Ll}/u.test(line) || (CONTINUES.test(current) && !isStructural(line)));
    if (continues) {
      current = `${current} ${line}`;
    } else {
      if (current !== null) out.push(current);
      current = line;
    }
  }
  if (current !== null) out.push(current);
  return out;
}

// ── outlet ──────────────────────────────────────────────────────────────

/** The known outlet a printed name stands for ("The Associated Press" → "Associated Press"), else the name as printed. */
function resolveOutletName(printed: string): string | null {
  const s = printed.replace(/[\s.,;:]+$/, '').trim();
  const bare = s.replace(/^the\s+/i, '').toLowerCase();
  for (const o of KNOWN_OUTLETS) if (o.aliases.some((a) => a.toLowerCase() === s.toLowerCase() || a.replace(/^the\s+/i, '').toLowerCase() === bare)) return o.name;
  // An outlet we do not know: accept a short capitalised name, nothing sentence-like.
  return /^\p{Lu}/u.test(s) && wordCount(s) <= 6 && !/\d{3,}/.test(s) && s.length <= 60 ? s : null;
}

/** The outlet a footer names as the publisher: mission statements, permission lines, copyright lines. */
function outletFromFooters(footers: string[]): string | null {
  for (const f of footers) {
    const printed =
      /^(.{2,60}?)[’']s mission is\b/i.exec(f)?.[1] ??
      /\bcontent used with (?:the )?permission of\s+(.{2,60}?)(?:,|\.|$)/i.exec(f)?.[1] ??
      (isCopyrightLine(f) ? COPYRIGHT.exec(f)?.[1] : undefined);
    const name = printed ? resolveOutletName(printed) : null;
    if (name) return name;
  }
  return null;
}

function emailNames(address: string, outlet: KnownOutlet): boolean {
  const [local = '', domain = ''] = address.split('@');
  if (outlet.domains.some((d) => domain === d || domain.endsWith(`.${d}`))) return true;
  // "dailynkenglish@…": the squashed name opens a label. Short names ("ap") would match by chance.
  return outlet.aliases.some((alias) => {
    const squashed = alias.replace(/[\s-]+/g, '').toLowerCase();
    return squashed.length >= 5 && [local, ...domain.split('.')].some((label) => label.startsWith(squashed));
  });
}

/**
 * The outlet the article speaks of as itself; null when it names none. In order of trust: the
 * publisher named in its own footers (mission, permission, copyright); then a known outlet scored
 * by self-references ("Daily NK has learned", "(AP) —", a contact address, a lone "RFA" sign-off,
 * "told RFA"); then an unknown name in "<Outlet> has learned". A source merely quoted once
 * ("the source told Sand Times") is never enough.
 */
export function detectOutlet(text: string, footers: string[]): string | null {
  const fromFooters = outletFromFooters(footers);
  if (fromFooters) return fromFooters;
  const scores = new Map<string, number>();
  const bump = (name: string, n: number) => scores.set(name, (scores.get(name) ?? 0) + n);
  // Bounded quantifiers: an unbounded [\w.-]* here is quadratic on long runs of word characters.
  // A contact address is one of a handful; a text full of addresses is not worth scanning them all.
  const emails = [...new Set(Array.from(text.matchAll(/[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g), (m) => m[0].toLowerCase()))].slice(0, 50);
  for (const outlet of KNOWN_OUTLETS) {
    for (const alias of outlet.aliases) {
      const a = escapeRe(alias);
      const count = (re: RegExp) => text.match(re)?.length ?? 0;
      bump(outlet.name, 5 * count(new RegExp(`\\b${a}\\s+has\\s+learned\\b`, 'g')));
      bump(outlet.name, 2 * count(new RegExp(`\\btold\\s+${a}\\b`, 'g')));
      bump(outlet.name, 1 * count(new RegExp(`\\b${a}\\s+(?:reported|reports|has reported)\\b`, 'g')));
      bump(outlet.name, 6 * count(new RegExp(`\\(${a}\\)\\s*(?:--|[–—-])`, 'g')));
      if (footers.includes(alias)) bump(outlet.name, 4);
    }
    if (emails.some((e) => emailNames(e, outlet))) bump(outlet.name, 4);
  }
  let best: string | null = null;
  let bestScore = 1;
  for (const [name, score] of scores) if (score > bestScore) [best, bestScore] = [name, score];
  if (best) return best;
  // An outlet we do not know, stated the usual way ("Sand Times has learned").
  const learned = /(?<![\p{L}\p{N}])((?:\p{Lu}[\p{L}\p{N}’'-]{0,30} ){0,3}\p{Lu}[\p{L}\p{N}’'-]{0,30}) has learned\b/u.exec(text);
  return learned ? learned[1]! : null;
}

// ── title ───────────────────────────────────────────────────────────────

/** Reporting tails that are not part of a headline: ", Daily NK has learned", ", the report said". */
const ATTRIBUTION_TAIL =
  /(?:,|,?[”"])\s+(?:(?:[A-Z][\w’'-]*\s){0,4}(?:has|have)\s+learned|(?:[\w’'-]+\s){0,8}(?:reported|said|says|told\s+[\w ]+|according to [\w ’'-]+|sources said)(?:\s+(?:this|last|on)\s+\w+|\s+(?:today|yesterday|recently|\w+day))?)\.?$/;

/** `s` cut to at most `max` UTF-16 units without splitting a surrogate pair. */
function cutAt(s: string, max: number): string {
  const cut = s.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * A clean headline (≤ {@link TITLE_MAX} chars, never cut mid-word) from the lead sentence: the
 * attribution tail goes; a lead still too long ends at a clause boundary, or at a word boundary
 * with "…".
 */
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
  const space = cut.lastIndexOf(' ');
  // One enormous "word" (no space to cut at) can only be cut inside it.
  cut = space > 0 ? cut.slice(0, space) : cutAt(t, TITLE_MAX - 1);
  // Do not end inside an open quotation or on a dangling connective.
  const open = cut.lastIndexOf('“');
  if (open > cut.lastIndexOf('”') && open > 40) cut = cut.slice(0, open).trim();
  cut = cut.replace(/[\s,;:–—-]+$/, '').replace(/\s+(?:and|or|of|to|the|a|an|in|with|for|by|from|that|who|were|was|is|are)$/i, '');
  return `${cut}…`;
}

// ── the parser ──────────────────────────────────────────────────────────

/** Share of control or undecodable characters above which a text is taken for binary data. */
const BINARY_SHARE = 0.02;

function checkIsText(text: string, label: string): void {
  if (text.includes('\u0000')) throw new UserError(`${label}: not a text file (it contains NUL bytes)`, { id: 'seed.binary', values: { label } });
  const odd = text.match(/[\u0001-\u0008\u000e-\u001f\u007f-\u009f\ufffd]/g)?.length ?? 0;
  if (odd > 8 && odd > text.length * BINARY_SHARE) throw new UserError(`${label}: not a text file (${odd} control or undecodable characters)`, { id: 'seed.binary', values: { label, odd } });
}

/** Line breaks of every kind (CRLF, CR, U+2028) to "\n"; page and paragraph separators to a blank line. */
function normalizeBreaks(text: string): string {
  return text.replace(/\r\n?|\u2028|\u000b|\u0085/g, '\n').replace(/\u2029|\f/g, '\n\n');
}

/**
 * Parses one messy plain-text article into an {@link Article}. The id is derived from the source,
 * title and body, so the same text always gets the same id. Throws a {@link UserError} naming the
 * file when the text is empty, binary, or nothing but boilerplate.
 */
export function parseSeed(text: string, opts: SeedParseOptions = {}): Article {
  const label = opts.fileName ? `seed "${opts.fileName}"` : 'seed';
  if (typeof text !== 'string') throw new UserError(`${label}: expected text, got ${text === null ? 'null' : typeof text}`, { id: 'seed.not-text', values: { label } });
  checkIsText(text, label);
  const normalized = normalizeBreaks(text.replace(LONE_SURROGATE, '\ufffd'));
  const paras = toParagraphs(normalized);
  if (paras.length === 0) throw new UserError(`${label}: the file is empty`, { id: 'seed.empty', values: { label } });

  // ── head: tag line, caption, title, byline, date line, in any order near the top ──
  let tags: string[] = [];
  let caption: string | null = null;
  let title: string | null = null;
  let byline: string | null = null;
  let published: string | null = null;
  let updated: string | null = null;
  let sawByline = false;
  for (let step = 0; step < 8 && paras.length > 1; step++) {
    const p = paras[0]!;
    if (step === 0 && isTagLine(p)) {
      tags = splitTags(p);
      paras.shift();
      continue;
    }
    const by = parseByline(paras, 0);
    if (by && paras.length > by.span) {
      byline ??= by.name;
      sawByline = true;
      paras.splice(0, by.span);
      continue;
    }
    const date = parseDateLine(p, { bare: true });
    if (date) {
      if (date.updated) updated ??= date.iso;
      else published ??= date.iso;
      paras.shift();
      continue;
    }
    if (isUnreadableDateLine(p)) {
      paras.shift();
      continue;
    }
    if (caption === null && isCaption(p) && !DATELINE.test(p)) {
      caption = p.replace(CAPTION_PREFIX, '');
      paras.shift();
      continue;
    }
    if (title === null && !sawByline && isTitleLine(p)) {
      title = p;
      paras.shift();
      continue;
    }
    break;
  }

  // ── the rest: related blocks, credits, boilerplate, late bylines and date lines ──
  const editors: string[] = [];
  const footers: string[] = [];
  const body: string[] = [];
  for (let i = 0; i < paras.length; i++) {
    const p = paras[i]!;
    if (RELATED_HEADING.test(p)) {
      // The heading and the headline lines after it, up to the next real paragraph.
      let n = 0;
      while (n < 12 && i + 1 < paras.length && isRelatedHeadline(paras[i + 1]!) && !isStructural(paras[i + 1]!)) {
        i++;
        n++;
      }
      continue;
    }
    if (RELATED_INLINE.test(p) && isRelatedHeadline(p.replace(/^[^:]*:\s*/, ''))) continue;
    const credits = parseCredits(p);
    if (credits) {
      editors.push(...credits.editors.filter((e) => !editors.includes(e)));
      byline ??= credits.reporters;
      continue;
    }
    if (isBoilerplate(p)) {
      footers.push(p);
      continue;
    }
    if (TAG_PREFIX.test(p) && isTagLine(p)) {
      if (tags.length === 0) tags = splitTags(p);
      continue;
    }
    if (CAPTION_PREFIX.test(p) && p.length <= 600) {
      // A caption inside the text belongs to a picture that is not here.
      footers.push(p);
      continue;
    }
    const date = parseDateLine(p, { bare: false });
    if (date) {
      if (date.updated) updated ??= date.iso;
      else published ??= date.iso;
      continue;
    }
    if (body.length < 3) {
      const by = parseByline(paras, i);
      if (by && i + by.span < paras.length) {
        byline ??= by.name;
        i += by.span - 1;
        continue;
      }
    }
    body.push(p);
  }
  // A lone sign-off ("RFA") closing the text, once the footers after it are gone.
  while (body.length > 1 && isSignOff(body.at(-1)!)) footers.unshift(body.pop()!);
  if (body.length === 0) throw new UserError(`${label}: no article text left after removing tag line, caption, byline and boilerplate`, { id: 'seed.no-body', values: { label } });

  let dateline: string | null = null;
  const dl = splitDateline(body[0]!);
  if (dl) {
    dateline = dl.dateline;
    body[0] = dl.rest;
  }

  const outlet = detectOutlet(clean(normalized.replace(/\n/g, ' ')), footers);
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
    publishedAt: published ?? updated,
  };
}
