import { createHash } from 'node:crypto';
import { SEED_SOURCE_ID, type Article } from '../article.ts';
import type { Log } from '../deps.ts';
import { loadSeedDir } from './loader.ts';

/** What seed import needs from the store of record. */
export interface SeedStore {
  ingest(
    sourceId: string,
    items: Array<{ article: Article; dedupeKey: string; contentHash: string }>,
    opts: { announce: boolean },
  ): Promise<{ inserted: Article[]; updated: Article[]; unchanged: number }> | { inserted: Article[]; updated: Article[]; unchanged: number };
}

/** Hash of everything a reader sees, so an edited seed is detected and updated in place. */
export function articleContentHash(a: Pick<Article, 'title' | 'body' | 'byline' | 'outlet' | 'tags' | 'caption' | 'editors' | 'dateline' | 'publishedAt'>): string {
  return createHash('sha256')
    .update(JSON.stringify([a.title, a.body, a.byline, a.outlet, a.tags, a.caption, a.editors, a.dateline, a.publishedAt]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Imports the seed directory into the store, idempotently: each file is keyed by its name, so
 * re-running changes nothing and an edited file updates its article rather than adding one.
 * Seeds never count as news: they are not announced in digests or alerts.
 */
export async function importSeeds(deps: { store: SeedStore; log: Log }, dir: string): Promise<{ inserted: Article[]; updated: Article[]; unchanged: number; problems: number }> {
  const { articles, problems } = await loadSeedDir(dir);
  for (const p of problems) deps.log.warn({ file: p.fileName, problem: p.message }, 'seed skipped');
  const result = await deps.store.ingest(
    SEED_SOURCE_ID,
    articles.map(({ fileName, article }) => ({ article, dedupeKey: `file:${fileName}`, contentHash: articleContentHash(article) })),
    { announce: false },
  );
  deps.log.info({ dir, inserted: result.inserted.length, updated: result.updated.length, unchanged: result.unchanged, problems: problems.length }, 'seeds imported');
  return { ...result, problems: problems.length };
}
