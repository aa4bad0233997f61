/**
 * How sure the resolver is of each quotation's speaker, from its own evidence: the kind of
 * clause that named the speaker (a name beside the quotation, a pronoun, nothing at all), how far
 * back the speaker was last named, how many other people of the same gender and number the words
 * could as well mean, whether the name it produced reads as a name, and whether the learned ranker
 * (ranker.ts) agrees with the rules. Below CONFIDENT the name is not shown (quotes.ts).
 */
import type { QuoteSpan } from './find.ts';
import { readPhrase } from './phrases.ts';
import { quoteCandidates, ruleShare } from './ranker.ts';
import type { Attribution, Via } from './speakers.ts';

/** The confidence from which a speaker is named; chosen on the labelled rounds tuned on (docs/quality.md). */
export const CONFIDENT = 0.65;
/** Below CONFIDENT, the confidence from which the unsure candidate may still be offered as "possibly X". */
export const POSSIBLE = 0.5;

/** What each way of finding a speaker is worth before the checks below (a prior, not a measurement per article). */
const BASE: Record<Via, number> = {
  'clause-name': 0.97,
  'clause-source': 0.95,
  'clause-document': 0.9,
  'signed': 0.9,
  'clause-source-earlier': 0.9,
  'clause-pronoun': 0.92,
  'clause-organisation': 0.85,
  'clause-role': 0.85,
  'clause-other': 0.8,
  'clause-unresolved': 0.45,
  'pull-quote': 0.85,
  'paragraph-person': 0.85,
  'previous-speaker': 0.85,
  'clause-possessive': 0.8,
  'fragment': 0.75,
  'sentence-subject': 0.75,
  'previous-person': 0.7,
  'recent-speaker': 0.6,
};

/** What each other person the words could as well mean costs (half when the ranker picks the same person). */
const RIVAL = 0.2;
/** Ways whose speaker is named where they are used: distance back means nothing for them. */
const NEAR_ENOUGH = new Set<Via>(['clause-name', 'clause-source', 'clause-source-earlier', 'clause-document', 'signed']);
/** Ways where the clause itself names the speaker. */
const NAMED = new Set<Via>(['clause-name', 'clause-source', 'clause-document']);

/** A subject pronoun inside a speaker's name: the clause was not read ("Speaking through an interpreter he"). */
const PRONOUN = /(?:^|\s)(?:he|she|they|i|we|you|it)(?=[\s,.;:]|$)/i;
/** A name never ends with a linking word ("… accused the UK and the US of meddling … and"). */
const ENDS_OPEN = /\s(?:and|or|but|of|to|in|with|for|that|which|who|as|than)\s*$/i;
/** Nor opens with an adverb or a conjunction ("then for some reason"). */
const OPENS_CLAUSE = /^(?:then|so|but|and|also|when|where|while|as|because|if|though|although|after|before|since|once|still|yet|now|here|there)\b/i;

/**
 * Whether a resolved speaker reads as a speaker — a name, a description ("a source in …",
 * "researchers", "the company") or a document — and not a stretch of clause the reader failed to
 * parse ("Speaking through an interpreter he", "then for some reason").
 */
export function readsAsSpeaker(name: string): boolean {
  const n = name.trim();
  // A possessor is no speaker either ("the Obama administration’s").
  if (!n || PRONOUN.test(n) || ENDS_OPEN.test(n) || OPENS_CLAUSE.test(n) || /[’']s$/.test(n)) return false;
  // Nor does one sentence's end and the next one's start ("Students. Teachers").
  if (/(?<!\b(?:Mrs|Gov|Sen|Rep|Gen|Col|Sgt|Capt|Prof|Rev|Jr|Sr|St|Inc|Corp|Bros|Ltd|Mt|Ft))(?<=[\p{Ll}]{2})\.\s+[\p{Lu}]/u.test(n)) return false;
  // Described sources and documents run long ("a March 2019 study by the Centre for Economic Policy Research").
  return n.split(/\s+/).length <= 12;
}

/** The ranker's probability for the rules' pick and for its own best candidate (ranker.ts ruleShare). */
export type SecondOpinion = { rule: number; top: number } | null;

/** Words every one of which is capitalised ("Once Upon A Time in Hollywood", "Take Me Out to the Ballgame"): a title, not speech. */
const SMALL_WORDS = new Set(['a', 'an', 'the', 'of', 'in', 'on', 'at', 'to', 'for', 'and', 'or', 'nor', 'but', 'with', 'from', 'by', 'as', 'is', 'it', 'up', 'vs']);
export function readsAsTitle(text: string): boolean {
  const content = (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).filter((w) => !SMALL_WORDS.has(w.toLowerCase()));
  return content.length >= 3 && content.every((w) => /^[\p{Lu}\p{N}]/u.test(w));
}

/**
 * One confidence in [0, 1] per attribution (0 where no speaker was found), in the same order.
 * `opinions` are the ranker's, one per attribution; `titles` says which quoted words read as a title.
 */
export function confidences(attributions: readonly Attribution[], opinions: readonly SecondOpinion[], titles: readonly boolean[] = []): number[] {
  return attributions.map((a, i) => {
    const e = a.evidence;
    if (!a.speaker || !e) return 0;
    let c = BASE[e.via];
    if (e.via === 'clause-pronoun') {
      const head = readPhrase(a.clause?.subject ?? '')?.head.toLowerCase();
      if (head === 'it' || head === 'they' || head === 'we') c = 0.8;
    }
    const o = opinions[i];
    // Each other person the words could as well mean costs RIVAL — half of it when the ranker, which
    // weighs the same mentions by other evidence, picks the same person; a speaker last named
    // paragraphs back is less likely the one a pronoun or a clause-less quotation means.
    const agrees = !o || o.top <= o.rule;
    c -= RIVAL * Math.min(e.rivals, 2) * (agrees ? 0.5 : 1);
    if (!NEAR_ENOUGH.has(e.via)) c -= 0.08 * Math.max(0, e.distance - 1);
    // The pronoun chain (e.chain) is recorded but costs nothing: a penalty per link lost right
    // names on every tuned round and caught no wrong one (docs/quality.md).
    if (e.slip) c -= 0.2;
    if (!readsAsSpeaker(a.speaker.name)) c = Math.min(c, 0.3);
    // A title in quote marks is no one's words unless a clause names who said it.
    if (titles[i] && !NAMED.has(e.via)) c = Math.min(c, 0.3);
    // A quotation continuing someone's words keeps the confidence of the way its speaker was
    // reached: capping it at the one it continues withheld right names and caught no wrong one on
    // the tuned rounds (docs/quality.md).
    // The ranker's doubt weighs little against a name in the clause, more against a pronoun and
    // most where there was no clause at all.
    if (!agrees) c *= 1 - (a.clause?.subject ? (NAMED.has(e.via) ? 0.1 : 0.4) : 0.5) * (1 - o!.rule / o!.top);
    return Math.max(0, Math.min(1, c));
  });
}

/** The confidences of an article's attributions (one per span, as resolveSpeakers returned them), the ranker's opinion included. */
export function scoreAttributions(body: readonly string[], spans: readonly QuoteSpan[], attributions: readonly Attribution[]): number[] {
  if (!attributions.some((a) => a.evidence)) return attributions.map(() => 0);
  const opinions = quoteCandidates(body, spans, attributions).map((c) => ruleShare(c));
  return confidences(attributions, opinions, spans.map((s) => readsAsTitle(s.text)));
}
