import type { TextQuery } from '../types.ts';

/** PostgreSQL text search configuration of the articles' search vector (see migrations.ts). */
export const TEXT_CONFIG = 'english';

export interface BuiltTextQuery {
  /** SQL tsquery expressions over `params` ($1…): what must match, what must not (or null), what ranks. */
  match: string;
  not: string | null;
  rank: string;
  params: string[];
}

/**
 * Turns our parsed query (terms with their alternative forms, phrases, prefixes, exclusions) into
 * tsquery SQL without ever splicing user text into SQL or into tsquery syntax: each term and
 * phrase is a bound parameter given to `plainto_tsquery` / `phraseto_tsquery` (which treat their
 * input as words, so `&`, `|`, `!`, `:` or quotes in it mean nothing), phrases become `<->`
 * chains, prefixes `word:*` built from letters and digits only, and the tsqueries are combined
 * with the `&&`, `||`, `!!` operators in SQL. `mode: 'any'` matches some parts but not all of them
 * (as the SQLite store's FTS5 query). Returns null when nothing searchable remains.
 */
export function buildTextQuery(query: TextQuery, mode: 'all' | 'any' = 'all'): BuiltTextQuery | null {
  const params: string[] = [];
  const param = (v: string): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const words = (w: string) => `plainto_tsquery('${TEXT_CONFIG}', ${param(w)})`;
  const items: string[] = [];
  for (const term of query.terms) {
    const forms = [...new Set([term, ...(query.alternatives?.get(term) ?? [])].filter((f) => f.length > 0))];
    if (forms.length === 0) continue;
    items.push(forms.length === 1 ? words(forms[0]!) : `(${forms.map(words).join(' || ')})`);
  }
  for (const phrase of query.phrases) if (phrase.length) items.push(`phraseto_tsquery('${TEXT_CONFIG}', ${param(phrase.join(' '))})`);
  for (const p of query.prefixes ?? []) {
    const word = p.replace(/[^\p{L}\p{N}]/gu, '');
    if (word) items.push(`to_tsquery('${TEXT_CONFIG}', ${param(`${word}:*`)})`);
  }
  if (items.length === 0) return null;
  const all = items.join(' && ');
  const some = items.join(' || ');
  let match: string;
  if (mode === 'all') match = all;
  else if (items.length === 1) return null;
  else match = `(${some}) && !!(${all})`;
  const excluded = query.excluded.filter((w) => w.length > 0);
  return { match, not: excluded.length ? excluded.map(words).join(' || ') : null, rank: some, params };
}
