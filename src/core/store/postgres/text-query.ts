import type { ParsedQuery } from '../../search/query.ts';

/** PostgreSQL text search configuration of the articles' search vector (see migrations.ts). */
export const TEXT_CONFIG = 'english';

/** Our prefix matching starts at three letters, like the in-memory index. */
const PREFIX_MIN = 3;

export interface TextQuery {
  /** SQL tsquery expressions over `params` ($1…): every term and phrase / any of them / any excluded word (or null). */
  all: string;
  any: string;
  excluded: string | null;
  phrases: boolean;
  params: string[];
}

/**
 * Turns a parsed reporter query into tsquery SQL without ever splicing user text into SQL or into
 * tsquery syntax: each term and phrase is a bound parameter given to `plainto_tsquery` /
 * `phraseto_tsquery` (which treat their input as words, so `&`, `|`, `!`, `:` or quotes in it mean
 * nothing), phrases become `<->` chains, and the tsqueries are combined with the `&&`, `||`
 * operators in SQL. The last plain term also matches as a prefix (`term:*`), built only from its
 * letters and digits. Returns null when nothing searchable remains.
 */
export function buildTextQuery(query: ParsedQuery): TextQuery | null {
  const params: string[] = [];
  const param = (v: string): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const parts: string[] = [];
  query.terms.forEach((term, i) => {
    const exact = `plainto_tsquery('${TEXT_CONFIG}', ${param(term)})`;
    const word = term.replace(/[^\p{L}\p{N}]/gu, '');
    if (i === query.terms.length - 1 && word.length >= PREFIX_MIN) {
      parts.push(`(${exact} || to_tsquery('${TEXT_CONFIG}', ${param(`${word}:*`)}))`);
    } else {
      parts.push(exact);
    }
  });
  for (const phrase of query.phrases) parts.push(`phraseto_tsquery('${TEXT_CONFIG}', ${param(phrase.join(' '))})`);
  if (parts.length === 0) return null;
  const excluded = query.excluded.length ? query.excluded.map((w) => `plainto_tsquery('${TEXT_CONFIG}', ${param(w)})`).join(' || ') : null;
  return { all: parts.join(' && '), any: parts.join(' || '), excluded, phrases: query.phrases.length > 0, params };
}
