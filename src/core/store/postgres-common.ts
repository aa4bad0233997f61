import pg from 'pg';
import type { Article } from '../article.ts';
import { rowMappers, PG_CODEC, type Row } from './rows.ts';
import type { StoredArticle } from './types.ts';

// Constants, row mappers and helpers the PostgreSQL store's aggregate files share.

export type Db = pg.Pool | pg.PoolClient;

/** Serialises migrations of one database across processes starting together. */
export const MIGRATION_LOCK = 4_815_162_342;
/**
 * Held by every ingest that inserts, until it commits: a BIGSERIAL value is taken at insert time,
 * so without it a later seq could commit before an earlier one and an alert watermark moved past
 * the later one would skip the earlier article forever.
 */
export const SEQ_LOCK = 4_815_162_343;

/** NOTIFY channel of article changes. */
export const ARTICLES_CHANNEL = 'newsdesk_articles';

/** Candidates (estimated) per searched segment of the archive search. */
export const TEXT_SEGMENT_CANDIDATES = 800;
/** Newest rows of a range counted to estimate how many articles a query matches. */
export const TEXT_PROBE_ROWS = 1000;
/** Candidates examined at most per query before the search stops and extrapolates. */
export const TEXT_MAX_CANDIDATES = 40_000;

/** next_attempt_at of a paused delivery's posts: never due until resumed (as in the SQLite store). */
export const PARKED = '9999-12-31T00:00:00.000Z';

export const iso = (v: unknown): string => (v as Date).toISOString();
export const { toSource, toArticle, toStoredItem, toVersion, toSubscription, toAlert, toOutbox, toAttempt, toChangeAlert } = rowMappers(PG_CODEC);

export function toStored(r: Row): StoredArticle {
  return { seq: Number(r.seq), article: toArticle(r), firstSeenAt: iso(r.first_seen_at), };
}

export function toStoredWithStory(r: Row): StoredArticle {
  return { ...toStored(r), storyId: (r.story_id as string | null) ?? null };
}

/** A feed's date as an instant for date filters; null when it does not parse. */
export function publishedInstant(publishedAt: string | null): string | null {
  if (!publishedAt) return null;
  const t = Date.parse(publishedAt);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can): a NUL in feed text is never meaningful, so it
 * is dropped rather than failing the whole fetch.
 */
export function withoutNul(a: Article): Article {
  const t = (v: string) => (v.includes('\u0000') ? v.replaceAll('\u0000', '') : v);
  const n = (v: string | null) => (v === null ? null : t(v));
  return {
    ...a,
    title: t(a.title), byline: n(a.byline), outlet: n(a.outlet), dateline: n(a.dateline), tags: a.tags.map(t), caption: n(a.caption),
    body: a.body.map(t), editors: a.editors.map(t), url: n(a.url), publishedAt: n(a.publishedAt),
    ...(a.image !== undefined ? { image: t(a.image) } : {}),
  };
}

/** jsonb parameters go as JSON text: node-postgres would send a JS array as a PostgreSQL array. */
export const json = (v: unknown): string => JSON.stringify(v);

/** An outlet with runs of whitespace as one space and none at either end (SQL over `col`). */
export const OUTLET_SHOWN = (col: string) => `regexp_replace(regexp_replace(${col}, '\\s+', ' ', 'g'), '^ | $', '', 'g')`;
