/**
 * Reading a noun phrase the way an attribution uses it: is it a person's name ("CEO Tim Cook" →
 * "Tim Cook"), a pronoun, a described source ("a university student in the same province"), a
 * role ("the actor") or a document ("the new directive")? Pure string rules, no state.
 */

const TITLE_WORDS = new Set(
  [
    'ceo', 'cfo', 'coo', 'president', 'vice', 'prime', 'minister', 'secretary', 'press', 'gov', 'gov.', 'governor', 'sen', 'sen.', 'senator', 'rep', 'rep.',
    'dr', 'dr.', 'mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'prof', 'prof.', 'lt', 'lt.', 'col', 'col.', 'cmdr', 'cmdr.', 'gen', 'gen.', 'sgt', 'sgt.', 'capt', 'capt.',
    'superintendent', 'speaker', 'judge', 'coach', 'attorney', 'chairman', 'chairwoman', 'director', 'commissioner', 'ambassador', 'chief',
    'executive', 'deputy', 'comrade', 'general', 'leader', 'mayor', 'sheriff', 'officer', 'spokesman', 'spokeswoman', 'spokesperson', 'host',
    'founder', 'insider', 'editor', 'professor', 'rev.', 'pope', 'king', 'queen', 'prince', 'princess', 'u.s.', 'us', 'lord', 'sir', 'dame',
  ],
);
/** Abbreviations with a full stop that do not end a name ("Mrs. Smith", "Gov. Noem", "Sen. Johnson"). */
const ABBREVIATIONS = new Set(['mrs.', 'gov.', 'sen.', 'rep.', 'gen.', 'col.', 'sgt.', 'capt.', 'prof.', 'rev.', 'cmdr.', 'lt.', 'jr.', 'sr.', 'st.', 'mt.', 'ft.', 'bros.', 'inc.', 'corp.', 'co.', 'ltd.', 'messrs.', 'supt.', 'atty.', 'adm.', 'maj.', 'pres.', 'gov’t.']);
const NAME_PARTICLES = new Set(['van', 'von', 'de', 'der', 'den', 'da', 'del', 'la', 'le', 'al', 'bin', 'ibn', 'el', 'di', 'du']);
const DETERMINERS = new Set(['a', 'an', 'the', 'some', 'this', 'that', 'these', 'those', 'one', 'another', 'many', 'several', 'most', 'two', 'three', 'our', 'my', 'your']);
const POSSESSIVE_PRONOUNS = new Set(['his', 'her', 'their', 'its']);
/** Words that put a capitalised run inside a phrase rather than at its head ("the sister of … Kim Jong Un", "operation in Iraq and Syria"). */
const CLAUSE_WORDS = new Set(['of', 'for', 'at', 'in', 'from', 'to', 'with', 'on', 'by', 'and', 'or', 'against', 'about', 'into', 'over', 'under', 'inside', 'near']);
export const PRONOUNS = new Set(['he', 'she', 'they', 'i', 'we', 'it']);

/** Nouns that describe an unnamed person a reporter quotes; "the source" points back to "a source in …". */
export const SOURCE_NOUNS = new Set([
  'source', 'sources', 'student', 'resident', 'residents', 'official', 'officials', 'spokesperson', 'spokesman', 'spokeswoman', 'refugee',
  'defector', 'soldier', 'woman', 'man', 'worker', 'trader', 'insider', 'witness', 'informant', 'person', 'patient', 'diplomat', 'analyst', 'officer',
  'mother', 'father', 'parent', 'daughter', 'son', 'wife', 'husband', 'friend', 'neighbor', 'neighbour', 'relative', 'employee', 'customer', 'passenger',
  'bystander', 'victim', 'survivor', 'nurse', 'teacher', 'fan', 'shopper', 'visitor', 'driver', 'owner', 'user', 'expert', 'commenter', 'observer',
  'lawyer',
]);
/** Roles that stand for the person the story is currently about ("said the actor", "the singer and guitarist told"). */
export const ROLE_NOUNS = new Set([
  'actor', 'actress', 'singer', 'guitarist', 'coach', 'player', 'star', 'president', 'governor', 'senator', 'ceo', 'executive', 'chairman',
  'captain', 'minister', 'secretary', 'commander', 'veteran', 'winger', 'forward', 'defenseman', 'goalie', 'quarterback', 'rapper', 'director',
  'founder', 'author', 'doctor', 'physician', 'scientist', 'researcher', 'professor', 'leader', 'lawmaker', 'congressman', 'congresswoman',
]);
/** Written texts a quotation can be taken from. */
export const DOCUMENT_NOUNS = new Set([
  'order', 'orders', 'directive', 'directives', 'letter', 'letters', 'statement', 'statements', 'message', 'messages', 'report', 'notice',
  'decree', 'memo', 'tweet', 'post', 'instruction', 'instructions', 'warning', 'announcement', 'editorial', 'commentary', 'note', 'poll', 'survey',
  'study', 'studies', 'analysis', 'paper', 'ruling', 'filing', 'complaint', 'lawsuit', 'indictment', 'affidavit', 'email', 'e-mail', 'release', 'petition', 'verdict',
]);

export function words(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

function bare(w: string): string {
  return w.replace(/^[“”"‘’'(]+|[“”"‘’',;:)]+$/g, '');
}

function isCapitalised(w: string): boolean {
  return /^[\p{Lu}][\p{L}\p{M}’'.-]*$/u.test(bare(w)) && !/^[\p{Lu}][’']s$/u.test(bare(w));
}

/** Maximal runs of capitalised words (with inner particles: "James Van Der Beek", "Joel Eriksson Ek"). */
export function capitalisedRuns(phrase: string): Array<{ start: number; tokens: string[] }> {
  const ws = words(phrase);
  const runs: Array<{ start: number; tokens: string[] }> = [];
  let cur: { start: number; tokens: string[] } | null = null;
  ws.forEach((w, i) => {
    const b = bare(w);
    const particle = cur && NAME_PARTICLES.has(b) && i + 1 < ws.length && isCapitalised(ws[i + 1]!);
    // An opening bracket or quote mark starts a new run ("Charlie McDowell (“The Discovery,”").
    if (cur && /^[(“"‘]/.test(w)) {
      runs.push(cur);
      cur = null;
    }
    if ((isCapitalised(w) && b.length > 0) || particle) {
      cur ??= { start: i, tokens: [] };
      cur.tokens.push(b.replace(/[’']s$/, ''));
      // A possessive, a trailing comma or a full stop after a word (not an abbreviation) ends the run
      // ("Kim’s order", "Mayer, Disney’s chairman", "around Central Park. Was this …").
      if (/[’']s$|[,;:]$/.test(w.replace(/[”"’]+$/, '')) || (/[\p{Ll}]{2,}\.$/u.test(w) && !ABBREVIATIONS.has(b.toLowerCase()))) {
        runs.push(cur);
        cur = null;
      }
    } else if (cur) {
      runs.push(cur);
      cur = null;
    }
  });
  if (cur) runs.push(cur);
  return runs;
}

/** "White House Press Secretary Stephanie Grisham" → "Stephanie Grisham"; all-caps tags (CEO, DL) count as titles. */
export function stripTitles(tokens: string[]): string[] {
  let last = -1;
  tokens.forEach((t, i) => {
    if (TITLE_WORDS.has(t.toLowerCase()) || (/^[A-Z]{2,4}$/.test(t) && i < tokens.length - 1)) last = i;
  });
  const rest = tokens.slice(last + 1);
  return rest.length > 0 ? rest : tokens;
}

export type PhraseKind = 'name' | 'pronoun' | 'possessive' | 'source' | 'role' | 'document' | 'other';

export interface Phrase {
  kind: PhraseKind;
  /** The phrase as a reader would cite it (titles and trailing adverbs dropped, first letter lower-cased for descriptions). */
  text: string;
  /** Head noun for descriptions ("student"); the pronoun for pronouns; the owner pronoun for possessives. */
  head: string;
  /** The noun after a possessive pronoun ("order" in "her order"). */
  rest?: string;
  plural: boolean;
}

const TRAILING_ADVERBS = /\s+(?:instead|also|further|later|previously|recently|earlier|then|still|again|tearfully|jokingly|simply|once|now|however|too|first|finally|separately|meanwhile|today|tuesday|monday|wednesday|thursday|friday|saturday|sunday)$/i;

/** Cuts a relative clause or trailing adjunct off a description ("a spokesperson who did not wish…" → "a spokesperson"). */
function trimDescription(s: string): string {
  return s
    .replace(/\s+(?:who|which|that|whose|whom)(?:\s.*)?$/i, '')
    .replace(/\s*\(.*$/, '')
    .replace(/[“”"]/g, '')
    .replace(/[\s,;:.]+$/, '')
    .trim();
}

/** Classifies a subject phrase taken from an attribution clause. */
export function readPhrase(raw: string): Phrase | null {
  let s = raw.replace(/\s+/g, ' ').replace(/[“”"]/g, '').replace(/^[\s,;:—–-]+|[\s,;:—–-]+$/g, '').replace(/^(?:and|but|so|while|as|which|who|what|that)(?:\s+|$)/i, '');
  while (TRAILING_ADVERBS.test(s)) s = s.replace(TRAILING_ADVERBS, '');
  s = s.trim();
  // "43-year-old Martin Taylor of Aberdeenshire" → "43-year-old Martin Taylor": a place after a name is not the speaker.
  const ofPlace = /^((?:[\p{Ll}\d][\p{L}\d’'-]*\s+)*[\p{Lu}][\p{L}’'.-]+(?:\s+[\p{Lu}][\p{L}’'.-]+)*)\s+of\s+[\p{Lu}]/u.exec(s);
  if (ofPlace && !DETERMINERS.has(words(s)[0]!.toLowerCase()) && capitalisedRuns(ofPlace[1]!).some((r) => r.tokens.length >= 2)) s = ofPlace[1]!;
  if (!s) return null;
  const ws = words(s);
  const first = bare(ws[0]!).toLowerCase();
  // "he’d respond", "she’ll say": a contracted auxiliary leaves the pronoun.
  if (ws.length === 1 && /^(?:he|she|they|i|we)[’'](?:d|ll)$/.test(first)) return { kind: 'pronoun', text: s, head: first.replace(/[’'].*$/, ''), plural: /^(?:they|we)/.test(first) };
  if (ws.length === 1 && PRONOUNS.has(first)) return { kind: 'pronoun', text: s, head: first, plural: first === 'they' || first === 'we' };
  if (POSSESSIVE_PRONOUNS.has(first) && ws.length >= 2) {
    const rest = trimDescription(ws.slice(1).join(' '));
    return { kind: 'possessive', text: s, head: first, rest, plural: false };
  }
  const runs = capitalisedRuns(s);
  const det = DETERMINERS.has(first);
  // A name: the phrase is a capitalised run, or ends with one after a lower-case role word
  // ("judge Inaba", "the 14th-ranked Schwartzman", "Wild coach Bruce Boudreau").
  const lastRun = runs[runs.length - 1];
  if (lastRun) {
    const endsWithRun = lastRun.start + lastRun.tokens.length === ws.length;
    const before = bare(ws[lastRun.start - 1] ?? '');
    const prefixOk = ws.slice(0, lastRun.start).every((w) => !CLAUSE_WORDS.has(bare(w).toLowerCase()));
 if (endsWithRun && !det && lastRun.start === 0 && !/[’']s$/.test(ws[ws.length - 1]!)) {
      return { kind: 'name', text: stripTitles(lastRun.tokens).join(' '), head: lastRun.tokens[lastRun.tokens.length - 1]!, plural: false };
    }
    if (endsWithRun && lastRun.start > 0 && before && prefixOk && !DETERMINERS.has(before) && /^[\p{Ll}\d]/u.test(before)) {
      return { kind: 'name', text: stripTitles(lastRun.tokens).join(' '), head: lastRun.tokens[lastRun.tokens.length - 1]!, plural: false };
    }
  }
  const text = trimDescription(s).replace(/^(The|A|An|Some)\b/, (m) => m.toLowerCase());
  const tw = words(text).map((w) => bare(w).toLowerCase());
  // The head is the last noun before a preposition ("student" in "a university student in the same province").
  const prep = tw.findIndex((w, i) => i > 0 && /^(in|inside|of|from|at|for|with|near|on|close|familiar|signed|by)$/.test(w));
  const headWords = prep === -1 ? tw : tw.slice(0, prep);
  const head = (headWords[headWords.length - 1] ?? '').replace(/[’']s$/, '');
  const plural = /s$/.test(head) && !/ss$/.test(head);
  if (headWords.some((w) => SOURCE_NOUNS.has(w.replace(/[’']s$/, '')))) {
    // The last such noun heads the phrase ("the victim’s mother" is a mother).
    const h = headWords.findLast((w) => SOURCE_NOUNS.has(w.replace(/[’']s$/, '')))!.replace(/[’']s$/, '');
    return { kind: 'source', text, head: h, plural };
  }
  if (DOCUMENT_NOUNS.has(head)) return { kind: 'document', text, head, plural };
  if (det && tw.length <= 4 && headWords.some((w) => ROLE_NOUNS.has(w))) return { kind: 'role', text, head, plural };
  return { kind: 'other', text, head, plural };
}
