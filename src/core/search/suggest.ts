import type MiniSearch from 'minisearch';
import type { SearchResult } from 'minisearch';
import type { Article } from '../article.ts';
import { tokenize } from '../text/tokenize.ts';

/**
 * Query completions for autocomplete and "did you mean" (each ≤ 100 chars): the words typed so
 * far with the last one completed (or corrected) from the engine's vocabulary, among documents
 * `accept` lets through (all when undefined); `lookup` reads their text.
 */
export function suggestQueries(mini: MiniSearch<Article>, lookup: (id: string) => Article | undefined, prefix: string, accept: ((id: string) => boolean) | undefined, limit: number): string[] {
  const words = tokenize(prefix);
  if (words.length === 0) return [];
  const found = mini.autoSuggest(prefix, accept ? { filter: (r) => accept(r.id as string) } : {});
  const last = words[words.length - 1]!;
  const lead = words.slice(0, -1);
  // Score each completion of the last word by the suggestions it appears in; exact prefix
  // completions beat typo corrections.
  const scores = new Map<string, number>();
  for (const s of found) {
    for (const term of s.terms) {
      if (lead.includes(term) && term !== last) continue;
      const weight = term.startsWith(last) ? 1 : 0.5;
      scores.set(term, (scores.get(term) ?? 0) + s.score * weight);
    }
  }
  // After a word, prefer completions that follow it somewhere in the text ("storm" → "storm corps").
  const previous = lead[lead.length - 1];
  if (previous && scores.size > 1) {
    const top = mini.search(prefix, { combineWith: 'AND', prefix: (_t, i, terms) => i === terms.length - 1, fuzzy: false, ...(accept ? { filter: (r: SearchResult) => accept(r.id as string) } : {}) }).slice(0, 8);
    for (const r of top) {
      const article = lookup(r.id as string);
      if (!article) continue;
      const tokens = tokenize(`${article.title}\n${article.body.join('\n')}`);
      for (let i = 0; i + 1 < tokens.length; i++) {
        if (tokens[i] === previous && scores.has(tokens[i + 1]!)) scores.set(tokens[i + 1]!, scores.get(tokens[i + 1]!)! + 1e6);
      }
    }
  }
  return [...scores.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([term]) => [...lead, term].join(' '))
    .filter((s) => s.length <= 100)
    .slice(0, limit);
}
