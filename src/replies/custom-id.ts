import { createHash } from 'node:crypto';

/**
 * Button state lives in the custom_id (≤ 100 chars) so paging needs no server-side session and
 * survives restarts. Layout: `s:<page>:<user>:<since>:<until>:<source>:<query>` — the query goes
 * last so it may contain the separator. A query too long for that (they may be up to
 * QUERY_MAX_LENGTH) travels as a key, `~~<hash>`, to the query kept in this process (the newest
 * LONG_QUERIES_KEPT): such a search pages until the bot restarts, then asks to be run again.
 */
export const CUSTOM_ID_MAX = 100;
/** The /search and /quote query options' max_length: far past any search worth typing. */
export const QUERY_MAX_LENGTH = 300;
const LONG_QUERIES_KEPT = 10_000;
const longQueries = new Map<string, string>();
const LONG_KEY = '~~';

function longQueryKey(query: string): string {
  const key = LONG_KEY + createHash('sha256').update(query).digest('base64url').slice(0, 16);
  longQueries.delete(key);
  longQueries.set(key, query);
  if (longQueries.size > LONG_QUERIES_KEPT) longQueries.delete(longQueries.keys().next().value!);
  return key;
}

export interface SearchState {
  page: number;
  userId: string;
  since?: Date;
  until?: Date;
  /** Short source key: a source id or `o` + outlet hash (see encodeSourceKey). */
  source?: string;
  query: string;
}

/** Date filters travel at hour precision (4 base36 chars until 2100); enough for day-based filters. */
const HOUR = 3_600_000;

function encodeUser(id: string): string {
  // Snowflakes are up to 20 decimal digits; base36 makes them 13.
  return /^\d{1,20}$/.test(id) ? BigInt(id).toString(36) : `~${id.replace(/[:]/g, '')}`;
}

function encodeTime(d: Date | undefined, edge: 'start' | 'end'): string {
  if (!d) return '';
  const hours = edge === 'start' ? Math.floor(d.getTime() / HOUR) : Math.ceil((d.getTime() + 1) / HOUR);
  return hours.toString(36);
}

function decodeTime(s: string, edge: 'start' | 'end'): Date | undefined {
  if (!s) return undefined;
  const n = parseInt(s, 36);
  if (!Number.isFinite(n)) return undefined;
  // An "until" edge decodes to the last millisecond before its hour, so it stays inclusive.
  return new Date(edge === 'start' ? n * HOUR : n * HOUR - 1);
}

/** Encodes search paging state; throws if it cannot fit (a bug: inputs are length-limited). */
export function encodeSearchState(s: SearchState): string {
  const head = ['s', s.page.toString(36), encodeUser(s.userId), encodeTime(s.since, 'start'), encodeTime(s.until, 'end'), s.source ?? ''].join(':');
  const fits = `${head}:${s.query}`;
  const id = fits.length <= CUSTOM_ID_MAX && !s.query.startsWith(LONG_KEY) ? fits : `${head}:${longQueryKey(s.query)}`;
  if (id.length > CUSTOM_ID_MAX) throw new Error(`search state does not fit a custom_id (${id.length} chars)`);
  return id;
}

/** Decodes `s:` custom ids; null when malformed (an old or forged button). */
export function decodeSearchState(customId: string): (Omit<SearchState, 'userId'> & { user: string; expired?: boolean }) | null {
  const parts = customId.split(':');
  if (parts.length < 7 || parts[0] !== 's') return null;
  const page = parseInt(parts[1]!, 36);
  if (!Number.isFinite(page) || page < 0 || page > 10_000) return null;
  let query = parts.slice(6).join(':');
  if (!query) return null;
  let expired = false;
  if (query.startsWith(LONG_KEY)) {
    // A long query this process no longer holds (it restarted): the caller asks for a new search.
    const kept = longQueries.get(query);
    expired = kept === undefined;
    query = kept ?? '';
  }
  const since = decodeTime(parts[3]!, 'start');
  const until = decodeTime(parts[4]!, 'end');
  return {
    page,
    user: parts[2]!,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(parts[5] ? { source: parts[5] } : {}),
    query,
    ...(expired ? { expired } : {}),
  };
}

/** True when `userId` is the one encoded in a decoded state. */
export function isSameUser(encoded: string, userId: string): boolean {
  return encoded === encodeUser(userId);
}

/** custom_id of the "read the whole article" button and article paging: `a:<id>:<page>`. */
export function encodeArticleButton(articleId: string, page: number): string {
  return `a:${articleId}:${page.toString(36)}`;
}

export function decodeArticleButton(customId: string): { articleId: string; page: number } | null {
  const m = /^a:([A-Za-z0-9_-]{1,64}):([0-9a-z]{1,4})$/.exec(customId);
  if (!m) return null;
  return { articleId: m[1]!, page: parseInt(m[2]!, 36) };
}

/** custom_id of a search result's "Read" button, which opens the article privately: `r:<id>`. */
export function encodeReadButton(articleId: string): string {
  return `r:${articleId}`;
}

export function decodeReadButton(customId: string): string | null {
  const m = /^r:([A-Za-z0-9_-]{1,64})$/.exec(customId);
  return m ? m[1]! : null;
}

/** custom_id of a search result's "Cite" button: `ci:<article id>` (opens the citations privately). */
export function encodeCiteButton(articleId: string): string {
  return `ci:${articleId}`;
}

export function decodeCiteButton(customId: string): string | null {
  const m = /^ci:([A-Za-z0-9_-]{1,64})$/.exec(customId);
  return m ? m[1]! : null;
}

/** custom_id of a search result's "Story" button: `st:<story id>` (every outlet's report, privately). */
export function encodeStoryButton(storyId: string): string {
  return `st:${storyId}`;
}

export function decodeStoryButton(customId: string): string | null {
  const m = /^st:([A-Za-z0-9_-]{1,64})$/.exec(customId);
  return m ? m[1]! : null;
}

/** /quote paging: `q:<page>:<user>:<[speaker, query] as JSON, or a key to it when too long>`. */
export function encodeQuoteState(s: { page: number; userId: string; query: string; speaker: string | null }): string {
  const head = `q:${s.page.toString(36)}:${encodeUser(s.userId)}`;
  const payload = JSON.stringify([s.speaker ?? '', s.query]);
  return `${head}:${head.length + 1 + payload.length <= CUSTOM_ID_MAX ? payload : longQueryKey(payload)}`;
}

/** Decodes `q:` custom ids; null when malformed, `expired` when a long one's key was forgotten. */
export function decodeQuoteState(customId: string): { page: number; user: string; query: string; speaker: string | null; expired?: boolean } | null {
  const m = /^q:([0-9a-z]{1,4}):([^:]+):(.+)$/s.exec(customId);
  if (!m) return null;
  let payload = m[3]!;
  if (payload.startsWith(LONG_KEY)) {
    const kept = longQueries.get(payload);
    if (kept === undefined) return { page: 0, user: m[2]!, query: '', speaker: null, expired: true };
    payload = kept;
  }
  try {
    const [speaker, query] = JSON.parse(payload) as [string, string];
    if (typeof speaker !== 'string' || typeof query !== 'string') return null;
    return { page: parseInt(m[1]!, 36), user: m[2]!, query, speaker: speaker || null };
  } catch {
    return null;
  }
}
