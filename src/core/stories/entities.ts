/**
 * What independently written reports of one happening share even when their wording differs: the
 * names of the people, places and organisations in it, its figures (a toll, a score, a price, a
 * magnitude) and its dates. Read from the raw text, because capitals tell names from words; no
 * dictionary or model — a capitalised word counts as a name only if the report never writes it in
 * lower case, so sentence openings and headline capitals ("Dead", "Fire") drop out by themselves.
 */

/** Characters read: the lead carries the happening (the signature keeps its 16 most telling entities), and the cost per article stays bounded. */
const MAX_CHARS = 3000;

export type EntityKind = 'name' | 'fullname' | 'number' | 'date';

export interface Entity {
  key: string;
  kind: EntityKind;
  /** Occurrences in the text read (the title counts twice). */
  count: number;
  /** Token position of the first occurrence (the title is position 0). */
  first: number;
}

const MONTHS = new Map<string, number>(Object.entries({

  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6, july: 7, jul: 7,
  august: 8, aug: 8, september: 9, sept: 9, sep: 9, october: 10, oct: 10, november: 11, nov: 11, december: 12, dec: 12,
}));

/**
 * Capitalised words that are never names by themselves: function words that open sentences and
 * headlines, days and months (dates are read separately), and honorifics that precede a name.
 */
const NOT_NAMES = new Set(
  ('the a an and or but if as at by for from in into of on onto to with without over under after before about against between through during ' +
    'this that these those there here it its he she they we you i his her their our your my me him them us who what when where why how which ' +
    'is are was were be been being has have had do does did will would can could should may might must shall not no yes so than then also just ' +
    'all any each every some many more most much few other another such only own same both either neither nor ' +
    'monday tuesday wednesday thursday friday saturday sunday today tonight yesterday tomorrow ' +
    'mr mrs ms dr sir st gov sen rep pres gen col capt lt sgt prof ' +
    'breaking update updated live watch read photo photos video videos opinion analysis exclusive report reports news').split(' '),
);

/** Lower-case words that may join the parts of one name ("Bank of England", "Santa María de …"). */
const CONNECTORS = new Set(['of', 'de', 'del', 'della', 'da', 'do', 'dos', 'du', 'la', 'le', 'van', 'von', 'der', 'den', 'bin', 'al', 'y']);


const ASCII = /^[\x00-\x7f]*$/;
/** Lower case without accents ("Zapotitlán" = "zapotitlan"); plain ASCII skips the Unicode work. */
const fold = (s: string) => (ASCII.test(s) ? s.toLowerCase() : s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase());
const UPPER = /^\p{Lu}/u;
const DIGIT = /\p{N}/u;
function isUpper(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90;
  return UPPER.test(s);
}
function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
    if (c >= 128) return DIGIT.test(s);
  }
  return false;
}

interface Tok {
  text: string;
  folded: string;
  upper: boolean;
  digit: boolean;
  /** First token of a sentence, a line or a quotation: its capital says nothing. */
  opening: boolean;
  /** Punctuation (other than a connecting hyphen or apostrophe) before this token. */
  broken: boolean;
}

/** Abbreviations whose full stop ends no sentence ("Gov. Alejandro Murat", "Fort Worth, Texas, Calif. officials"). */
const ABBREVIATIONS = new Set('mr mrs ms dr st mt ft gov sen rep gen col capt lt sgt prof jr sr inc corp co ltd no vs jan feb mar apr aug sep sept oct nov dec calif fla ariz tex mass wash'.split(' '));

const INITIALS = /^(?:\p{Lu}\.?)+$/u;

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
function isWordChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  return WORD_CHAR.test(text[i]!);
}
/** Characters that join two parts of one token ("U.S", "2,997.10", "O'Neal", "8.2-magnitude"). */
const isJoiner = (c: number) => c === 39 || c === 0x2019 || c === 46 || c === 44 || c === 58 || c === 45;
/**
 * Characters between two tokens that end a sentence or open a quotation, a line or a parenthesis:
 * . ! ? : ; newline " ( [ | and the curly quotes, guillemets and dashes.
 */
const isOpener = (c: number) =>
  c === 46 || c === 33 || c === 63 || c === 58 || c === 59 || c === 10 || c === 34 || c === 40 || c === 91 || c === 124 ||
  c === 0x201c || c === 0x201d || c === 0xab || c === 0xbb || c === 0x2014 || c === 0x2013;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;

/** The words and figures of a text with what the punctuation before each says (a hand-written scanner: the cost per article matters). */
function tokens(text: string): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let last = 0;
  let i = 0;
  while (i < n) {
    if (!isWordChar(text, i)) {
      i++;
      continue;
    }
    const start = i++;
    while (i < n) {
      if (isWordChar(text, i)) i++;
      else if (isJoiner(text.charCodeAt(i)) && i + 1 < n && isWordChar(text, i + 1)) i += 2;
      else break;
    }
    let word = text.slice(start, i);
    const end = word.charCodeAt(word.length - 1);
    if ((end === 115 || end === 83) && word.length > 2) {
      const q = word.charCodeAt(word.length - 2);
      if (q === 39 || q === 0x2019) word = word.slice(0, -2);
    }
    // What the text between the previous token and this one says.
    let opening = out.length === 0;
    let broken = opening;
    let onlyStop = text.charCodeAt(last) === 46 && start - last >= 2;
    for (let j = last; j < start; j++) {
      const c = text.charCodeAt(j);
      if (isOpener(c) || (c === 45 && j + 1 < start && isSpace(text.charCodeAt(j + 1)))) opening = true;
      if (c === 44 || c === 41 || c === 93) broken = true;
      if (j > last && !isSpace(c)) onlyStop = false;
    }
    // "U.S. Geological Survey", "Gov. Murat": the stop after an abbreviation or initials is no sentence end.
    const prev = out[out.length - 1];
    if (opening && onlyStop && prev && (ABBREVIATIONS.has(prev.folded) || (prev.upper && INITIALS.test(prev.text)))) opening = false;
    out.push({ text: word, folded: fold(word), upper: isUpper(word), digit: hasDigit(word), opening, broken: broken || opening });
    last = i;
  }
  return out;
}

/** A figure as reports write it: thousands separators dropped, units and "-year-old" cut off. */
function numberKey(raw: string): string | null {
  const s = raw.replace(/,(?=\d{3}\b)/g, '');
  let m = /^(\d+(?:\.\d+)?)$/.exec(s);
  if (m) {
    const v = m[1]!;
    // Single digits and the like are in every report; they tell nothing about the happening.
    return v.includes('.') || Number(v) >= 10 ? v : null;
  }
  m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(s);
  if (m) return `${m[1]}-${m[2]}`;
  m = /^(\d+(?:\.\d+)?)-?\p{L}+(?:-\p{L}+)*$/u.exec(s);
  if (m) return m[1]!.includes('.') || Number(m[1]) >= 10 ? m[1]! : null;
  return null;
}

/**
 * The entities of a report (title and the start of its body), each with its count and first
 * position, in no particular order. Deterministic: the same text always gives the same list.
 */
export function extractEntities(title: string, body: readonly string[]): Entity[] {
  let text = body.join('\n');
  if (text.length > MAX_CHARS) text = text.slice(0, MAX_CHARS);
  const titleToks = tokens(title);
  const bodyToks = tokens(text);
  // Words the report writes in lower case anywhere are words, not names.
  const lower = new Set<string>();
  for (const toks of [titleToks, bodyToks]) for (const t of toks) if (!t.digit && !t.upper) lower.add(t.folded);
  // Capitalised words seen somewhere other than at an opening are names there, and so at openings
  // too; so are those the body only ever writes at openings, if at least twice ("Microsoft said …
  // Microsoft will …") — a word that opens two sentences and is never in lower case is a name.
  const namedInside = new Set<string>();
  const openings = new Map<string, number>();
  for (const t of bodyToks) {
    if (!t.upper || t.digit) continue;
    if (!t.opening) namedInside.add(t.folded);
    else openings.set(t.folded, (openings.get(t.folded) ?? 0) + 1);
  }
  for (const [w, n] of openings) if (n >= 2) namedInside.add(w);
  // A headline in title case capitalises every word: there, only words the body also capitalises count.
  const words = titleToks.filter((t) => !t.digit && t.text.length > 3);
  const titleCase = words.length >= 3 && words.filter((t) => t.upper).length >= words.length * 0.6;

  const found = new Map<string, Entity>();
  const add = (key: string, kind: EntityKind, pos: number, weight: number) => {
    const e = found.get(key);
    if (e) e.count += weight;
    else found.set(key, { key, kind, count: weight, first: pos });
  };

  const scan = (toks: Tok[], inTitle: boolean, offset: number) => {
    const weight = inTitle ? 2 : 1;
    const nameOk = (t: Tok) => {
      if (!t.upper || t.digit || t.folded.length < 2 || NOT_NAMES.has(t.folded) || MONTHS.has(t.folded)) return false;
      if (lower.has(t.folded)) return false;
      if (inTitle && titleCase) return namedInside.has(t.folded);
      return !t.opening || namedInside.has(t.folded);
    };
    let run: string[] = [];
    const flush = (pos: number) => {
      // Connectors only join names: none at either end.
      while (run.length && CONNECTORS.has(run[run.length - 1]!)) run.pop();
      const names = run.filter((w) => !CONNECTORS.has(w));
      for (const w of names) add(`n:${w}`, 'name', pos, weight);
      if (names.length >= 2) add(`N:${run.join(' ')}`, 'fullname', pos, weight);
      run = [];
    };
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      const pos = inTitle ? 0 : offset + i;
      // Dates: "March 16", "Sept. 10", "16 June".
      const month = t.upper ? MONTHS.get(t.folded) : undefined;
      if (month !== undefined && (t.folded !== 'may' || toks[i + 1]?.digit)) {
        const next = toks[i + 1]?.text;
        const prev = toks[i - 1]?.text;
        const day = next && /^\d{1,2}$/.test(next) ? Number(next) : prev && /^\d{1,2}$/.test(prev) ? Number(prev) : 0;
        if (day >= 1 && day <= 31) {
          add(`d:${month}-${day}`, 'date', pos, weight);
          if (next && /^\d{1,2}$/.test(next)) i++;
          flush(pos);
          continue;
        }
      }
      if (t.digit) {
        flush(pos);
        // A day already read with its month is not a figure.
        const next = toks[i + 1];
        if (next?.upper && MONTHS.has(next.folded) && /^\d{1,2}$/.test(t.text)) continue;
        const key = numberKey(t.text);
        if (key) add(`#:${key}`, 'number', pos, weight);
        continue;
      }
      if (t.broken) flush(pos);
      if (nameOk(t)) run.push(t.folded);
      else if (run.length && CONNECTORS.has(t.folded) && !t.broken) run.push(t.folded);
      else flush(pos);
    }
    flush(offset + toks.length);
  };
  scan(titleToks, true, 0);
  scan(bodyToks, false, 1);
  return [...found.values()];
}

/** Entities kept per article for linking (and stored with it): enough for a report's lead. */
export const ENTITY_SLOTS = 16;

/** The entity a signature value stands for (without its headline mark). */
export const entityId = (h: number) => h >>> 1;

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const KIND_BONUS: Record<EntityKind, number> = { fullname: 1, number: 1, date: 1, name: 0 };

/**
 * A report's entity signature: the hashes of its ENTITY_SLOTS most telling entities, most telling
 * first — the title's and the lead's, then the most repeated; full names, figures and dates before
 * single name words. The lowest bit of each marks a name in the headline (`entityId` drops it).
 * Deterministic; 0 never occurs (it marks an empty slot).
 */
export function entitySignature(title: string, body: readonly string[]): Uint32Array {
  const ranked = extractEntities(title, body)
    .map((e) => ({ e, score: e.count + (e.first === 0 ? 2 : e.first <= 60 ? 1 : 0) + KIND_BONUS[e.kind] }))
    .sort((a, b) => b.score - a.score || a.e.first - b.e.first || (a.e.key < b.e.key ? -1 : a.e.key > b.e.key ? 1 : 0));
  const out: number[] = [];
  const seen = new Set<number>();
  for (const { e } of ranked) {
    // The entity is the hash's upper 31 bits; the lowest bit marks a name the headline carries.
    const id = fnv(e.key) >>> 1 || 1;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(((id << 1) | (e.first === 0 && (e.kind === 'name' || e.kind === 'fullname') ? 1 : 0)) >>> 0);
    if (out.length === ENTITY_SLOTS) break;
  }
  return Uint32Array.from(out);
}
