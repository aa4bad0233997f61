import type { Article } from '../article.ts';
import { normalizeLink } from '../feeds/dedupe.ts';
import { changedShare, diffWords, splitWords } from './word-diff.ts';

/**
 * What kind of change a new version brought. `headline`: the title changed; `correction`: a
 * correction or update note appeared; `body`: the text was edited; `byline`, `date`: those
 * fields changed; `deleted`: the item left its feed and its page answers 404/410.
 */
export type ChangeKind = 'headline' | 'correction' | 'body' | 'byline' | 'date' | 'deleted';

/** The parts of an article a version keeps. */
export type VersionFields = Pick<Article, 'title' | 'byline' | 'publishedAt' | 'body' | 'url'>;

export interface ChangeClass {
  kinds: ChangeKind[];
  /** Share of body words changed (removed + added over old + new), 0…1. */
  share: number;
  /** The correction or update note that appeared, as printed (≤ 300 chars). */
  note: string | null;
}

/**
 * Notes newsrooms add when they fix a story, in English and Korean (the languages of the seeds
 * and corpora). Each must appear at the start of a paragraph or sentence, so a story merely
 * mentioning "a correction" in its text is not taken for one.
 */
const NOTE_PATTERNS: RegExp[] = [
  /(?:^|[.!?]\s+|\(|\*)(?:correction|clarification|editor['’]s note|update[d]?|corrects)\s*[:—–-]/i,
  /\bthis (?:story|article|report|post) (?:has been|was) (?:updated|corrected|amended|changed)\b/i,
  /\ban earlier version of this (?:story|article|report|post)\b/i,
  /\b(?:we|the [a-z ]{1,30}) (?:corrected|amended) this (?:story|article)\b/i,
  /\[(?:정정|수정|바로잡습니다|알림)\]/,
  /(?:^|\s)(?:정정|바로잡습니다|수정)\s*[:：]/,
  /바로잡습니다|정정합니다|정정보도/,
  /이 기사는[^.。]{0,60}(?:수정|정정|업데이트)(?:되었|됐|했)/,
  /기사를 (?:수정|정정)(?:했|하였)습니다/,
];

/** The first paragraph sentence carrying a correction or update note, or null. */
export function findCorrectionNote(paragraphs: string[]): string | null {
  for (const p of paragraphs) {
    for (const re of NOTE_PATTERNS) {
      const m = re.exec(p);
      if (!m) continue;
      // Quote from the note itself, not the paragraph's unrelated opening.
      const from = Math.max(0, p.lastIndexOf('. ', m.index) + 1, m.index);
      const text = p.slice(from).replace(/^[\s.!?(*]+/, '').trim();
      return text.length > 300 ? `${text.slice(0, 299).replace(/\s+\S*$/, '')}…` : text;
    }
  }
  return null;
}

/**
 * Text reduced to what a reader sees: Unicode-normalised, markup and entity leftovers removed,
 * links without tracking parameters, whitespace collapsed. Two texts that differ only in these
 * are the same version.
 */
export function normalizeForCompare(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/<\/?[a-z][^>]*>/gi, ' ')
    .replace(/&(?:nbsp|#160|#xa0);/gi, ' ')
    .replace(/&(?:amp|#38);/gi, '&')
    .replace(/https?:\/\/[^\s"'<>]+/gi, (u) => normalizeLink(u))
    .replace(/[\u200B-\u200D\uFEFF\u00AD]/g, '')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

function bodyText(body: string[]): string {
  return normalizeForCompare(body.join('\n'));
}

function sameDate(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return Date.parse(a) === Date.parse(b);
}

/**
 * Classifies the change from one version to the next; null when nothing a reader would see
 * changed (whitespace, markup, tracking parameters, an identical date written differently).
 */
export function classifyChange(before: VersionFields, after: VersionFields): ChangeClass | null {
  const kinds: ChangeKind[] = [];
  if (normalizeForCompare(before.title) !== normalizeForCompare(after.title)) kinds.push('headline');
  const oldNote = findCorrectionNote(before.body);
  const newNote = findCorrectionNote(after.body);
  const note = newNote && newNote !== oldNote ? newNote : null;
  if (note) kinds.push('correction');
  const oldBody = bodyText(before.body);
  const newBody = bodyText(after.body);
  let share = 0;
  if (oldBody !== newBody) {
    share = changedShare(diffWords(splitWords(oldBody), splitWords(newBody)));
    // Only case or quote style changed: diffWords treats those words as equal.
    if (share > 0) kinds.push('body');
  }
  if (normalizeForCompare(before.byline ?? '') !== normalizeForCompare(after.byline ?? '')) kinds.push('byline');
  if (!sameDate(before.publishedAt, after.publishedAt)) kinds.push('date');
  if (kinds.length === 0) return null;
  return { kinds, share, note };
}

/** "headline changed, correction added, 12 % of the text edited" — for replies and alerts. */
export function describeKinds(c: { kinds: ChangeKind[]; share: number }): string {
  const parts: string[] = [];
  for (const k of c.kinds) {
    if (k === 'headline') parts.push('headline changed');
    else if (k === 'correction') parts.push('correction or update note added');
    else if (k === 'body') parts.push(`${Math.max(1, Math.round(c.share * 100))} % of the text edited`);
    else if (k === 'byline') parts.push('byline changed');
    else if (k === 'date') parts.push('date changed');
    else if (k === 'deleted') parts.push('deleted at the source');
  }
  return parts.join(', ');
}
