import type { StoredArticle, DerivedRow, ArticleSpeakers } from '../types.ts';
import { iso, toStoredWithStory, json } from '../postgres-common.ts';
import { PostgresOutbox } from '../outbox/outbox.postgres.ts';

/**
 * PostgresStore's derived data: stories and speakers (see derived.ts).
 * One link of PostgresStore's class chain (see postgres-store.ts).
 */
export class PostgresDerived extends PostgresOutbox {
  async scanDerived(afterSeq: number, limit: number): Promise<DerivedRow[]> {
    const rows = await this.q('SELECT seq, id, source_id, title, published_at, first_seen_at, story_sig, story_entities, story_id, speakers FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
    return rows.map((r) => ({
      rowid: Number(r.seq),
      id: r.id as string,
      sourceId: r.source_id as string,
      title: r.title as string,
      publishedAt: (r.published_at as string | null) ?? null,
      firstSeenAt: iso(r.first_seen_at),
      storySig: (r.story_sig as Buffer | null) ?? null,
      storyEntities: (r.story_entities as Buffer | null) ?? null,
      storyId: (r.story_id as string | null) ?? null,
      speakers: (r.speakers as ArticleSpeakers | null) ?? null,
    }));
  }

  async setStorySignatures(sigs: Iterable<[articleId: string, sig: Uint8Array, entities?: Uint8Array]>): Promise<void> {
    const list = [...sigs];
    if (list.length === 0) return;
    const b64 = (b: Uint8Array | undefined) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') : null);
    await this.q(
      `UPDATE articles a SET story_sig = decode(x.sig, 'base64'), story_entities = decode(x.ents, 'base64')
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, sig text, ents text) WHERE a.id = x.id`,
      [json(list.map(([id, sig, entities]) => ({ id, sig: b64(sig), ents: b64(entities) })))],
    );
  }

  async setSpeakers(rows: Iterable<[articleId: string, speakers: ArticleSpeakers]>): Promise<void> {
    const list = [...rows];
    if (list.length === 0) return;
    await this.q(
      `UPDATE articles a SET speakers = x.speakers FROM jsonb_to_recordset($1::jsonb) AS x(id text, speakers jsonb) WHERE a.id = x.id`,
      [json(list.map(([id, speakers]) => ({ id, speakers })))],
    );
  }

  async setStoryIds(assignments: Iterable<[articleId: string, storyId: string]>): Promise<number> {
    const list = [...assignments];
    if (list.length === 0) return 0;
    const r = await this.db.query(
      `UPDATE articles a SET story_id = x.story FROM jsonb_to_recordset($1::jsonb) AS x(id text, story text) WHERE a.id = x.id AND a.story_id IS DISTINCT FROM x.story`,
      [json(list.map(([id, story]) => ({ id, story })))],
    );
    return r.rowCount ?? 0;
  }

  async storyMembers(storyId: string, limit = 200): Promise<StoredArticle[]> {
    // Ordered by the same text as SQLite (published as given, else first seen in ISO form).
    return (
      await this.q(
        `SELECT * FROM articles WHERE story_id = $1
         ORDER BY COALESCE(published_at, to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) COLLATE "C", seq LIMIT $2`,
        [storyId, limit],
      )
    ).map(toStoredWithStory);
  }
}
