import { splitSentences } from '../text/sentences.ts';
import { tokenizeWithOffsets, type Token } from '../text/tokenize.ts';

/**
 * Candidate names and phrases of an article, for /trending: names are runs of capitalised words
 * ("Kim Yo Jong", "Korean Central News Agency"), phrases are pairs of adjacent lower-case content
 * words ("rice prices"). Keys are the search tokenizer's terms joined by spaces, so a candidate is
 * counted in the archive as exactly that phrase.
 */

export type CandidateKind = 'name' | 'phrase';

export interface Mention {
  kind: CandidateKind;
  /** As written (the last form seen in this article), possessive dropped. */
  shown: string;
  /** Times mentioned in the body and title. */
  count: number;
  /** Times mentioned in the title. */
  inTitle: number;
}

/** Words that start no name and make no phrase: function words, reporting verbs, calendar words. */
const STOP = new Set(
  (
    'a an the and or but nor so yet for of to in on at by with from as into onto over under about after before since until during ' +
    'against among between through without within across behind beyond near off out up down than then there here where when while ' +
    'who whom whose which what why how that this these those it its he she they them their his her him we us our you your i me my ' +
    'is are was were be been being am has have had having do does did done will would shall should can could may might must ' +
    'not no yes also just only even still very more most much many some any all each every both few other another such own same ' +
    'said says say told tells according reported reports added asked called according one two three four five six seven eight nine ten ' +
    'first second third last next new old year years month months week weeks day days time times today yesterday tomorrow ago ' +
    'mr mrs ms dr however meanwhile moreover although though because if whether unless again around per via like including'
  ).split(' '),
);
const CALENDAR = new Set(
  'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec'.split(' '),
);
/** Lower-case words that may join the parts of a name ("Democratic People's Republic of Korea"). */
const CONNECTORS = new Set(['of', 'al', 'bin', 'de', 'del', 'der', 'van', 'von', 'la', 'le', 'du', 'da', 'di']);
/** Longer capitalised runs (connectors not counted) are headlines in title case or lists, not names. */
const MAX_NAME_WORDS = 4;
/** Titles before a name, not part of it ("Comrade Kim Yo Jong", "Foreign Minister Choe Son Hui"). */
const TITLES = new Set(
  'comrade leader chairman chairwoman president premier minister general marshal colonel major captain sergeant lieutenant commander secretary ambassador director chief senator governor mayor prime foreign defense defence vice deputy king queen prince princess pope reverend sister brother'.split(' '),
);

const CAPITAL = /^\p{Lu}/u;
const LOWER = /^\p{Ll}/u;
const NUMBER = /^\p{N}/u;
/** Between two words of one name or phrase: spaces, or a hyphen ("Yo-Jong"). */
const JOINS = /^[ \u00a0]*[-‐]?[ \u00a0]*$/;

/** True for a headline In Title Case (its capitals say nothing about names). */
function titleCased(tokens: Token[], text: string): boolean {
  const words = tokens.filter((t) => t.term.length > 3 && !NUMBER.test(t.term));
  if (words.length < 3) return false;
  return words.filter((t) => CAPITAL.test(text.slice(t.start, t.end))).length / words.length >= 0.6;
}

function add(out: Map<string, Mention>, key: string, kind: CandidateKind, shown: string, inTitle: boolean): void {
  const m = out.get(key);
  if (m) {
    m.count++;
    if (inTitle) m.inTitle++;
    m.shown = shown;
  } else out.set(key, { kind, shown, count: 1, inTitle: inTitle ? 1 : 0 });
}

function scan(text: string, inTitle: boolean, out: Map<string, Mention>): void {
  const tokens = tokenizeWithOffsets(text);
  const names = !(inTitle && titleCased(tokens, text));
  const raw = (t: Token) => text.slice(t.start, t.end);
  const joined = (a: Token, b: Token) => JOINS.test(text.slice(a.end, b.start));
  let run: number[] = [];
  const flush = () => {
    let r = run;
    run = [];
    const edge = (i: number) => STOP.has(tokens[i]!.term) || CALENDAR.has(tokens[i]!.term) || CONNECTORS.has(tokens[i]!.term);
    while (r.length && (edge(r[0]!) || (r.length > 1 && TITLES.has(tokens[r[0]!]!.term)))) r = r.slice(1);
    while (r.length && edge(r.at(-1)!)) r = r.slice(0, -1);
    if (r.length === 0 || r.filter((i) => !CONNECTORS.has(tokens[i]!.term)).length > MAX_NAME_WORDS) return;
    // A lone capitalised word opening a sentence is just the sentence's first word.
    if (r.length === 1 && r[0] === 0) return;
    const first = tokens[r[0]!]!;
    const last = tokens[r.at(-1)!]!;
    const shown = text.slice(first.start, last.end).replace(/['’]s$/u, '');
    add(out, r.map((i) => tokens[i]!.term).join(' '), 'name', shown, inTitle);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const word = raw(t);
    if (names && CAPITAL.test(word) && !NUMBER.test(word)) {
      if (run.length && !joined(tokens[run.at(-1)!]!, t)) flush();
      run.push(i);
      continue;
    }
    const next = tokens[i + 1];
    if (run.length && CONNECTORS.has(t.term) && next && CAPITAL.test(raw(next)) && joined(tokens[run.at(-1)!]!, t) && joined(t, next)) {
      run.push(i);
      continue;
    }
    flush();
    // Phrases: two adjacent lower-case content words.
    if (next && LOWER.test(word) && LOWER.test(raw(next)) && joined(t, next) && content(t.term) && content(next.term)) {
      add(out, `${t.term} ${next.term}`, 'phrase', `${t.term} ${next.term}`, inTitle);
    }
  }
  flush();
}

function content(term: string): boolean {
  return term.length >= 3 && !STOP.has(term) && !CALENDAR.has(term) && !NUMBER.test(term);
}

/** Every candidate name and phrase of one article, with how often it is mentioned. */
export function mentionsIn(title: string, paragraphs: readonly string[]): Map<string, Mention> {
  const out = new Map<string, Mention>();
  scan(title, true, out);
  for (const p of paragraphs) {
    for (const s of splitSentences(p)) scan(p.slice(s.start, s.end), false, out);
  }
  return out;
}
