import type { Article } from '../article.ts';
import { buildExcerpt, type TermSpec } from '../excerpt.ts';
import type { Card, Reply } from '../reply.ts';
import { escapeInline, maskedLink } from '../text/escape.ts';
import { tokenize } from '../text/tokenize.ts';

export interface DigestEntry {
  article: Article;
  firstSeenAt: string;
  /** Matched terms when the digest has a query (for ranking and bold marks). */
  terms?: TermSpec[];
  /** Position in the query's ranking (0 = best); absent without a query. */
  rank?: number;
  /** The article's story id (src/core/stories/); when entries carry one, stories are grouped by it. */
  storyId?: string | null;
}

export interface DigestInput {
  entries: DigestEntry[];
  timezone: string;
  windowStart: Date;
  windowEnd: Date;
  /** Set when the window spans several missed runs (downtime): one combined digest. */
  missedRuns: number;
  query: string | null;
  maxItems: number;
  scheduleLabel: string;
}

/** A story: articles from one or more outlets whose titles say the same thing. */
interface Group {
  label: string;
  entries: DigestEntry[];
  story: boolean;
}

const DESCRIPTION_BUDGET = 3900;
const EXCERPT_CHARS = 220;
const STOP = new Set(['the', 'a', 'an', 'of', 'to', 'in', 'on', 'for', 'and', 'or', 'is', 'are', 'was', 'as', 'at', 'by', 'with', 'from', 'its', 'it', 'that', 'this', 'after', 'over', 'new']);

/** Title words that carry meaning, for near-duplicate detection. */
function titleKey(title: string): Set<string> {
  return new Set(tokenize(title).filter((t) => !STOP.has(t) && t.length > 1));
}

function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Without story ids: near-duplicate titles (Jaccard ≥ 0.5 over meaningful words) from different outlets form one story. */
export const STORY_SIMILARITY = 0.5;

/**
 * Groups entries into stories (near-duplicate titles across outlets, merged) and then by outlet,
 * keeping the given order inside each group. Stories come first; outlets follow in order of
 * their best-ranked entry.
 */
export function groupEntries(entries: DigestEntry[]): Group[] {
  const keys = entries.map((e) => titleKey(e.article.title));
  const storyOf = new Array<number>(entries.length).fill(-1);
  const stories: number[][] = [];
  // The story ids search uses, when the entries carry them; title similarity otherwise.
  const byId = entries.some((e) => e.storyId !== undefined);
  if (byId) {
    const members = new Map<string, number[]>();
    entries.forEach((e, i) => {
      if (!e.storyId) return;
      const list = members.get(e.storyId) ?? [];
      list.push(i);
      members.set(e.storyId, list);
    });
    for (const list of members.values()) {
      if (list.length < 2) continue;
      for (const m of list) storyOf[m] = stories.length;
      stories.push(list);
    }
  }
  for (let i = 0; i < entries.length && !byId; i++) {
    if (storyOf[i] !== -1) continue;
    const members = [i];
    for (let j = i + 1; j < entries.length; j++) {
      if (storyOf[j] !== -1) continue;
      if (similarity(keys[i]!, keys[j]!) >= STORY_SIMILARITY) members.push(j);
    }
    if (members.length > 1) {
      const id = stories.length;
      stories.push(members);
      for (const m of members) storyOf[m] = id;
    }
  }
  const groups: Group[] = [];
  for (const members of stories) {
    const outlets = new Set(members.map((m) => entries[m]!.article.outlet ?? ''));
    // Near-duplicates from ONE outlet are updates of the same piece: keep them as that outlet's.
    if (outlets.size === 1) {
      for (const m of members) storyOf[m] = -1;
      continue;
    }
    groups.push({ label: entries[members[0]!]!.article.title, entries: members.map((m) => entries[m]!), story: true });
  }
  const byOutlet = new Map<string, DigestEntry[]>();
  entries.forEach((e, i) => {
    if (storyOf[i] !== -1 && groups.some((g) => g.story && g.entries.includes(e))) return;
    const outlet = e.article.outlet ?? 'Other';
    const list = byOutlet.get(outlet) ?? [];
    list.push(e);
    byOutlet.set(outlet, list);
  });
  for (const [outlet, list] of byOutlet) groups.push({ label: outlet, entries: list, story: false });
  return groups;
}

function localTime(iso: string, timezone: string, multiDay: boolean): string {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(multiDay ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
  });
  return fmt.format(new Date(iso));
}

/**
 * When an entry was published, in the digest's time zone: the time alone for an article of the
 * digest's own day, with the date when it is another day (a feed can bring old items), with the
 * year when another year; "undated" when the feed gave no date. Never the time it was fetched.
 */
function publishedTime(iso: string | null, timezone: string, multiDay: boolean, windowEnd: Date): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return 'undated';
  const d = new Date(iso);
  const day = (x: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(x);
  const sameDay = day(d) === day(windowEnd);
  const sameYear = day(d).slice(0, 4) === day(windowEnd).slice(0, 4);
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(multiDay || !sameDay ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
    ...(sameYear ? {} : { year: 'numeric' }),
  });
  return fmt.format(d);
}

function entryLines(e: DigestEntry, timezone: string, multiDay: boolean, withOutlet: boolean, windowEnd: Date): string {
  const head = `**${maskedLink(e.article.title, e.article.url)}**`;
  const meta = [withOutlet && e.article.outlet ? escapeInline(e.article.outlet) : null, publishedTime(e.article.publishedAt, timezone, multiDay, windowEnd)].filter(Boolean).join(' · ');
  const excerpt = buildExcerpt(e.article, e.terms ?? [], { maxLength: EXCERPT_CHARS });
  return `${head} · ${meta}${excerpt.text ? `\n> ${excerpt.text}` : ''}`;
}

/**
 * Builds a digest post: a header, one card per story or outlet (split when long), each article
 * with linked title, outlet, time and a one- or two-sentence excerpt, ranked by the query when
 * there is one, and "…and N more" beyond `maxItems`. Returns null for an empty window.
 */
export function composeDigest(input: DigestInput): Reply | null {
  if (input.entries.length === 0) return null;
  const ordered = [...input.entries].sort((a, b) =>
    a.rank !== undefined && b.rank !== undefined ? a.rank - b.rank : b.firstSeenAt.localeCompare(a.firstSeenAt),
  );
  const shown = ordered.slice(0, input.maxItems);
  const hidden = ordered.length - shown.length;
  const multiDay = input.windowEnd.getTime() - input.windowStart.getTime() > 24 * 3_600_000;
  const cards: Card[] = [];
  for (const group of groupEntries(shown)) {
    const title = group.story ? `Story: ${escapeInline(group.label)}` : escapeInline(group.label);
    let lines: string[] = [];
    let size = 0;
    let part = 0;
    const flush = () => {
      if (!lines.length) return;
      cards.push({ title: part === 0 ? title : `${title} (continued)`, description: lines.join('\n\n') });
      part++;
      lines = [];
      size = 0;
    };
    for (const e of group.entries) {
      const text = entryLines(e, input.timezone, multiDay, group.story, input.windowEnd);
      if (size + text.length + 2 > DESCRIPTION_BUDGET) flush();
      lines.push(text);
      size += text.length + 2;
    }
    flush();
  }
  const since = localTime(input.windowStart.toISOString(), input.timezone, true);
  const count = `${ordered.length} new article${ordered.length === 1 ? '' : 's'}`;
  const header = [
    input.missedRuns > 1
      ? `🗞️ **Catch-up digest** — ${count} since ${since} (${input.timezone}), covering ${input.missedRuns} missed ${escapeInline(input.scheduleLabel)} digests`
      : `🗞️ **Digest** — ${count} since ${since} (${input.timezone})`,
  ];
  if (input.query) header.push(`Beat: **${escapeInline(input.query)}**`);
  if (hidden > 0) {
    const last = cards[cards.length - 1]!;
    last.footer = `…and ${hidden} more. Use /search to see everything.`;
  }
  return { content: header.join('\n'), cards };
}
