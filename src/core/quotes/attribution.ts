/**
 * The attribution clause beside a quotation — "…,” the source told Daily NK." or "Kim stated in
 * the order that “…" — and the phrase in it that names the speaker. Reads one paragraph; who a
 * pronoun or "the source" means is speakers.ts's job.
 */
import { splitSentences } from '../text/sentences.ts';
import { DOCUMENT_NOUNS, PRONOUNS, readPhrase, words } from './phrases.ts';

export interface Clause {
  /** The clause as printed, trimmed ("a source in North Hamgyong Province told Daily NK recently"). */
  raw: string;
  /** The phrase naming the speaker ("a source in North Hamgyong Province", "he", "Kim"); empty when the clause continues an earlier speaker's sentence. */
  subject: string;
  /** The outlet in "told X" when X is not a person in the story. */
  told: string | null;
}

const SPEECH_VERBS = [
  'said', 'says', 'say', 'told', 'tells', 'tell', 'added', 'adds', 'revealed', 'reveals', 'stated', 'states', 'noted', 'notes', 'explained', 'explains',
  'asked', 'asks', 'warned', 'warns', 'wrote', 'writes', 'declared', 'declares', 'announced', 'announces', 'claimed', 'insisted', 'recalled',
  'replied', 'argued', 'emphasized', 'stressed', 'confirmed', 'reported', 'labels', 'labeled', 'called', 'calls', 'described', 'describes', 'describing',
  'instructed', 'directed', 'ordered', 'urged', 'tweeted', 'acknowledged', 'comments', 'commented', 'testified', 'reiterated', 'introduced', 'remembered',
  'joked', 'quipped', 'admitted', 'cautioned', 'boasted', 'telling', 'saying', 'adding', 'noting', 'warning', 'writing', 'pleaded', 'implored',
  'encouraged', 'views', 'weighed', 'chimed', 'stating', 'recounted', 'predicted', 'promised', 'vowed', 'conceded', 'complained', 'posted', 'texted', 'shouted', 'yelled', 'chanted',
  // Present tense and its past for features and interviews ("…,” admits Groene; “…,” jokes Hill).
  'admits', 'jokes', 'quips', 'recalls', 'insists', 'argues', 'cautions', 'boasts', 'concedes', 'complains', 'predicts', 'promises', 'vows', 'stresses',
  'emphasizes', 'emphasises', 'emphasised', 'confirms', 'replies', 'acknowledges', 'recounts', 'reiterates', 'testifies', 'pleads', 'urges', 'muses', 'mused', 'remarks', 'remarked',
  'observes', 'observed', 'asserts', 'asserted', 'contends', 'contended', 'counters', 'countered', 'retorts', 'retorted', 'grumbles', 'grumbled', 'marvels', 'marveled', 'marvelled',
  'deadpans', 'deadpanned', 'continues', 'offered', 'suggests', 'suggested',
  'respond', 'reply', 'put', 'laughed', 'laughs', 'agreed', 'agrees', 'continued', 'sings', 'sang', 'sing', 'claim', 'concluded', 'concludes', 'shouts', 'yells', 'screamed', 'screams', 'written', 'pointed', 'responded', 'responds', 'answered', 'claims', 'reads', 'lecturing', 'lectured', 'lectures', 'mumbles', 'mumbled', 'whispers', 'whispered', 'sighs', 'sighed', 'cries', 'cried',
];
const VERB_SET = new Set(SPEECH_VERBS);
const AUXILIARIES = new Set(['have', 'has', 'had', 'is', 'are', 'was', 'were', 'will', 'would', 'can', 'could', 'may', 'might', 'must', 'should', 'did', 'does', 'do']);
const INTRO = /^(?:earlier|later|in|on|at|after|before|while|when|as|however|but|meanwhile|separately|according|also|now|then|upon|during|although|though|since|if|yet|still|last|this|today|yesterday|barely|for|with|without|under|over|by|from|to|via|instead|thus|so|because|here|there|speaking|referring)\b/i;
const PARTICIPLE = /ing$/;
const ADVERB = /^(?:[a-z]+ly|recently|also|further|later|previously|earlier|then|still|again|however|too|meanwhile|today)$/;

interface WordAt {
  word: string;
  start: number;
  end: number;
}

function wordsAt(s: string): WordAt[] {
  const out: WordAt[] = [];
  for (const m of s.matchAll(/[\p{L}\p{N}’'.-]+/gu)) out.push({ word: m[0].toLowerCase().replace(/[.]+$/, ''), start: m.index, end: m.index + m[0].length });
  return out;
}

/** A reporting verb; "written" only as a perfect ("has written"), not a passive ("are written by"). */
function isVerb(w: WordAt, i: number, ws: readonly WordAt[]): boolean {
  if (w.word === 'written') return /^(?:has|have|had)$/.test(ws[i - 1]?.word ?? '');
  // "allowed Mosseri to claim that …", not "the claim that …".
  if (w.word === 'claim') return ws[i - 1]?.word === 'to';
  // "the company claims its …", not "There are also claims that …" (nor "his remarks", "its promises").
  if (/^(?:claims|remarks|promises|counters|wonders|observes|suggests|urges|pleads)$/.test(w.word)) return !/^(?:are|were|is|was|also|the|these|those|such|of|and|many|similar|new|false|his|her|their|its|our|your|my|any|no|some|what|whose)$/.test(ws[i - 1]?.word ?? '');
  // "As Gaiman put it," — not "put the tickets on sale".
  if (w.word === 'put') return ws[i + 1]?.word === 'it';
  return VERB_SET.has(w.word);
}

/** The outlet in "told Daily NK recently" / "tells The Hollywood Reporter" (a capitalised run after the verb). */
function toldObject(after: string): string | null {
  const m = /^\s+((?:the\s+)?[\p{Lu}][\p{L}\p{N}.’'-]*(?:\s+[\p{Lu}][\p{L}\p{N}.’'-]*)*)/u.exec(after);
  return m ? m[1]!.replace(/^the\s+/i, '').replace(/\.$/, '') : null;
}

/**
 * The subject in the words before a speech verb: drops leading time/place phrases ("Earlier
 * this week, the Pentagon" → "the Pentagon") and an appositive after a name ("Mayer, Disney’s
 * chairman of …" → "Mayer"; "Robertson, the U.S. commander" → "Robertson").
 */
export function pickSubject(pre: string): string {
  const s = pre.replace(/\([^)]*\)/g, ' ').replace(/[“”"]/g, ' ');
  const raw = s.split(/,\s*/).map(cleanSegment).filter((x) => x && !ADVERB.test(x) && !/^\d+$/.test(x));
  // "headquarters, and training centers" continue a list; they are not phrases of their own.
  let segs: string[] = [];
  for (const x of raw) {
    if (segs.length > 0 && (/^(?:and|or)\s/i.test(x) || (words(x).length === 1 && /^[\p{Ll}]/u.test(x) && !PRONOUNS.has(x.replace(/[’'](?:d|ll)$/, ''))))) segs[segs.length - 1] += `, ${x}`;
    else segs.push(x);
  }
  while (segs.length > 1 && INTRO.test(segs[0]!)) segs = segs.slice(1);
  while (segs.length > 1 && /^(?:via|in|on|at|according|during|speaking|from)\b/i.test(segs[segs.length - 1]!)) segs = segs.slice(0, -1);
  if (segs.length === 0) return '';
  // A stretch that held a verb is a clause of its own ("Families are worried, the resident said"), not a name an appositive follows.
  const mapped = segs.map((x) => ({ x: subjectOfSegment(x), raw: x.trim(), clause: subjectOfSegment(x) !== x.trim() })).filter((m) => m.x);
  if (mapped.length === 0) return '';
  const clauses = mapped.map((m) => m.clause);
  segs = mapped.map((m) => m.x);
  // "study lead author Lucas Paganini, a planetary scientist at …, Maryland, and … in Washington, D.C.":
  // a full name followed by a description opens an appositive; the places after it are not the speaker
  // — also when the description holds a relative clause ("Anna Berg, a former adviser who has since
  // joined a university in Oslo, Norway, has warned": not "Norway").
  for (let i = 0; i < segs.length - 1; i++) {
    const p = readPhrase(segs[i]!);
    if (!clauses[i] && p?.kind === 'name' && words(p.text).length >= 2 && APPOSITIVE.test(mapped[i + 1]!.raw)) return segs[i]!;
  }
  const last = segs[segs.length - 1]!;
  const lastKind = readPhrase(last)?.kind;
  if (lastKind !== 'name' && lastKind !== 'pronoun') {
    // An appositive after a name ("Mayer, Disney’s chairman …") or a participle phrase after the
    // subject ("The directive, sent to …, called for") — the subject is further back.
    const participle = /^[\p{Ll}]/u.test(last) && !/^(?:the|a|an|some|his|her|their|its|this|that|these|those|one|another)\s/.test(last);
    for (let i = segs.length - 2; i >= Math.max(0, segs.length - 4); i--) {
      if (clauses[i]) break;
      const kind = readPhrase(segs[i]!)?.kind;
      // "a March 2019 study by …, a London-based think tank, concluded": an indefinite appositive describes the phrase before it.
      if (i === segs.length - 2 && /^(?:a|an)\s/i.test(last) && (kind === 'document' || kind === 'source' || kind === 'role' || (kind === 'other' && /^(?:the|a|an)\s/i.test(segs[i]!)))) return segs[i]!;
      if (kind === 'name' || (participle && kind && kind !== 'other' && kind !== 'pronoun')) return segs[i]!;
      if (participle && kind === 'other' && /^(?:the|a|an|some)\s/i.test(segs[i]!)) return segs[i]!;
    }
  }
  return last;
}

/** "his aunt, Jane Starner" → "Jane Starner": a description followed by the name it describes. */
function appositiveName(phrase: string): string {
  const m = /^(?:his|her|their|its|the|an?)\s[^,]{1,40},\s*([\p{Lu}][\p{L}’'.-]+(?:\s+[\p{Lu}][\p{L}’'.-]+)+)\s*,?$/u.exec(phrase);
  return m ? m[1]! : phrase;
}

/** What opens a description of the person just named ("a planetary scientist at …", "Senior Vice President of Sales for Dräger"). */
const APPOSITIVE = /^(?:(?:a|an|the)\s+[\p{Ll}]|(?:Senior|Vice|President|Chief|Head|Director|General|Managing|Executive|CEO|CFO|CTO|COO|Founder|Co-founder|Chairman|Chair|Professor|Manager|Partner|Principal|Deputy|Associate|Assistant|Secretary|Minister|Spokesperson|Spokesman|Spokeswoman)\b)/u;

function cleanSegment(x: string): string {
  // A lone linking word ("before describing …", "and warns") names no one.
  return x
    .replace(/^[\s,;:“”"—–-]+/, '')
    .replace(/[\s,;:“”"—–-]+$/, '')
    .replace(/^(?:and|but|or|so|before|after|while|when|as|then|also|by|with|without|in|on|at|to|for|from|of)$/i, '')
    .trim();
}

/**
 * The subject within one comma-free stretch: after a relative word ("in what host Tom Bergeron
 * described" → "host Tom Bergeron"), before an auxiliary or verb ("Some party organizations have
 * responded" → "Some party organizations").
 */
function subjectOfSegment(seg: string): string {
  const ws = wordsAt(seg);
  // "he asked …, called Omar a “terrorist” and said": a stretch opening with a verb shares the subject before it.
  if (ws[0] && VERB_SET.has(ws[0].word)) return '';
  let from = 0;
  ws.forEach((w, i) => {
    const boundary = /^(?:what|which|who|whom|when|while|because|where|whereas)$/.test(w.word) || (w.word === 'that' && !VERB_SET.has(ws[i - 1]?.word ?? ''));
    // "When Democratic inquisitors are reduced to lecturing", "while the mayor added": a
    // subordinating word opening the stretch is no part of its subject.
    if ((i > 0 && boundary) || (i === 0 && /^(?:when|while|because|whereas|although|though|once|until|if)$/.test(w.word))) from = w.end;
  });
  let s = seg.slice(from).trim();
  const inner = wordsAt(s);
  const cut = inner.find((w, i) => i > 0 && (AUXILIARIES.has(w.word) || VERB_SET.has(w.word)));
  if (cut) s = s.slice(0, cut.start).trim();
  // "Uber stepped in and [tweeted]": a first predicate joined to the speech verb by "and" — the
  // subject is the name that opens the stretch.
  const joined = /^((?:[\p{Lu}][\p{L}’'.-]*\s+){0,3}[\p{Lu}][\p{L}.-]*[\p{L}])(?:\s+[\p{Ll}][\p{L}-]*){1,4}\s+(?:and|then)$/u.exec(s);
  if (joined) s = joined[1]!;
  // "China’s ambassador to Britain accused the UK … of meddling and [warned]": the same for a
  // described subject — it ends before the first predicate (a past tense taking an object).
  else if (/\s(?:and|then)$/.test(s)) {
    const predicate = /\s[\p{Ll}]{3,}ed\s+(?:the|a|an|his|her|its|their|[\p{Lu}])/u.exec(s);
    if (predicate && predicate.index > 0) s = s.slice(0, predicate.index).trim();
  }
  // "Earlier he", "Speaking through an interpreter he": a subject pronoun right before the verb is
  // the subject; the words before it only set the scene.
  const pronoun = /\s(he|she|they)$/iu.exec(s);
  if (pronoun && !/^(?:and|or)$/i.test(words(s).at(-2) ?? '')) s = pronoun[1]!;
  return s;
}

/**
 * The words before a speech verb, made ready for pickSubject: "…, has written" drops the
 * auxiliary; "allowed Mosseri to claim" keeps the name the infinitive belongs to.
 */
function subjectBefore(pre: string): string {
  const inf = /([\p{Lu}][\p{L}’'.-]*(?:\s+[\p{Lu}][\p{L}’'.-]*)*)\s+to\s*$/u.exec(pre);
  if (inf) return inf[1]!;
  return pickSubject(pre.replace(/(?:\s+(?:has|have|had|is|was|has been|had been|have been))+\s*$/i, ' '));
}

/** Words after an inverted verb ("says Jack Buser, director …", "comments Johnston in a statement"). */
export function invertedSubject(post: string): string {
  return post
    .replace(/^\s+/, '')
    .split(/[,;(]|(?<=[\p{Ll}]{2})(?<!\b(?:Mrs|Gov|Sen|Rep|Gen|Col|Sgt|Capt|Prof|Rev|Jr|Sr|St|Inc|Corp|Bros))\.(?:\s|$)|\s+(?:in|on|at|during|via|before|after|while|when|referring|speaking|to|from|as)\s|\s+(?=[\p{Ll}]+ing\s+(?:the|a|an|his|her|its|their|that|how|what)\s)/u)[0]!
    .trim();
}

function cap(raw: string): string {
  const ws = words(raw.replace(/\s+/g, ' ').trim());
  return ws.slice(0, 24).join(' ').replace(/[\s,;:.]+$/, '');
}

/** The clause after a quotation's closing mark, when it is the quotation's attribution. */
function clauseAfter(text: string, quoted: string): Clause | null {
  const t = text.replace(/^[\s,;:—–-]+/, '');
  if (!t) return null;
  // "“…” Smith agreed: “…" — a new sentence ending in a colon introduces the next quotation.
  if ((/[.?!][\s’']*$/.test(quoted) || /^[\s’']*[.?!]/.test(text)) && /:\s*$/.test(t)) return null;
  const first = splitSentences(t)[0];
  const sentence = (first ? t.slice(first.start, first.end) : t).split(/;|\s[—–]\s/)[0]!;
  const ws = wordsAt(sentence);
  let vi = ws.findIndex(isVerb);
  // "“… the little deal” announced in October, said Derek Scissors": the first verb finishes the
  // quoted phrase; the attribution is the next reporting verb.
  let continued = false;
  if (vi === 0 && /^\s+(?:in|on|at|by|for|last|earlier|this|during)\s[^,]*,\s*$/i.test(sentence.slice(ws[0]!.end, ws.find((w, i) => i > 0 && isVerb(w, i, ws))?.start ?? 0))) {
    vi = ws.findIndex((w, i) => i > 0 && isVerb(w, i, ws));
    continued = true;
  }
  const according = /\baccording to ([^,.;“”"]+)/i.exec(sentence);
  const endsSentence = /\.[\s’']*$/.test(quoted) || /^\s*[.]/.test(text);
  if (vi === -1 && !according) return null;
  if (vi === -1 || (according && according.index < ws[vi]!.start)) {
    if (endsSentence) return null;
    return { raw: cap(sentence), subject: according![1]!.trim(), told: null };
  }
  const verb = ws[vi]!;
  // After a full stop the next words begin a new sentence; it is an attribution only when it
  // opens with the speaker and verb ("He added"), not when the speaker is just mentioned later.
  if (endsSentence && !(vi <= 3 && ws.slice(0, vi).every((w) => /^(?:he|she|they|i|we|also|then|later|further|still)$/.test(w.word) || /^[\p{Lu}]/u.test(sentence.slice(w.start, w.end))))) return null;
  if (vi > 24) return null;
  const pre = continued ? '' : sentence.slice(0, verb.start);
  const post = sentence.slice(verb.end);
  // "“….” Martha added that shortly before …": a new sentence reporting in its own words is no attribution.
  if (endsSentence && /^\s+that\b/.test(post)) return null;
  // "…,” saying he trusted …: a participle continues the sentence's own subject; it is no inverted attribution.
  if (!pre.trim() && PARTICIPLE.test(verb.word)) return null;
  // "…” at the hostages’ release, adding that …": words after the quotation that are no subject.
  let pre2 = pre;
  if (/^\s*(?:at|in|on|of|for|to|from|with|about|over|after|before|during)\s/i.test(pre)) {
    // "…” of the patients, Dempsey said" keeps the subject after the comma; "…” at the release, adding" has none.
    const comma = pre.indexOf(',');
    if (comma === -1) return null;
    pre2 = pre.slice(comma + 1);
    if (!pre2.trim()) return null;
  }
  const subject = pre2.trim() ? subjectBefore(pre2) : invertedSubject(post);
  // "…” and warns that “…": the sentence goes on; the words before the quotation carry the speaker.
  if (!subject) return null;
  const told = /^tell|^told/.test(verb.word) ? toldObject(post) : null;
  return { raw: cap(sentence), subject, told };
}

/** The clause leading into a quotation within its own sentence ("Kim stated in the order that"), or a paragraph ending with a colon that introduces the next one. */
export function clauseBefore(text: string): Clause | null {
  // "Here is how bad things got in the words of the patient:"
  const wordsOf = /\bin (?:the|his|her|their) (?:own )?words of ([^,:;“”"]+?)[\s,:]*$/i.exec(text);
  if (wordsOf) return { raw: cap(text), subject: wordsOf[1]!, told: null };
  // "In Dr. Shadlen's words, “…”"
  const possessiveWords = /\bin ([\p{Lu}][^,:;“”"]*?)[’']s? (?:own )?words[\s,:]*$/iu.exec(text);
  if (possessiveWords) return { raw: cap(text), subject: possessiveWords[1]!, told: null };
  const ws = wordsAt(text);
  let vi = -1;
  for (let i = ws.length - 1; i >= 0; i--) if (isVerb(ws[i]!, i, ws)) { vi = i; break; }
  const according = /\baccording to ([^,.;“”"]+)/i.exec(text);
  // "according to the explanatory notes of …": a "verb" inside the according-phrase is its noun.
  if (according && vi !== -1 && ws[vi]!.start > according.index && ws[vi]!.start < according.index + according[0].length) vi = -1;
  if (vi === -1) {
    if (according) return { raw: cap(text), subject: appositiveName(according[1]!.trim()), told: null };
    // "…response letters are often written by superior officers, with messages like:" — quoted from a document.
    if (/(?::|\blike|\breads?|\bread:)\s*$/.test(text)) {
      const docs = ws.filter((w) => DOCUMENT_NOUNS.has(w.word));
      const doc = docs[0];
      if (doc) {
        const before = text.slice(0, doc.end).split(/,|\bthat\b|\bwith\b|\bwhile\b|\bwhen\b/).pop()!.trim();
        const np = words(before).slice(-3).join(' ');
        return { raw: cap(text), subject: np, told: null };
      }
    }
    // "Buckley, who phoned in from …, had a similar experience:" — the sentence's subject introduces the words.
    // "Alverson summed up the journey …:" — one name followed by its verb counts too.
    const lead = /^\s*((?:[Hh]e|[Ss]he|[Tt]hey)(?=\s)|[\p{Lu}][\p{L}’'-]+(?:\s+[\p{Lu}][\p{L}’'-]+)+(?=[\s,])|(?!(?:There|Here|It|This|That|These|Those|What|Which|Who|Some|Many|Most|All|Each|Such)\b)[\p{Lu}][\p{L}’'-]+(?=,|\s+[\p{Ll}]+(?:ed|s)\b))/u.exec(text);
    if (lead && /:\s*$/.test(text) && ['name', 'pronoun'].includes(readPhrase(lead[1]!)?.kind ?? '')) return { raw: cap(text), subject: lead[1]!, told: null };
    return null;
  }
  // "Liu said that …, warning: “…" / "The victim’s mother testified, describing …": a participle
  // shares the subject of the first reporting verb of the sentence.
  if (PARTICIPLE.test(ws[vi]!.word)) {
    const first = ws.findIndex(isVerb);
    if (first !== -1 && first < vi && text.slice(0, ws[first]!.start).trim()) vi = first;
  }
  const verb = ws[vi]!;
  const pre = text.slice(0, verb.start);
  const post = text.slice(verb.end);
  if (!pre.replace(/[\s,“”"]+/g, '') && PARTICIPLE.test(verb.word)) return { raw: cap(text), subject: '', told: null };
  // "Thousands of staff are being treated as …, says a report highlighting the “…”": a whole
  // clause, a comma, then the verb — the speaker follows the verb.
  const inverted = /,\s*$/.test(pre) && /^(?:says|said|writes|wrote|notes|noted|adds|added|reports|reported|warns|warned)$/.test(verb.word) && /^\s+(?:(?:a|an|the)\s+[\p{Ll}]|[\p{Lu}])/u.test(post) && wordsAt(pre).some((w) => AUXILIARIES.has(w.word));
  const subject = pre.replace(/[\s,“”"]+/g, '') && !inverted ? subjectBefore(pre) : invertedSubject(post);
  const told = /^tell|^told/.test(verb.word) ? toldObject(post) : null;
  return { raw: cap(text.slice(0, verb.end) + post.split(/\bthat\b/)[0]!), subject, told };
}

/**
 * The attribution of one quotation in its paragraph. `masked` is the paragraph with the words of
 * every quotation (of MIN_WORDS or more) blanked out, so sentence and clause rules never read
 * inside a quotation; `prevEnd`/`nextStart` bound the text that belongs to this quotation.
 */
export function attributionOf(
  masked: string,
  span: { open: number; close: number; text: string },
  prevEnd: number,
  nextStart: number,
  sentences: ReadonlyArray<{ start: number; end: number }> = splitSentences(masked),
): Clause | null {
  const own = sentences.find((s) => s.start <= span.open && span.open < s.end);
  const from = Math.max(prevEnd, own ? own.start : 0);
  const before = masked.slice(from, span.open);
  // "he … said, “somebody ought to …,” the prosecutor’s office said": the words are the object of
  // the verb right before them; the clause after only reports who relayed them.
  // "Mackey said in an internal memo that the “…” …, Yahoo Finance reported": a reporting verb
  // and its "that" before the quotation name the speaker; the clause after names who relayed it.
  if (/\b(?:said|says|asked|added|replied|shouted|wrote|told\s+\S+)[,:]?\s*$/i.test(before) || /\b(?:said|says|wrote|writes|told\s+\S+|stated|argued|warned)\b[^“”"]{0,60}\bthat(?:\s+(?:the|a|an|his|her|their|its))?\s*$/i.test(before)) {
    const lead = clauseBefore(before);
    const kind = lead?.subject ? readPhrase(lead.subject)?.kind : undefined;
    if (lead && (kind === 'name' || kind === 'pronoun' || kind === 'source' || kind === 'role')) return lead;
    // "Whole Foods co-founder and CEO John Mackey said …": the full name that ends the subject.
    const trailing = lead?.subject ? /((?:[\p{Lu}][\p{L}’'.-]+\s+){1,3}[\p{Lu}][\p{L}’'-]+)\s*$/u.exec(lead.subject) : null;
    if (lead && trailing && readPhrase(trailing[1]!)?.kind === 'name') return { ...lead, subject: trailing[1]! };
  }
  const rest = masked.slice(span.close + 1, nextStart);
  // "“Had he taken …” — Neil Gaiman": a pull quote signed after a dash.
  // "“…” — Dan D’Lyon, Plant Expert": the description after the name is no part of it.
  const signed = /^\s*[—–]\s*([\p{Lu}][\p{L}’'.-]+(?:\s+[\p{Lu}][\p{L}’'.-]+)*)\s*(?:,[^“”"]*)?$/u.exec(rest);
  if (signed) return { raw: cap(rest), subject: signed[1]!, told: null };
  // “… says the idea “is actually not so crazy.” She noted …": a quotation that ends its sentence
  // belongs to the clause leading into it; the next sentence is about something else.
  if (before.trim() && (/[.?!][\s’']*$/.test(span.text) || /^[\s’']*[.?!]/.test(rest))) {
    const lead = clauseBefore(before);
    const kind = lead?.subject ? readPhrase(lead.subject)?.kind : undefined;
    if (lead && /\b(?:says|said|say|tells|told|writes|wrote|adds|added|calls|called|insists|insisted)\b[^,;:]*$/i.test(before) && (kind === 'name' || kind === 'pronoun' || kind === 'source' || kind === 'role')) return lead;
  }
  const after = clauseAfter(rest, span.text);
  if (after) return after;
  return before.trim() ? clauseBefore(before) : null;
}
