import type { Article } from '../article.ts';
import type { ChangeKind } from '../changes/compare.ts';
import type { StoredItem } from './ingest-plan.ts';
import type { AlertRow, ArticleVersion, ChangeAlertRow, FetchAttempt, OutboxRow, SourceRow, SubscriptionRow, TextOrigin } from './types.ts';

export type Row = Record<string, unknown>;

/**
 * How one engine hands back the values the two stores keep differently: SQLite keeps times as ISO
 * text, lists and payloads as JSON text, booleans as 0/1; PostgreSQL returns `Date`s for
 * timestamptz, parsed values for jsonb/json/arrays, booleans, and bigints as strings.
 */
export interface RowCodec {
  time(v: unknown): string;
  list(v: unknown): string[];
  json(v: unknown): unknown;
  bool(v: unknown): boolean;
  int(v: unknown): number;
}

export const SQLITE_CODEC: RowCodec = {
  time: (v) => v as string,
  list: (v) => JSON.parse(v as string) as string[],
  json: (v) => JSON.parse(v as string) as unknown,
  bool: (v) => v === 1,
  int: (v) => v as number,
};

export const PG_CODEC: RowCodec = {
  time: (v) => (v instanceof Date ? v.toISOString() : (v as string)),
  list: (v) => v as string[],
  json: (v) => v,
  bool: (v) => v as boolean,
  int: (v) => Number(v),
};

const str = (v: unknown): string | null => (v as string | null | undefined) ?? null;
const timeOrNull = (c: RowCodec, v: unknown): string | null => (v == null ? null : c.time(v));

/** The row mappers of one engine: the same field meanings, the engine's value forms. */
export function rowMappers(c: RowCodec) {
  const toArticle = (r: Row): Article => ({
    id: r.id as string,
    sourceId: r.source_id as string,
    title: r.title as string,
    byline: str(r.byline),
    outlet: str(r.outlet),
    dateline: str(r.dateline),
    tags: c.list(r.tags),
    caption: str(r.caption),
    body: c.list(r.body),
    editors: c.list(r.editors),
    url: str(r.url),
    publishedAt: str(r.published_at),
    ...(r.image_url ? { image: r.image_url as string } : {}),
  });
  return {
    toArticle,
    /** A stored article as the ingest planner reads it. */
    toStoredItem: (r: Row): StoredItem => ({ id: r.id as string, contentHash: r.content_hash as string, textOrigin: r.text_origin as TextOrigin, article: toArticle(r) }),
    toSource: (r: Row): SourceRow => ({
      id: r.id as string,
      guildId: str(r.guild_id),
      channelId: str(r.channel_id),
      addedBy: str(r.added_by),
      url: r.url as string,
      feedUrl: str(r.feed_url),
      name: r.name as string,
      kind: r.kind as SourceRow['kind'],
      status: r.status as SourceRow['status'],
      pausedReason: str(r.paused_reason),
      intervalMinutes: r.interval_minutes as number,
      fullText: c.bool(r.full_text),
      etag: str(r.etag),
      lastModified: str(r.last_modified),
      createdAt: c.time(r.created_at),
      lastAttemptAt: timeOrNull(c, r.last_attempt_at),
      lastSuccessAt: timeOrNull(c, r.last_success_at),
      nextFetchAt: timeOrNull(c, r.next_fetch_at),
      consecutiveFailures: r.consecutive_failures as number,
      lastError: str(r.last_error),
      ...(r.image_url ? { imageUrl: r.image_url as string } : {}),
      feedId: (r.feed_id as string | null | undefined) ?? (r.id as string),
    }),
    toVersion: (r: Row): ArticleVersion => ({
      id: c.int(r.id),
      articleId: r.article_id as string,
      version: r.version as number,
      title: r.title as string,
      byline: str(r.byline),
      publishedAt: str(r.published_at),
      body: c.list(r.body),
      url: str(r.url),
      seenAt: c.time(r.seen_at),
      replacedAt: c.time(r.replaced_at),
      kinds: c.list(r.kinds) as ChangeKind[],
      share: Number(r.share),
      note: str(r.note),
      afterBody: r.after_body === null || r.after_body === undefined ? null : c.list(r.after_body),
    }),
    toChangeAlert: (r: Row): ChangeAlertRow => ({
      id: r.id as string,
      guildId: r.guild_id as string,
      channelId: r.channel_id as string,
      createdBy: r.created_by as string,
      createdAt: c.time(r.created_at),
      lastVersionId: c.int(r.last_version_id),
    }),
    toSubscription: (r: Row): SubscriptionRow => ({
      id: r.id as string,
      guildId: r.guild_id as string,
      channelId: r.channel_id as string,
      scheduleLabel: r.schedule_label as string,
      cron: r.cron as string,
      timezone: r.timezone as string,
      query: str(r.query),
      sourceIds: c.list(r.source_ids),
      maxItems: r.max_items as number,
      createdBy: r.created_by as string,
      createdAt: c.time(r.created_at),
      lastWindowEnd: c.time(r.last_window_end),
      ...(r.chart === true || r.chart === 1 ? { chart: true } : {}),
    }),
    // Defaults cover SQLite rows read before migration 3 added the delivery columns.
    toAlert: (r: Row): AlertRow => ({
      id: r.id as string,
      guildId: r.guild_id as string,
      channelId: r.channel_id as string,
      query: r.query as string,
      roleId: str(r.role_id),
      createdBy: r.created_by as string,
      createdAt: c.time(r.created_at),
      lastSeq: c.int(r.last_seq),
      sourceId: str(r.source_id),
      filters: (r.filters as string | undefined) ?? '{}',
      template: str(r.template),
      identity: (r.identity as AlertRow['identity'] | undefined) ?? 'bot',
      identityNote: str(r.identity_note),
      notifyChannelId: str(r.notify_channel_id),
      status: (r.status as AlertRow['status'] | undefined) ?? 'active',
      pausedReason: str(r.paused_reason),
      delivered: (r.delivered as number | undefined) ?? 0,
      skipped: (r.skipped as number | undefined) ?? 0,
      failed: (r.failed as number | undefined) ?? 0,
      lastError: str(r.last_error),
      lastDeliveredAt: timeOrNull(c, r.last_delivered_at),
    }),
    toOutbox: (r: Row): OutboxRow => ({
      id: c.int(r.id),
      kind: r.kind as OutboxRow['kind'],
      refId: r.ref_id as string,
      windowKey: r.window_key as string,
      channelId: r.channel_id as string,
      payload: c.json(r.payload),
      nonce: r.nonce as string,
      status: r.status as OutboxRow['status'],
      attempts: r.attempts as number,
      lastError: str(r.last_error),
      messageId: str(r.message_id),
      createdAt: c.time(r.created_at),
      nextAttemptAt: c.time(r.next_attempt_at),
      postedAt: timeOrNull(c, r.posted_at),
      sentAt: timeOrNull(c, r.sent_at),
      guildId: str(r.guild_id),
    }),
    toAttempt: (r: Row): FetchAttempt => ({
      at: c.time(r.at),
      durationMs: (r.duration_ms as number | null) ?? null,
      httpStatus: (r.http_status as number | null) ?? null,
      newItems: r.new_items as number,
      updatedItems: r.updated_items as number,
      error: str(r.error),
    }),
  };
}

/** Fields of a source that may be patched, and their column. */
export const SOURCE_COLUMNS: Record<string, string> = {
  channelId: 'channel_id',
  url: 'url',
  feedUrl: 'feed_url',
  name: 'name',
  kind: 'kind',
  status: 'status',
  pausedReason: 'paused_reason',
  intervalMinutes: 'interval_minutes',
  fullText: 'full_text',
  etag: 'etag',
  lastModified: 'last_modified',
  lastAttemptAt: 'last_attempt_at',
  lastSuccessAt: 'last_success_at',
  nextFetchAt: 'next_fetch_at',
  consecutiveFailures: 'consecutive_failures',
  lastError: 'last_error',
  imageUrl: 'image_url',
};

/**
 * The vanished-item candidates of a refresh: stored items (newest first) whose dedupe key is no
 * longer in the feed, at most `limit`. Both stores read the rows; the choice is the same.
 */
export function pickVanished(rows: readonly Row[], presentKeys: ReadonlySet<string>, limit: number): Array<{ id: string; url: string }> {
  const out: Array<{ id: string; url: string }> = [];
  for (const r of rows) {
    if (presentKeys.has(r.dedupe_key as string)) continue;
    out.push({ id: r.id as string, url: r.url as string });
    if (out.length === limit) break;
  }
  return out;
}
