/**
 * Shared feeds. A feed (one polled URL) is fetched once for every server that follows it: the
 * `feeds` table keeps its fetch state (validators, next poll, failures), and each server's
 * `sources` row is its subscription (its own name, channel, pause state, full-text choice and
 * interval preference) with `feed_id` naming the feed. Articles and fetch history are stored once,
 * on the feed: each feed has an archive row in `sources` with the feed's id and no guild (as the
 * seed archive), which the articles' and fetch log's foreign keys point at.
 *
 * Callers keep passing a source (subscription) id: the stores map it to the owner of its articles
 * with {@link ownerOf}; a feed's own id or the seeds map to themselves. `Article.sourceId` is the
 * feed id, so a server's visible set ({@link AsyncStore.sourceIdsForGuild}) is the feeds it follows.
 */

/** The feed whose articles a source id stands for (one `?` parameter). */
export const OWNER_OF = '(SELECT COALESCE(feed_id, id) FROM sources WHERE id = ?)';

/** The same for a list of ids given as a JSON array (SQLite) — see ownersOfArray for PostgreSQL. */
export const OWNERS_OF_JSON = '(SELECT COALESCE(feed_id, id) FROM sources WHERE id IN (SELECT value FROM json_each(?)))';

/** Fields of a source row that belong to its feed (fetch state, shared by every follower). */
export const FEED_FIELDS: Record<string, string> = {
  etag: 'etag',
  lastModified: 'last_modified',
  imageUrl: 'image_url',
  lastAttemptAt: 'last_attempt_at',
  lastSuccessAt: 'last_success_at',
  nextFetchAt: 'next_fetch_at',
  consecutiveFailures: 'consecutive_failures',
  lastError: 'last_error',
};

/**
 * A subscription as a SourceRow: its own settings, the feed's fetch state. Rows without a feed
 * (the seeds, a feed's archive row) read their own columns.
 */
export const SOURCE_SELECT = `SELECT s.id, s.guild_id, s.channel_id, s.added_by, s.url, s.feed_url, s.name, s.kind, s.status, s.paused_reason,
  s.interval_minutes, s.full_text, s.created_at, COALESCE(s.feed_id, s.id) AS feed_id,
  ${Object.values(FEED_FIELDS).map((c) => `CASE WHEN f.id IS NULL THEN s.${c} ELSE f.${c} END AS ${c}`).join(', ')}
  FROM sources s LEFT JOIN feeds f ON f.id = s.feed_id`;

/** Guild sources only: a feed's archive row is not a source anyone added. */
export const NOT_ARCHIVE = 'NOT EXISTS (SELECT 1 FROM feeds x WHERE x.id = s.id)';
