/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
 * Never edit a released migration: add a new one.
 */
export const MIGRATIONS: string[] = [
  // 1: sources, articles, fetch history, digest subscriptions, alerts, outbox.
  `
  CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    guild_id TEXT,
    channel_id TEXT,
    added_by TEXT,
    url TEXT NOT NULL,
    feed_url TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason TEXT,
    interval_minutes INTEGER NOT NULL DEFAULT 30,
    full_text INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    created_at TEXT NOT NULL,
    last_attempt_at TEXT,
    last_success_at TEXT,
    next_fetch_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  CREATE INDEX sources_guild ON sources (guild_id);
  CREATE INDEX sources_due ON sources (status, next_fetch_at);
  INSERT INTO sources (id, guild_id, url, name, kind, status, created_at)
    VALUES ('seeds', NULL, 'seeds/', 'Seed archive', 'seeds', 'paused', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

  CREATE TABLE articles (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source_id TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    dedupe_key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    byline TEXT,
    outlet TEXT,
    dateline TEXT,
    tags TEXT NOT NULL,
    caption TEXT,
    body TEXT NOT NULL,
    editors TEXT NOT NULL,
    url TEXT,
    published_at TEXT,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    announce INTEGER NOT NULL,
    UNIQUE (source_id, dedupe_key)
  );
  CREATE INDEX articles_seen ON articles (first_seen_at);

  CREATE TABLE fetch_log (
    id INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    duration_ms INTEGER,
    http_status INTEGER,
    new_items INTEGER NOT NULL DEFAULT 0,
    updated_items INTEGER NOT NULL DEFAULT 0,
    error TEXT
  );
  CREATE INDEX fetch_log_source ON fetch_log (source_id, id);

  CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    schedule_label TEXT NOT NULL,
    cron TEXT NOT NULL,
    timezone TEXT NOT NULL,
    query TEXT,
    source_ids TEXT NOT NULL,
    max_items INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_window_end TEXT NOT NULL
  );
  CREATE INDEX subscriptions_guild ON subscriptions (guild_id);

  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    query TEXT NOT NULL,
    role_id TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seq INTEGER NOT NULL
  );
  CREATE INDEX alerts_guild ON alerts (guild_id);

  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    window_key TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    nonce TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    message_id TEXT,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    posted_at TEXT,
    UNIQUE (kind, ref_id, window_key)
  );
  CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // 2: where each article's text came from, and full-text fetch attempts, so the pages of
  // summary-only items can be fetched in the background and resumed after a restart. Articles
  // stored before this have an unknown origin; 'feed' never triggers a fetch they did not ask for.
  `
  ALTER TABLE articles ADD COLUMN text_origin TEXT NOT NULL DEFAULT 'feed' CHECK (text_origin IN ('feed', 'page', 'summary', 'stale'));
  ALTER TABLE articles ADD COLUMN full_text_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE articles ADD COLUMN full_text_error TEXT;
  CREATE INDEX articles_full_text ON articles (source_id, text_origin) WHERE text_origin IN ('summary', 'stale');
  `,
  // 3: feed deliveries. An alert may follow one source (every new item, or those matching its
  // query), with filters, a template and the outlet's identity; it pauses itself when its channel
  // is gone and keeps its own health counters. Articles keep their picture; sources their icon.
  // outbox.sent_at marks a post in flight: a webhook post (no nonce) is reconciled after a crash.
  `
  ALTER TABLE articles ADD COLUMN image_url TEXT;
  ALTER TABLE sources ADD COLUMN image_url TEXT;
  ALTER TABLE alerts ADD COLUMN source_id TEXT REFERENCES sources (id) ON DELETE CASCADE;
  ALTER TABLE alerts ADD COLUMN filters TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE alerts ADD COLUMN template TEXT;
  ALTER TABLE alerts ADD COLUMN identity TEXT NOT NULL DEFAULT 'bot' CHECK (identity IN ('bot', 'outlet'));
  ALTER TABLE alerts ADD COLUMN identity_note TEXT;
  ALTER TABLE alerts ADD COLUMN notify_channel_id TEXT;
  ALTER TABLE alerts ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused'));
  ALTER TABLE alerts ADD COLUMN paused_reason TEXT;
  ALTER TABLE alerts ADD COLUMN delivered INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE alerts ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE alerts ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE alerts ADD COLUMN last_error TEXT;
  ALTER TABLE alerts ADD COLUMN last_delivered_at TEXT;
  CREATE INDEX alerts_source ON alerts (source_id);
  ALTER TABLE outbox ADD COLUMN sent_at TEXT;
  CREATE INDEX outbox_channel_posted ON outbox (channel_id, posted_at);
  `,
  // 4: versions of articles (every earlier version a refresh replaced, with what changed), items
  // deleted at the source, story ids (near-duplicates across outlets), and change alerts.
  `
  CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    byline TEXT,
    published_at TEXT,
    body TEXT NOT NULL,
    url TEXT,
    seen_at TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    kinds TEXT NOT NULL,
    share REAL NOT NULL DEFAULT 0,
    note TEXT,
    UNIQUE (article_id, version)
  );
  CREATE INDEX article_versions_article ON article_versions (article_id, version);
  ALTER TABLE articles ADD COLUMN version_seen_at TEXT;
  ALTER TABLE articles ADD COLUMN deleted_at TEXT;
  ALTER TABLE articles ADD COLUMN gone_checked INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE articles ADD COLUMN story_id TEXT;
  ALTER TABLE articles ADD COLUMN story_sig BLOB;
  CREATE INDEX articles_story ON articles (story_id);

  CREATE TABLE change_alerts (
    id TEXT PRIMARY KEY,
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_version_id INTEGER NOT NULL
  );
  CREATE INDEX change_alerts_guild ON change_alerts (guild_id);
  `,
  // 5: archive tier: full-text search over every article (FTS5, external content). The indexed text is
  // our own tokenizer's output (SQL functions registered by the store), so the archive matches
  // exactly the terms the in-memory index and the excerpts use. Triggers keep it in step with
  // articles inside the same transactions, and count changes for the hot-index snapshot check.
  `
  CREATE VIEW articles_fts_source AS
    SELECT seq, newsdesk_fts_text(title) AS title, newsdesk_fts_list(tags) AS tags, newsdesk_fts_text(byline) AS byline,
           newsdesk_fts_text(outlet) AS outlet, newsdesk_fts_list(body) AS body
    FROM articles;
  CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, tags, byline, outlet, body,
    content = 'articles_fts_source', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 0'
  );
  INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(3.0, 2.0, 1.5, 1.5, 1.0)');
  CREATE VIRTUAL TABLE articles_fts_vocab USING fts5vocab(articles_fts, 'row');
  INSERT INTO meta (key, value) VALUES ('articles_generation', '0') ON CONFLICT (key) DO NOTHING;
  CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, tags, byline, outlet, body)
      VALUES (new.seq, newsdesk_fts_text(new.title), newsdesk_fts_list(new.tags), newsdesk_fts_text(new.byline), newsdesk_fts_text(new.outlet), newsdesk_fts_list(new.body));
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'articles_generation';
  END;
  CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, tags, byline, outlet, body)
      VALUES ('delete', old.seq, newsdesk_fts_text(old.title), newsdesk_fts_list(old.tags), newsdesk_fts_text(old.byline), newsdesk_fts_text(old.outlet), newsdesk_fts_list(old.body));
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'articles_generation';
  END;
  CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, tags, byline, outlet, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, tags, byline, outlet, body)
      VALUES ('delete', old.seq, newsdesk_fts_text(old.title), newsdesk_fts_list(old.tags), newsdesk_fts_text(old.byline), newsdesk_fts_text(old.outlet), newsdesk_fts_list(old.body));
    INSERT INTO articles_fts (rowid, title, tags, byline, outlet, body)
      VALUES (new.seq, newsdesk_fts_text(new.title), newsdesk_fts_list(new.tags), newsdesk_fts_text(new.byline), newsdesk_fts_text(new.outlet), newsdesk_fts_list(new.body));
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'articles_generation';
  END;
  INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
  `,
  // 6: shared feeds (and work leases). A feed (one polled URL) is fetched and stored once for every server that
  // follows it: `feeds` holds its fetch state; each guild source becomes a subscription to it
  // (`feed_id`), keeping its name, channel, pause state, full-text choice and interval. Articles and
  // fetch history move to the feed's archive row in `sources` (id 'f' + the first follower's id, no
  // guild). An item several servers had each stored is kept once (its earliest copy); the other
  // copies' ids stay valid as aliases of it.
  `
  CREATE TABLE feeds (
    id TEXT PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    url TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    image_url TEXT,
    created_at TEXT NOT NULL,
    last_attempt_at TEXT,
    last_success_at TEXT,
    next_fetch_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    lease_until TEXT,
    lease_owner TEXT
  );
  CREATE INDEX feeds_due ON feeds (next_fetch_at);
  -- Work claimed by one process at a time (scale-out): a lease with an expiry, so a dead
  -- process's feed fetch or post is taken over once its lease runs out, never while it holds it.
  ALTER TABLE outbox ADD COLUMN lease_until TEXT;
  ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
  ALTER TABLE sources ADD COLUMN feed_id TEXT REFERENCES sources (id);
  CREATE INDEX sources_feed ON sources (feed_id);
  CREATE TABLE article_aliases (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE
  );

  CREATE TEMP TABLE first_followers AS
    SELECT * FROM (
      SELECT s.*, COALESCE(s.feed_url, s.url) AS feed_key,
        ROW_NUMBER() OVER (PARTITION BY COALESCE(s.feed_url, s.url) ORDER BY s.created_at, s.id) AS n,
        MIN(s.next_fetch_at) OVER (PARTITION BY COALESCE(s.feed_url, s.url)) AS first_due
      FROM sources s WHERE s.guild_id IS NOT NULL
    ) WHERE n = 1;
  INSERT INTO sources (id, guild_id, url, feed_url, name, kind, status, paused_reason, interval_minutes, full_text, created_at)
    SELECT 'f' || id, NULL, feed_key, feed_key, name, kind, 'paused', 'feed archive', interval_minutes, full_text, created_at FROM first_followers;
  INSERT INTO feeds (id, url, kind, etag, last_modified, image_url, created_at, last_attempt_at, last_success_at, next_fetch_at, consecutive_failures, last_error)
    SELECT 'f' || id, feed_key, kind, etag, last_modified, image_url, created_at, last_attempt_at, last_success_at, first_due, consecutive_failures, last_error FROM first_followers;
  DROP TABLE first_followers;
  UPDATE sources SET feed_id = (SELECT f.id FROM feeds f WHERE f.url = COALESCE(sources.feed_url, sources.url)) WHERE guild_id IS NOT NULL;

  CREATE TEMP TABLE article_copies AS
    SELECT a.id, a.seq, FIRST_VALUE(a.id) OVER (PARTITION BY s.feed_id, a.dedupe_key ORDER BY a.seq) AS kept
    FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.feed_id IS NOT NULL;
  INSERT INTO article_aliases (id, article_id) SELECT id, kept FROM article_copies WHERE id <> kept;
  DELETE FROM articles WHERE seq IN (SELECT seq FROM article_copies WHERE id <> kept);
  DROP TABLE article_copies;
  UPDATE articles SET source_id = (SELECT feed_id FROM sources WHERE id = articles.source_id)
    WHERE source_id IN (SELECT id FROM sources WHERE feed_id IS NOT NULL);
  UPDATE fetch_log SET source_id = (SELECT feed_id FROM sources WHERE id = fetch_log.source_id)
    WHERE source_id IN (SELECT id FROM sources WHERE feed_id IS NOT NULL);
  -- Digest beats name what articles carry: the feed.
  UPDATE subscriptions SET source_ids = (
    SELECT json_group_array(COALESCE((SELECT s.feed_id FROM sources s WHERE s.id = j.value), j.value)) FROM json_each(subscriptions.source_ids) j
  ) WHERE source_ids <> '[]';
  `,
  // 7: the archive tier's filtered searches start at the newest article that passes the source and
  // date filters; found by walking this narrow index newest-first instead of the article rows.
  `
  CREATE INDEX IF NOT EXISTS articles_seq_date ON articles (seq, source_id, coalesce(published_at, first_seen_at));
  `,
  // 8: FTS5 merged segments inside whichever ingest commit crossed a work unit (long commits;
  // docs/performance.md); the store now does that work in small steps between turns
  // (SqliteStore.maintainArchive). Stored with the table.
  `
  INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 0);
  `,
  // 9: who is quoted in each article ([name, quotations] pairs as JSON; NULL until derived, and
  // again after an edit of the text). A start-up rebuilds the speaker directory from these instead
  // of finding every quotation of the archive again (minutes at a million articles).
  `
  ALTER TABLE articles ADD COLUMN speakers TEXT;
  `,
  // 10: posting takes turns across servers (the outbox knows each post's server), and an article
  // or a change reaches a channel once, whatever number of alerts match it (channel_items).
  `
  ALTER TABLE outbox ADD COLUMN guild_id TEXT;
  CREATE TABLE channel_items (
    channel_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    PRIMARY KEY (channel_id, item_key)
  ) WITHOUT ROWID;
  `,
  // 11: the text a version was compared with, kept when the page's full text later replaces the
  // feed's (not an edit), so a diff once shown stays the diff of those two versions.
  `
  ALTER TABLE article_versions ADD COLUMN after_body TEXT;
  `,
  // 12: counting matches over time (/trend, /trending) reads every article's date, source and
  // outlet from this narrow index instead of the rows, which carry the articles' bodies;
  // and a digest may carry a chart of its window's coverage by outlet.
  `
  CREATE INDEX IF NOT EXISTS articles_facets ON articles (seq, source_id, published_at, first_seen_at, outlet);
  ALTER TABLE subscriptions ADD COLUMN chart INTEGER NOT NULL DEFAULT 0;
  `,
  // 13: the entity signature of each article's story grouping (names, figures and dates as 32-bit
  // hashes, stored beside story_sig), so a restart links new reports by entities without re-reading
  // text. NULL for articles grouped before: they are linked by their word signature only.
  `
  ALTER TABLE articles ADD COLUMN story_entities BLOB;
  `,
  // 14: speakers are stored only when the resolver is sure of them (quotes/confidence.ts); the
  // lists stored before named every candidate, so they are derived again from the text.
  `
  UPDATE articles SET speakers = NULL WHERE speakers IS NOT NULL;
  `,
];
