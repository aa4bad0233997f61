/**
 * Who said each quotation: the attribution's subject resolved the way a careful reader would —
 * pronouns and "the source"/"the student" back to the speaker they stand for, surnames to the
 * full name, "Kim’s order" to "Kim Yo Jong’s order", unattributed follow-on quotations to the
 * speaker of the moment. One pass over the article in reading order, keeping a short history
 * of who spoke and who the sentences were about.
 */
import { splitSentences } from '../text/sentences.ts';
import { attributionOf, clauseBefore, invertedSubject, pickSubject, type Clause } from './attribution.ts';
import { MIN_WORDS, type QuoteSpan } from './find.ts';
import { givenNameGender, nounGender, PeopleIndex } from './coreference.ts';
import { at, Discourse, ORGANISATION_NOUN, SENTENCE_INTRO, type Entity } from './discourse.ts';
import { capitalisedRuns, readPhrase, ROLE_NOUNS, SOURCE_NOUNS, stripTitles, words } from './phrases.ts';

export interface Speaker {
  /** The person or described source ("Kim Yo Jong", "a university student in Ryanggang province", "the Pentagon"). */
  name: string;
  /** The outlet the speaker talked to ("RFA Korean", "Daily NK"), when the text says so. */
  told: string | null;
}

export interface Attribution {
  clause: Clause | null;
  speaker: Speaker | null;
  /** How the speaker was found, for the confidence (confidence.ts); absent when there is no speaker. */
  evidence?: Evidence;
}

/**
 * The way a speaker was reached. `clause-*`: the attribution clause beside the quotation names
 * them (`clause-name` "Boudreau said", `clause-source` "a source in … told", `clause-source-earlier`
 * "the source said" back to "a source in …", `clause-pronoun` "he said", `clause-role` "said the
 * actor", `clause-possessive` "her order", `clause-document` "the directive says", `clause-organisation`
 * "the company said", `clause-unresolved` "the group said" with no group named before, `clause-other`
 * a phrase the reader could not classify). The rest have no clause: `fragment` words inside a
 * narrative sentence, `sentence-subject` a name opening the sentence, `signed` a line below naming
 * the speaker, `paragraph-person` the person this paragraph is about, `previous-speaker` whoever
 * spoke just before, `previous-person` the person the paragraph before was about, `recent-speaker`
 * anyone who spoke in the last three paragraphs, `pull-quote` the same words said elsewhere.
 */
export type Via =
  | 'clause-name' | 'clause-source' | 'clause-source-earlier' | 'clause-pronoun' | 'clause-role' | 'clause-possessive' | 'clause-document' | 'clause-organisation' | 'clause-unresolved' | 'clause-other'
  | 'fragment' | 'sentence-subject' | 'signed' | 'paragraph-person' | 'previous-speaker' | 'previous-person' | 'recent-speaker' | 'pull-quote';

export interface Evidence {
  via: Via;
  /** Paragraphs back to where the speaker last spoke or was named before the quotation (0: this paragraph). */
  distance: number;
  /** Other people or sources the clause's words (or, without a clause, the story's thread) could as well mean. */
  rivals: number;
  /** The pronoun's match was the article's slip and was replaced by the paragraph's person. */
  slip?: boolean;
  /** Quotations given to this speaker by a pronoun or no clause since the article last wrote their name. */
  chain: number;
}

const GROUP_NOUNS = /^(?:families|officials|residents|doctors|physicians|teachers|officers|students|soldiers|parents|authorities|sources|troops|workers|people|critics|analysts|lawmakers|officers|organizations|members|observers|experts|protesters|voters)$/;
const SOURCE_INTRO = new RegExp(
  String.raw`(?:\b(?:an?|another|one)\s+|(?:[\p{Lu}][\p{L}.]*\s+)*[\p{L}.]+[’']s\s+)((?:[\p{L}\p{N}’'-]+\s+){0,4}?)(${[...SOURCE_NOUNS].filter((n) => !/s$/.test(n)).join('|')})\b((?:\s+(?:in|inside|from|at|of|with|for|near)\s+(?:the\s+)?[^,.;:“”"()]*?)?)(?=\s*[,.;:“”"()]|\s+(?:who|that|told|tells|said|says|recently|has|had|was|is|reported|revealed|declined|interpreted)\b|\s*$)`,
  'gu',
);
const SOURCE_WORD = new RegExp(String.raw`\b(?:${[...SOURCE_NOUNS].join('|')})\b`);
const SUBORDINATE_SUBJECT = /(?<=[\s,])(?:as|when|while|after|because|until|before|since|whereas)\s+([\p{Lu}][\p{L}’'-]+(?:\s+[\p{Lu}][\p{L}’'-]+)*)(?=\s+[\p{Ll}])/gu;

/** Blanks out the words inside every long quotation (keeping offsets), so narrative rules never read quoted speech. */
function maskQuotes(p: string, spans: QuoteSpan[]): string {
  if (spans.length === 0) return p;
  const parts: string[] = [];
  let at = 0;
  for (const s of spans) {
    parts.push(p.slice(at, s.open + 1), p.slice(s.open + 1, s.close).replace(/[^\s]/g, 'q'));
    at = s.close;
  }
  parts.push(p.slice(at));
  return parts.join('');
}

/** What is named after a person or a family ("the Kreuzberg family winery", "the Clinton campaign"). */
const NAMED_AFTER = /^(?:family|families|campaign|clan|household|estate|brothers|sisters|winery|foundation|administration)$/;

/** Multi-word person names in the article, in order of first appearance, titles stripped. */
export function collectNames(body: readonly string[]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const p of body) {
    const ws = words(p);
    for (const run of capitalisedRuns(p)) {
      // "The Kreuzberg family winery", "The Jane Doe campaign": "The" opens something named
      // after a person, not a person's name — the person is the name without it.
      const rest = run.tokens.slice(1);
      const namedAfter = /^the$/i.test(run.tokens[0] ?? '') && rest.length > 0 && (givenNameGender(rest.join(' ')) !== null || NAMED_AFTER.test(ws[run.start + run.tokens.length] ?? ''));
      const withoutThe = namedAfter ? rest : run.tokens;
      let tokens = stripTitles(withoutThe).filter((t) => /^[\p{Lu}]/u.test(t));
      // "Prince Andrew", "Dr. Dempsey": a title and one name stay together.
      if (tokens.length === 1 && withoutThe.length === 2) tokens = withoutThe;
      if (tokens.length < 2 || tokens.length > 4 || SENTENCE_INTRO.test(tokens[0]!)) continue;
      const key = tokens.join(' ');
      if (!seen.has(key)) {
        seen.add(key);
        out.push(tokens);
      }
    }
  }
  return out;
}

const SPEECH_IN_NARRATIVE = /\b(said|says|told|tells|added|stated|wrote|noted|explained|warned|announced|revealed|recalled|argued|reported|acknowledged|testified|insisted|claimed|suggested|stressed|confirmed|tweeted|instructed|ordered|denies|denied)\b/g;

/** The subject a narrative sentence is about, when it is a person, a described source or a group. */
function sentenceSubject(sentence: string): string | null {
  // "Rep. Robert Aderholt (R-AL), ranking member …": a party tag or aside is no part of the subject.
  let s = sentence.replace(/^[\s“”"‘’']+/, '').replace(/\s*\([^()]*\)/g, '');
  // "Then, last week, Taylor Swift posted …", "Following a performance of …, Simmons teed up …".
  for (let n = 0; n < 3; n++) {
    const comma = s.indexOf(',');
    if (comma === -1 || comma >= 100 || !SENTENCE_INTRO.test(s)) break;
    s = s.slice(comma + 1).replace(/^[\s”"’]+/, '').trim();
  }
  // "An agreeable, funny woman in her 80s, Jane Starner lives …": the name after a leading description.
  const described = /^(?:an?|the)\s[^.;:]{0,80}?,\s*([\p{Lu}][\p{L}’'-]+(?:\s+[\p{Lu}][\p{L}’'-]+)+)\s+[\p{Ll}]/iu.exec(s);
  if (described && readPhrase(described[1]!)?.kind === 'name') return described[1]!;
  const comma = s.indexOf(',');
  const head = /^(?:the|a|an)\s+([\p{L}-]+)(?:\s+([\p{L}-]+))?/iu.exec(s);
  if (head) {
    const isNoun = (w: string | undefined) => w !== undefined && (ROLE_NOUNS.has(w.toLowerCase()) || SOURCE_NOUNS.has(w.toLowerCase()));
    // "The patient went …" → "The patient"; "The Ryanggang resident said" → "The Ryanggang resident".
    if (isNoun(head[1])) return s.slice(0, s.indexOf(head[1]!) + head[1]!.length);
    if (isNoun(head[2])) return head[0];
  }
  // "families with children in the military spend …" → a group "they" can point back to.
  const ws = words(s.replace(/^(?:the|some|many|most)\s+/i, ''));
  const gi = ws.slice(0, 3).findIndex((w) => GROUP_NOUNS.test(w.toLowerCase().replace(/[,.;:]$/, '')));
  if (gi !== -1 && !/[,.;:]$/.test(ws.slice(0, gi).join(' '))) {
    const pp = /^((?:\s+(?:with|in|of|from)\s+[\p{Ll}-]+(?:\s+(?:in|of)\s+the\s+[\p{Ll}-]+)?)?)/u.exec(' ' + ws.slice(gi + 1).join(' '))![1]!;
    return (ws.slice(0, gi + 1).join(' ') + pp).replace(/[,.;:]$/, '');
  }
  const upToComma = comma !== -1 ? s.slice(0, s.indexOf(',')) : s;
  if (words(upToComma).length <= 6 && readPhrase(upToComma)?.kind === 'name') return upToComma;
  const run = /^((?:[\p{Lu}][\p{L}’'.-]*\s+){0,3}[\p{Lu}][\p{L}’'.-]*)\s+[\p{Ll}]/u.exec(s);
  if (run && !SENTENCE_INTRO.test(run[1]!) && readPhrase(run[1]!)?.kind === 'name') return run[1]!;
  if (/^(he|she|they)\b/i.test(s)) return s.split(/\s/)[0]!;
  return null;
}

type Item =
  | { pos: number; type: 'quote'; index: number }
  | { pos: number; type: 'speech' | 'subject'; phrase: string; told: string | null; sure?: boolean }
  | { pos: number; type: 'intro'; phrase: string }
  | { pos: number; type: 'mention'; phrase: string; weak: boolean };

type QuoteItem = Extract<Item, { type: 'quote' }>;

/** A paragraph's long quotations (MIN_WORDS or more) with their index in `spans`, in order. */
type LongQuotes = Array<{ s: QuoteSpan; i: number }>;

/** The reading pass over an article: who it names and where, and each long quotation's clause. */
interface Reading {
  /** Quotations and narrative (intros, mentions, subjects, speech), in reading order. */
  items: Item[];
  clauses: Map<number, Clause | null>;
  /** Each paragraph with its long quotations' words blanked out (see `maskQuotes`). */
  masks: string[];
}

/** What the second pass keeps from one quotation to the next. */
interface Thread {
  body: readonly string[];
  spans: readonly QuoteSpan[];
  discourse: Discourse;
  /** The outlet a "told …" names, or null when it names a person in the story. */
  channel: (told: string | null) => string | null;
  /** How many quotations each entity has been given by a pronoun or no clause since its name was last written. */
  unnamedSince: Map<Entity, number>;
  /** Quotations whose words recur later in the article (see `pullQuoteIndexes`). */
  pullQuotes: Set<number>;
}

/** A quotation's speaker, how the reader reached them, and how many others the words could mean. */
interface Found {
  entity: Entity;
  via: Via;
  rivals: number;
  slip?: boolean;
}

/**
 * The attribution and resolved speaker of each quotation in `spans` (as found by
 * find.ts over the same body), in the same order. Quotations shorter than MIN_WORDS are read as
 * text, not as quotations, and get no speaker.
 */
export function resolveSpeakers(body: readonly string[], spans: readonly QuoteSpan[]): Attribution[] {
  // Most articles quote no one: skip the reading pass.
  if (!spans.some((s) => s.words >= MIN_WORDS)) return spans.map(() => ({ clause: null, speaker: null }));
  const fullNames = collectNames(body);
  const discourse = new Discourse(fullNames, textBefore(body), new PeopleIndex(body, fullNames), body);
  const reading = readArticle(body, spans, discourse);
  const thread: Thread = { body, spans, discourse, channel: channelReader(body, discourse), unnamedSince: new Map(), pullQuotes: pullQuoteIndexes(spans) };
  const results: Attribution[] = spans.map(() => ({ clause: null, speaker: null }));
  for (const item of reading.items) {
    if (item.type === 'quote') results[item.index] = attributeQuote(thread, reading, item);
    else noteNarrative(thread, item);
  }
  givePullQuotes(results, spans);
  return results;
}

/** The text of the last few paragraphs up to a position: the place a "the same province" refers to was named there. */
function textBefore(body: readonly string[]): (pos: number) => string {
  return (pos) => {
    const pi = Math.floor(pos / 1_000_000);
    return [...body.slice(Math.max(0, pi - 4), pi), body[pi]?.slice(0, pos % 1_000_000) ?? ''].join('\n').slice(-4000);
  };
}

/** First pass: each paragraph's quotations with their clauses, then what its sentences name. */
function readArticle(body: readonly string[], spans: readonly QuoteSpan[], discourse: Discourse): Reading {
  const items: Item[] = [];
  const clauses = new Map<number, Clause | null>();
  const masks: string[] = [];
  const byParagraph = new Map<number, LongQuotes>();
  spans.forEach((s, i) => {
    if (s.words < MIN_WORDS) return;
    const list = byParagraph.get(s.paragraphIndex) ?? [];
    list.push({ s, i });
    byParagraph.set(s.paragraphIndex, list);
  });
  body.forEach((p, pi) => {
    const long = byParagraph.get(pi) ?? [];
    const masked = maskQuotes(p, long.map(({ s }) => s));
    masks.push(masked);
    const sentences = splitSentences(masked);
    long.forEach(({ s, i }, k) => {
      clauses.set(i, quoteClause(body, pi, masked, long, k, sentences));
      items.push({ pos: at(pi, s.open), type: 'quote', index: i });
    });
    for (const sentence of sentences) {
      const text = masked.slice(sentence.start, sentence.end);
      sourceIntros(items, text, at(pi, sentence.start));
      mentions(items, discourse, text, pi, sentence, masked, long);
      subjects(items, text, at(pi, sentence.start));
      if (!long.some(({ s }) => s.open >= sentence.start && s.open < sentence.end)) speechInNarrative(items, text, at(pi, sentence.start));
    }
  });
  items.sort((a, b) => a.pos - b.pos || order(a) - order(b));
  return { items, clauses, masks };
}

/** The attribution clause of the `k`th long quotation of paragraph `pi`. */
function quoteClause(body: readonly string[], pi: number, masked: string, long: LongQuotes, k: number, sentences: ReturnType<typeof splitSentences>): Clause | null {
  const { s } = long[k]!;
  const prevEnd = k > 0 ? long[k - 1]!.s.close + 1 : 0;
  const nextStart = k + 1 < long.length ? long[k + 1]!.s.open : masked.length;
  const clause = attributionOf(masked, s, prevEnd, nextStart, sentences);
  // "… which contains the following statement:" / "Robertson said:" — the previous paragraph introduces this one.
  if (!clause && k === 0 && s.open <= 1 && pi > 0 && /:\s*$/.test(body[pi - 1]!)) {
    const prev = body[pi - 1]!;
    const last = splitSentences(prev).pop();
    return last ? clauseBefore(prev.slice(last.start).replace(/:\s*$/, ':')) : null;
  }
  return clause;
}

/** "a source in North Hamgyong Province": a described source a later "the source said" means. */
function sourceIntros(items: Item[], text: string, base: number): void {
  if (!SOURCE_WORD.test(text)) return;
  for (const m of text.matchAll(SOURCE_INTRO)) {
    // "Steenburgen’s son, filmmaker Charlie McDowell (…), also remembers": the appositive names the person.
    const named = /^\s*,\s*(?:[\p{Ll}-]+\s+){0,3}([\p{Lu}][\p{L}’'-]+(?:\s+[\p{Lu}][\p{L}’'-]+)+)(?=\s*[,(]|\s+[\p{Ll}])/u.exec(text.slice(m.index + m[0].length));
    if (named && readPhrase(named[1]!)?.kind === 'name') items.push({ pos: base + m.index, type: 'subject', phrase: named[1]!, told: null });
    else items.push({ pos: base + m.index, type: 'intro', phrase: m[0].trim() });
  }
}

/**
 * A person a narrative sentence names outside its subject ("When Ford visited his editor Teresa
 * Nielsen Hayden …, he …"): a later "she" can mean them. Only full names opening with a given
 * name — places and titles ("North Manchester", "Wild Rose") would be noise.
 */
function mentions(items: Item[], discourse: Discourse, text: string, pi: number, sentence: { start: number; end: number }, masked: string, long: LongQuotes): void {
  for (const run of capitalisedRuns(text)) {
    const name = stripTitles(run.tokens).join(' ');
    // A lone surname of someone named in full ("for Parata and his family") counts as well.
    const surname = run.tokens.length === 1 && discourse.isPersonToken(name) && discourse.expandName(name) !== name;
    if (run.tokens.length > 4 || (!surname && (words(name).length < 2 || !givenNameGender(name)))) continue;
    const offset = text.indexOf(run.tokens[0]!);
    if (offset === -1) continue;
    // Beside a quotation the names belong to its attribution — unless a new sentence began
    // after a quotation that ended one ("…for a play.” When Ford visited his editor Teresa …").
    const here = sentence.start + offset;
    const inSentence = long.filter(({ s }) => s.open < sentence.end && s.close > sentence.start);
    const lastBefore = inSentence.filter(({ s }) => s.close < here).pop();
    const narrative = inSentence.length === 0 || (lastBefore && inSentence.every(({ s }) => s.close < here) && /[.?!]$/.test(lastBefore.s.text) && /^[”"’\s]*[\p{Lu}]/u.test(masked.slice(lastBefore.s.close + 1, here)));
    if (narrative) items.push({ pos: at(pi, here), type: 'mention', phrase: name, weak: surname });
  }
}

/** Who a sentence is about: its subject, a name a relative clause describes, the subject of a subordinate clause. */
function subjects(items: Item[], text: string, base: number): void {
  const subject = text.startsWith('“') || text.startsWith('"') ? null : sentenceSubject(text);
  if (subject) items.push({ pos: base, type: 'subject', phrase: subject, told: null });
  // "Tommy — who only goes by his first name online — retired …": a single name a relative clause describes is a person.
  const described = /^[\s“”"]*([\p{Lu}][\p{Ll}’'-]+)\s*(?:,|—|–)\s*who\b/u.exec(text);
  if (described && !SENTENCE_INTRO.test(described[1]!)) items.push({ pos: base, type: 'subject', phrase: described[1]!, told: null, sure: true });
  // "…, as Rose-Lynn summons the strength …": the subject of a subordinate clause is someone a later "she" can mean.
  for (const m of text.matchAll(SUBORDINATE_SUBJECT)) items.push({ pos: base + m.index, type: 'subject', phrase: m[1]!, told: null });
}

/** "Kim told Daily NK …" in a sentence without a quotation: someone spoke (the first reporting verb with a subject). */
function speechInNarrative(items: Item[], text: string, base: number): void {
  for (const m of text.matchAll(SPEECH_IN_NARRATIVE)) {
    const pre = text.slice(0, m.index);
    // A verb inside a parenthesis or after a non-person subject ("… have been announced") is not the reporting clause.
    if ((pre.match(/\(/g)?.length ?? 0) > (pre.match(/\)/g)?.length ?? 0)) continue;
    // "Computers … have seen impacts, too, said Mary E. Lovely, a … economist": the speaker follows the verb.
    const post = text.slice(m.index + m[0].length);
    let who = pickSubject(pre);
    let kind = who ? readPhrase(who)?.kind : undefined;
    if (kind !== 'name' && kind !== 'pronoun' && kind !== 'source' && kind !== 'role' && /,\s*$/.test(pre) && /^\s+[\p{Lu}]/u.test(post)) {
      who = invertedSubject(post);
      kind = readPhrase(who)?.kind === 'name' ? 'name' : undefined;
    }
    if (!who || words(who).length > 12) continue;
    if (kind !== 'name' && kind !== 'pronoun' && kind !== 'source' && kind !== 'role') continue;
    const told = /^tell|^told/.test(m[1]!) ? (/^\s+((?:the\s+)?[\p{Lu}][\p{L}\p{N}.’'-]*(?:\s+[\p{Lu}][\p{L}\p{N}.’'-]*)*)/u.exec(text.slice(m.index + m[0].length))?.[1]?.replace(/\.$/, '') ?? null) : null;
    items.push({ pos: base + m.index, type: 'speech', phrase: who, told });
    return;
  }
}

/** "told Daily NK" is a channel; "told Cook" / "told Marc Benioff" is a person in the story. */
function channelReader(body: readonly string[], discourse: Discourse): (told: string | null) => string | null {
  const channels = new Map<string, string | null>();
  const channelOf = (told: string): string | null => {
    const tokens = words(told.replace(/^the\s+/i, ''));
    const nameLike = (t: string) => /^[\p{Lu}][\p{Ll}’'-]+$/u.test(t);
    const usedAlone = (t: string) => {
      const re = new RegExp(String.raw`(?<![\p{Lu}][\p{L}’'-]*\s)${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\b(?!\s[\p{Lu}])`, 'u');
      return body.some((p) => p.includes(t) && re.test(p));
    };
    if (tokens.length === 1 && discourse.isPersonToken(tokens[0]!)) return null;
    if (tokens.length === 2 && tokens.every(nameLike) && usedAlone(tokens[1]!)) return null;
    return tokens.join(' ');
  };
  return (told) => {
    if (!told) return null;
    if (!channels.has(told)) channels.set(told, channelOf(told));
    return channels.get(told)!;
  };
}

/** Long quotations whose words recur in a later paragraph: pull quotes, out of the story's order. */
function pullQuoteIndexes(spans: readonly QuoteSpan[]): Set<number> {
  const pullQuotes = new Set<number>();
  spans.forEach((a, i) => {
    if (a.words < MIN_WORDS) return;
    const text = normaliseQuote(a.text);
    if (spans.some((b, j) => j > i && b.paragraphIndex > a.paragraphIndex && b.words >= MIN_WORDS && normaliseQuote(b.text).includes(text))) pullQuotes.add(i);
  });
  return pullQuotes;
}

/** A narrative item: the person, source or group it names joins the discourse. */
function noteNarrative(t: Thread, item: Exclude<Item, QuoteItem>): void {
  const { discourse } = t;
  if (item.type === 'mention') {
    const e = discourse.mentioned(item.phrase);
    if (e) {
      discourse.note(item.pos, e, 'mention', item.weak);
      t.unnamedSince.set(e, 0);
    }
    return;
  }
  if (item.type === 'intro') {
    const e = discourse.resolve(item.phrase, item.pos);
    if (e) discourse.note(item.pos, e, 'subject');
    return;
  }
  const e = discourse.resolve(item.phrase, item.pos, new Set(), item.type === 'subject' && !item.sure);
  if (!e) return;
  const told = t.channel(item.told);
  if (told && !e.told) e.told = told;
  discourse.note(item.pos, e, item.type === 'speech' ? 'speaker' : 'subject');
  if (readPhrase(item.phrase)?.kind === 'name') t.unnamedSince.set(e, 0);
}

/** Second pass, one quotation: its speaker by the clause, else by the sentence, else by the story's thread. */
function attributeQuote(t: Thread, reading: Reading, item: QuoteItem): Attribution {
  const span = t.spans[item.index]!;
  const clause = reading.clauses.get(item.index) ?? null;
  const byClause = clause?.subject ? fromClause(t, clause, clause.subject, span, item.pos) : null;
  const told = byClause?.told ?? null;
  // A fragment inside a narrative sentence ("She “became more and more intermittent”") is words
  // about the sentence's subject, not words of that subject.
  const mask = reading.masks[span.paragraphIndex]!;
  const midSentence = !clause && /[\p{L}]/u.test(mask.slice(sentenceStart(mask, span.open), span.open));
  const found = byClause?.found ?? (midSentence ? fromSentence(t.discourse, mask, span, item.pos) : null) ?? fromThread(t, span, item.pos);
  let result: Attribution = { clause, speaker: null };
  if (found) {
    const { entity, via, rivals, slip } = found;
    const last = t.discourse.lastEventOf(entity, item.pos);
    const chain = via === 'clause-name' || via === 'clause-source' || via === 'signed' ? 0 : (t.unnamedSince.get(entity) ?? 0) + 1;
    t.unnamedSince.set(entity, chain);
    result = {
      clause,
      speaker: { name: entity.name, told: told ?? entity.told },
      evidence: { via, distance: last === -1 || via === 'clause-name' ? 0 : Math.floor(item.pos / 1_000_000) - Math.floor(last / 1_000_000), rivals, chain, ...(slip ? { slip } : {}) },
    };
    // A pull quote (its words recur later in the article) sits out of the story's order: it names
    // no one the next "he said" could mean.
    if (!t.pullQuotes.has(item.index)) t.discourse.note(item.pos, entity, 'speaker');
  }
  return result;
}

/** The speaker the attribution clause names, and the outlet it says they told. */
function fromClause(t: Thread, clause: Clause, subject: string, span: QuoteSpan, pos: number): { found: Found | null; told: string | null } {
  const { discourse } = t;
  const exclude = new Set<string>();
  if (clause.told) exclude.add(discourse.expandName(clause.told));
  let entity = discourse.resolve(subject, pos, exclude);
  let slip = false;
  // "“It could have been really easy for Mary Steenburgen …,” she said" after a paragraph about
  // her son: people do not name themselves in the third person, so the pronoun's nearest match
  // is the article's slip; the person this paragraph is about said it.
  if (entity?.kind === 'person' && /^(?:he|she)$/i.test(subject.trim()) && namedIn(span.text, entity.name)) {
    const own = discourse.lastPerson(pos, at(span.paragraphIndex, 0));
    exclude.add(entity.name);
    entity = own && own !== entity ? own : discourse.resolve(subject, pos, exclude);
    slip = true;
  }
  const told = t.channel(clause.told);
  if (!entity) return { found: null, told };
  if (told && !entity.told) entity.told = told;
  const [via, rivals] = clauseEvidence(discourse, subject, entity, pos);
  return { found: { entity, via, rivals, ...(slip ? { slip } : {}) }, told };
}

/**
 * A quotation inside a narrative sentence, without a clause: words about the sentence's subject
 * from whoever was just quoted; when no one has spoken yet, the words are the subject's
 * ("Facebook has banned … because they are “frequently associated with …”").
 */
function fromSentence(discourse: Discourse, mask: string, span: QuoteSpan, pos: number): Found | null {
  const speaker = discourse.lastSpeaker(pos, at(Math.max(0, span.paragraphIndex - 3), 0));
  if (speaker) return { entity: speaker, via: 'fragment', rivals: 0 };
  const own = mask.slice(sentenceStart(mask, span.open), span.open);
  const subject = sentenceSubject(own);
  // Only a name: a known person's, or a single proper noun the article never writes in lower
  // case ("Facebook") — not a sentence-opening "Consider", "Want" or "First".
  const phrase = subject ? readPhrase(subject) : null;
  // An imperative ("Consider this 2014 entry — “…”") is followed by a determiner, a subject by its verb.
  const imperative = subject ? new RegExp(String.raw`^\W*${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\s+(?:this|that|these|those|the|a|an|your|our|my|his|her|its|their)\b`, 'u').test(own) : false;
  if (subject && !imperative && phrase?.kind === 'name' && !SENTENCE_INTRO.test(phrase.text) && (discourse.knownName(phrase.text) || discourse.properNoun(phrase.text))) {
    const entity = discourse.resolve(subject, pos);
    if (entity) return { entity, via: 'sentence-subject', rivals: 0 };
  }
  return null;
}

/**
 * A quotation with nothing in its sentence to go by ("Aderholt returned to the issue later in
 * the hearing. “What …”"): a signature on the line below; else the person this paragraph is
 * about; then whoever spoke in the paragraph before; then the person the paragraph before was
 * about ("But for Parata and his family …" → “It’s very emotional …”); then anyone who spoke in
 * the last three paragraphs.
 */
function fromThread(t: Thread, span: QuoteSpan, pos: number): Found | null {
  const { discourse } = t;
  const previous = at(Math.max(0, span.paragraphIndex - 1), 0);
  const ways: Array<[Via, () => Entity | null]> = [
    ['signed', () => fromNextParagraph(t.body, span)],
    ['paragraph-person', () => discourse.lastPerson(pos, at(span.paragraphIndex, 0))],
    ['previous-speaker', () => discourse.lastSpeaker(pos, previous)],
    ['previous-person', () => discourse.lastPerson(pos, previous, true, true)],
    ['recent-speaker', () => discourse.lastSpeaker(pos, at(Math.max(0, span.paragraphIndex - 3), 0))],
  ];
  for (const [via, find] of ways) {
    const entity = find();
    if (entity) return { entity, via, rivals: via === 'signed' ? 0 : discourse.threadRivals(entity, pos) };
  }
  return null;
}

/** A pull quote no clause attributes repeats words a named speaker says elsewhere in the article. */
function givePullQuotes(results: Attribution[], spans: readonly QuoteSpan[]): void {
  results.forEach((r, i) => {
    if (r.speaker || spans[i]!.words < MIN_WORDS) return;
    const text = normaliseQuote(spans[i]!.text);
    const twin = spans.findIndex((s, j) => j !== i && results[j]!.speaker && s.words >= MIN_WORDS && (normaliseQuote(s.text).includes(text) || text.includes(normaliseQuote(s.text))));
    if (twin !== -1) results[i] = { clause: r.clause, speaker: results[twin]!.speaker, evidence: { via: 'pull-quote', distance: 0, rivals: 0, chain: 0 } };
  });
}

/** Which kind of clause named the speaker, and how many others its words could as well mean. */
function clauseEvidence(discourse: Discourse, subject: string, entity: Entity, pos: number): [Via, number] {
  const phrase = readPhrase(subject);
  switch (phrase?.kind) {
    case 'name':
      return ['clause-name', 0];
    case 'pronoun':
      return ['clause-pronoun', entity.kind === 'document' ? 0 : discourse.pronounRivals(entity, pos, phrase.head)];
    case 'role':
      return ['clause-role', discourse.pronounRivals(entity, pos, phrase.plural ? 'they' : nounGender(phrase.text) ?? 'someone')];
    case 'possessive':
      return ['clause-possessive', 0];
    case 'document':
      return ['clause-document', 0];
    case 'source': {
      const earlier = /^(the|this|that)\b/i.test(phrase.text) && discourse.lastEventOf(entity, pos) !== -1;
      return earlier ? ['clause-source-earlier', discourse.sourceRivals(entity, pos)] : ['clause-source', 0];
    }
    default:
      // "the group said" with no group named before: the words name no one a reader could cite.
      if (ORGANISATION_NOUN.test(phrase?.text ?? '')) return [entity.name !== phrase?.text ? 'clause-organisation' : 'clause-unresolved', 0];
      return ['clause-other', 0];
  }
}

/** Where the sentence holding an offset starts (quotations already masked). */
function sentenceStart(masked: string, offset: number): number {
  const own = splitSentences(masked).find((x) => x.start <= offset && offset < x.end);
  return own ? own.start : 0;
}

/** Whether a quotation names this person (full name or surname as a capitalised word). */
function namedIn(quote: string, name: string): boolean {
  const last = words(name).pop()!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(String.raw`(?<![\p{L}])${last}(?![\p{L}])`, 'u').test(quote);
}

function normaliseQuote(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Narrative before quotations at the same offset; introductions before the subjects that use them. */
function order(item: Item): number {
  return item.type === 'mention' ? -1 : item.type === 'intro' ? 0 : item.type === 'subject' ? 1 : item.type === 'speech' ? 2 : 3;
}

/** A quotation standing alone, named by the next paragraph: "This was a warning from North Korea’s Ministry of State Security". */
function fromNextParagraph(body: readonly string[], span: QuoteSpan): Entity | null {
  const p = body[span.paragraphIndex]!;
  if (span.open > 1 || span.close < p.trim().length - 2) return null;
  const next = body[span.paragraphIndex + 1] ?? '';
  // A testimonial signed on the line below: "– Man**", "— Arvind Kejriwal (@ArvindKejriwal) November 1, 2019".
  const signed = /^[–—-]\s*([^\s,(–—-][^,(]{0,60}?)\s*(?:[,(]|$)/u.exec(next.trim());
  if (signed) return { name: signed[1]!.trim(), kind: 'person', plural: false, head: '', told: null };
  const m = /^(?:This|That|It) was (?:a|an|the) (?:warning|message|statement|order|directive|notice|slogan|instruction|line|announcement) (?:from|by|of) ([^,.;]+?)(?: after| when| as| to|,|\.|;)/.exec(next);
  return m ? { name: m[1]!.trim(), kind: 'other', plural: false, head: '', told: null } : null;
}
