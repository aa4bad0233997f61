/**
 * PostgreSQL schema migrations, applied in order; `schema_migrations` records each one applied.
 * Never edit a released migration: add a new one at the end.
 *
 * Choices, and why:
 * - Store-set times are `timestamptz` (compared and indexed as instants, not as strings); they are
 *   read back as `Date#toISOString()`, the form the SQLite store keeps. `articles.published_at`
 *   stays text, verbatim from the feed; `published_ts` holds it as an instant for date filters.
 * - Article lists (tags, body, editors) are `jsonb`: ordered, and `to_tsvector(regconfig, jsonb)`
 *   is immutable, so the search vector can be a generated column. The outbox payload is `json`,
 *   which keeps the exact text (and key order) the bot filed.
 * - Ids that people type are `text COLLATE "C"`, so ordering by id matches SQLite's on any server.
 * - `seq` is a BIGSERIAL: the global order in which articles were first stored (alert watermarks).
 */
export const PG_MIGRATIONS: string[] = [
  // 1: the SQLite schema at migration 2 (sources, articles with full-text state, fetch history,
  // digest subscriptions, alerts, outbox, meta) plus the archive tier's text search.
  `
  CREATE TABLE sources (
    id text COLLATE "C" PRIMARY KEY,
    guild_id text,
    channel_id text,
    added_by text,
    url text NOT NULL,
    feed_url text,
    name text NOT NULL,
    kind text NOT NULL,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason text,
    interval_minutes integer NOT NULL DEFAULT 30,
    full_text boolean NOT NULL DEFAULT false,
    etag text,
    last_modified text,
    created_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    last_success_at timestamptz,
    next_fetch_at timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_error text
  );
  CREATE INDEX sources_guild ON sources (guild_id);
  CREATE INDEX sources_due ON sources (next_fetch_at NULLS FIRST) WHERE status = 'active' AND guild_id IS NOT NULL;
  INSERT INTO sources (id, guild_id, url, name, kind, status, created_at)
    VALUES ('seeds', NULL, 'seeds/', 'Seed archive', 'seeds', 'paused', date_trunc('milliseconds', now()));

  -- Text as our tokenizer sees it: "10,000" is the number 10000 (PostgreSQL's parser would make
  -- it "10" and "000", and "Pentagon 10,000 troops" would not find its article).
  CREATE FUNCTION newsdesk_search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN regexp_replace(t, '(?<=[0-9])[,.](?=[0-9]{3}([^0-9]|$))', '', 'g');
  -- A JSON array of strings as one text, one element per line.
  CREATE FUNCTION newsdesk_join(j jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT coalesce(string_agg(e, E'\n' ORDER BY n), '') FROM jsonb_array_elements_text(j) WITH ORDINALITY AS x(e, n));

  CREATE TABLE articles (
    seq bigserial PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    source_id text COLLATE "C" NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    dedupe_key text NOT NULL,
    content_hash text NOT NULL,
    title text NOT NULL,
    byline text,
    outlet text,
    dateline text,
    tags jsonb NOT NULL,
    caption text,
    body jsonb NOT NULL,
    editors jsonb NOT NULL,
    url text,
    published_at text,
    published_ts timestamptz,
    first_seen_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    announce boolean NOT NULL,
    text_origin text NOT NULL DEFAULT 'feed' CHECK (text_origin IN ('feed', 'page', 'summary', 'stale')),
    full_text_attempts integer NOT NULL DEFAULT 0,
    full_text_error text,
    -- Weighted for ts_rank_cd: title A, tags B, outlet and byline C, body D.
    search tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english'::regconfig, newsdesk_search_text(title)), 'A') ||
      setweight(to_tsvector('english'::regconfig, newsdesk_search_text(newsdesk_join(tags))), 'B') ||
      setweight(to_tsvector('english'::regconfig, newsdesk_search_text(coalesce(outlet, '') || ' ' || coalesce(byline, ''))), 'C') ||
      setweight(to_tsvector('english'::regconfig, newsdesk_search_text(newsdesk_join(body))), 'D')
    ) STORED,
    UNIQUE (source_id, dedupe_key)
  );
  CREATE INDEX articles_seen ON articles (first_seen_at);
  CREATE INDEX articles_search ON articles USING gin (search);
  CREATE INDEX articles_full_text ON articles (source_id, text_origin) WHERE text_origin IN ('summary', 'stale');

  CREATE TABLE fetch_log (
    id bigserial PRIMARY KEY,
    source_id text COLLATE "C" NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    at timestamptz NOT NULL,
    duration_ms integer,
    http_status integer,
    new_items integer NOT NULL DEFAULT 0,
    updated_items integer NOT NULL DEFAULT 0,
    error text
  );
  CREATE INDEX fetch_log_source ON fetch_log (source_id, id);

  CREATE TABLE subscriptions (
    id text COLLATE "C" PRIMARY KEY,
    guild_id text NOT NULL,
    channel_id text NOT NULL,
    schedule_label text NOT NULL,
    cron text NOT NULL,
    timezone text NOT NULL,
    query text,
    source_ids text[] NOT NULL,
    max_items integer NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    last_window_end timestamptz NOT NULL
  );
  CREATE INDEX subscriptions_guild ON subscriptions (guild_id);

  CREATE TABLE alerts (
    id text COLLATE "C" PRIMARY KEY,
    guild_id text NOT NULL,
    channel_id text NOT NULL,
    query text NOT NULL,
    role_id text,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    last_seq bigint NOT NULL
  );
  CREATE INDEX alerts_guild ON alerts (guild_id);

  CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    ref_id text NOT NULL,
    window_key text NOT NULL,
    channel_id text NOT NULL,
    payload json NOT NULL,
    nonce text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    message_id text,
    created_at timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    posted_at timestamptz,
    UNIQUE (kind, ref_id, window_key)
  );
  CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE status = 'pending';

  CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
  `,
  // 2: feed deliveries, as SQLite migration 3. An alert may follow one source (removed with it),
  // with filters, a template and the outlet's identity; it pauses itself when its channel is gone
  // and keeps its own health counters. Articles keep their picture; sources their icon.
  // outbox.sent_at marks a post in flight (a webhook post has no nonce: reconciled after a crash).
  `
  ALTER TABLE articles ADD COLUMN image_url text;
  ALTER TABLE sources ADD COLUMN image_url text;
  ALTER TABLE alerts
    ADD COLUMN source_id text COLLATE "C" REFERENCES sources (id) ON DELETE CASCADE,
    ADD COLUMN filters text NOT NULL DEFAULT '{}',
    ADD COLUMN template text,
    ADD COLUMN identity text NOT NULL DEFAULT 'bot' CHECK (identity IN ('bot', 'outlet')),
    ADD COLUMN identity_note text,
    ADD COLUMN notify_channel_id text,
    ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    ADD COLUMN paused_reason text,
    ADD COLUMN delivered integer NOT NULL DEFAULT 0,
    ADD COLUMN skipped integer NOT NULL DEFAULT 0,
    ADD COLUMN failed integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN last_delivered_at timestamptz;
  CREATE INDEX alerts_source ON alerts (source_id);
  ALTER TABLE outbox ADD COLUMN sent_at timestamptz;
  CREATE INDEX outbox_channel_posted ON outbox (channel_id, posted_at);
  `,
  // 3: SQLite migrations 4 and 5. Versions of articles (every earlier version a refresh replaced,
  // with what changed), items deleted at the source, story ids and signatures, change alerts; and
  // the archive tier's change counter (the hot-index snapshot check). The archive's text search
  // itself is the tsvector of migration 1: PostgreSQL keeps its GIN index in step with articles.
  // One counter row bumped per statement (not per row): only its changing matters, and a
  // statement-level trigger keeps the row lock short for ingests that already serialise on seq.
  `
  CREATE TABLE article_versions (
    id bigserial PRIMARY KEY,
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version integer NOT NULL,
    title text NOT NULL,
    byline text,
    published_at text,
    body jsonb NOT NULL,
    url text,
    seen_at timestamptz NOT NULL,
    replaced_at timestamptz NOT NULL,
    kinds jsonb NOT NULL,
    share double precision NOT NULL DEFAULT 0,
    note text,
    UNIQUE (article_id, version)
  );
  ALTER TABLE articles
    ADD COLUMN version_seen_at timestamptz,
    ADD COLUMN deleted_at timestamptz,
    ADD COLUMN gone_checked boolean NOT NULL DEFAULT false,
    ADD COLUMN story_id text COLLATE "C",
    ADD COLUMN story_sig bytea;
  CREATE INDEX articles_story ON articles (story_id);
  CREATE INDEX articles_source_seq ON articles (source_id, seq);

  CREATE TABLE change_alerts (
    id text COLLATE "C" PRIMARY KEY,
    guild_id text NOT NULL,
    channel_id text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    last_version_id bigint NOT NULL
  );
  CREATE INDEX change_alerts_guild ON change_alerts (guild_id);

  INSERT INTO meta (key, value) VALUES ('articles_generation', '0') ON CONFLICT (key) DO NOTHING;
  CREATE FUNCTION newsdesk_articles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO meta (key, value) VALUES ('articles_generation', '1')
      ON CONFLICT (key) DO UPDATE SET value = (meta.value::bigint + 1)::text;
    RETURN NULL;
  END $$;
  CREATE TRIGGER articles_generation AFTER INSERT OR DELETE OR UPDATE OF title, tags, byline, outlet, body ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION newsdesk_articles_changed();
  `,
  // 4: shared feeds and work leases, as SQLite migration 6: one fetch and one copy of each item per polled URL for
  // every server that follows it; guild sources become subscriptions (feed_id); articles and fetch
  // history move to the feed's archive row; copies of the same item merge into the earliest, the
  // others' ids kept as aliases.
  `
  CREATE TABLE feeds (
    id text COLLATE "C" PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    url text NOT NULL UNIQUE,
    kind text NOT NULL,
    etag text,
    last_modified text,
    image_url text,
    created_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    last_success_at timestamptz,
    next_fetch_at timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_error text,
    lease_until timestamptz,
    lease_owner text
  );
  CREATE INDEX feeds_due ON feeds (next_fetch_at NULLS FIRST);
  -- Leases: a feed fetch or a post is claimed (FOR UPDATE SKIP LOCKED) by one process until its
  -- lease expires; a dead process's work is taken over after that, never while it holds it.
  ALTER TABLE outbox ADD COLUMN lease_until timestamptz, ADD COLUMN lease_owner text;
  ALTER TABLE sources ADD COLUMN feed_id text COLLATE "C" REFERENCES sources (id);
  CREATE INDEX sources_feed ON sources (feed_id);
  CREATE TABLE article_aliases (
    id text COLLATE "C" PRIMARY KEY,
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE
  );

  CREATE TEMP TABLE first_followers ON COMMIT DROP AS
    SELECT * FROM (
      SELECT s.*, COALESCE(s.feed_url, s.url) AS feed_key,
        ROW_NUMBER() OVER (PARTITION BY COALESCE(s.feed_url, s.url) ORDER BY s.created_at, s.id) AS n,
        MIN(s.next_fetch_at) OVER (PARTITION BY COALESCE(s.feed_url, s.url)) AS first_due
      FROM sources s WHERE s.guild_id IS NOT NULL
    ) x WHERE n = 1;
  INSERT INTO sources (id, guild_id, url, feed_url, name, kind, status, paused_reason, interval_minutes, full_text, created_at)
    SELECT 'f' || id, NULL, feed_key, feed_key, name, kind, 'paused', 'feed archive', interval_minutes, full_text, created_at FROM first_followers;
  INSERT INTO feeds (id, url, kind, etag, last_modified, image_url, created_at, last_attempt_at, last_success_at, next_fetch_at, consecutive_failures, last_error)
    SELECT 'f' || id, feed_key, kind, etag, last_modified, image_url, created_at, last_attempt_at, last_success_at, first_due, consecutive_failures, last_error FROM first_followers;
  UPDATE sources SET feed_id = f.id FROM feeds f WHERE f.url = COALESCE(sources.feed_url, sources.url) AND sources.guild_id IS NOT NULL;

  CREATE TEMP TABLE article_copies ON COMMIT DROP AS
    SELECT a.id, a.seq, FIRST_VALUE(a.id) OVER (PARTITION BY s.feed_id, a.dedupe_key ORDER BY a.seq) AS kept
    FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.feed_id IS NOT NULL;
  INSERT INTO article_aliases (id, article_id) SELECT id, kept FROM article_copies WHERE id <> kept;
  DELETE FROM articles WHERE seq IN (SELECT seq FROM article_copies WHERE id <> kept);
  UPDATE articles SET source_id = s.feed_id FROM sources s WHERE s.id = articles.source_id AND s.feed_id IS NOT NULL;
  UPDATE fetch_log SET source_id = s.feed_id FROM sources s WHERE s.id = fetch_log.source_id AND s.feed_id IS NOT NULL;
  UPDATE subscriptions SET source_ids = ARRAY(
    SELECT COALESCE((SELECT s.feed_id FROM sources s WHERE s.id = u.x), u.x) FROM unnest(subscriptions.source_ids) WITH ORDINALITY AS u(x, n) ORDER BY u.n
  ) WHERE cardinality(source_ids) > 0;
  `,
  // SQLite migration 9: who is quoted in each article (NULL until derived, and after an edit of the text).
  `
  ALTER TABLE articles ADD COLUMN speakers jsonb;
  `,
  // SQLite migration 10: the outbox knows each post's server (turns across servers); an article or
  // a change reaches a channel once, whatever number of alerts match it.
  `
  ALTER TABLE outbox ADD COLUMN guild_id text;
  CREATE TABLE channel_items (
    channel_id text COLLATE "C" NOT NULL,
    item_key text COLLATE "C" NOT NULL,
    filed_at timestamptz NOT NULL,
    PRIMARY KEY (channel_id, item_key)
  );
  `,
  // SQLite migration 11: the text a version was compared with, kept when full text replaces it.
  `
  ALTER TABLE article_versions ADD COLUMN after_body jsonb;
  `,
  // SQLite migration 12: a digest may carry a chart of its window's coverage by outlet. (Counting
  // matches over time needs no index of its own here: it groups the matches in SQL.)
  `
  ALTER TABLE subscriptions ADD COLUMN chart boolean NOT NULL DEFAULT false;
  `,
  // SQLite migration 13: the entity signature of each article's story grouping (NULL for articles grouped before).
  `
  ALTER TABLE articles ADD COLUMN story_entities bytea;
  `,
  // SQLite migration 14: only speakers the resolver is sure of are stored; lists stored before are derived again.
  `
  UPDATE articles SET speakers = NULL WHERE speakers IS NOT NULL;
  `,
];
