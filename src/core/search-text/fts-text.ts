import { tokenize } from '../text/tokenize.ts';

/**
 * The bridge between our tokenizer and SQLite FTS5. FTS5 indexes the output of `ftsText` (our
 * normalised terms joined by spaces) with the plain unicode61 tokenizer, so the archive tier
 * matches exactly the terms MiniSearch and the excerpt builder use. Apostrophes and decimal
 * points inside our terms ("don't", "3.5") would split under unicode61; they are mapped to
 * U+02BC, a letter to unicode61, in the index and in queries alike.
 */
export function ftsForm(term: string): string {
  return term.includes("'") || term.includes('.') ? term.replace(/['.]/g, '\u02bc') : term;
}

/** Normalised, FTS-ready text of one column (null → ''). */
export function ftsText(text: string | null | undefined): string {
  if (!text) return '';
  return tokenize(text).map(ftsForm).join(' ');
}

/** Normalised text of a JSON array column (tags, body paragraphs), paragraphs on their own lines. */
export function ftsList(json: string | null | undefined): string {
  if (!json) return '';
  let items: unknown;
  try {
    items = JSON.parse(json);
  } catch {
    return ftsText(json);
  }
  if (!Array.isArray(items)) return ftsText(String(items));
  // Joined like the in-memory index joins them, so the tokenizer's cache serves both.
  return ftsText(items.map((s) => (typeof s === 'string' ? s : String(s))).join('\n'));
}

/** One token as an FTS5 string literal: user text can never become FTS5 syntax. */
export function ftsQuote(term: string): string {
  return `"${ftsForm(term).replace(/"/g, '""')}"`;
}

/** What to match: groups of alternative forms (a term and its corrections), phrases, prefixes, exclusions. */
export interface FtsQueryParts {
  /** Each group matches when any of its forms does. */
  groups: string[][];
  phrases: string[][];
  /** Words matched as prefixes ("secur" → security, secure…). */
  prefixes: string[];
  excluded: string[];
}

/** A group of alternative forms as one FTS5 expression. */
export function ftsGroup(forms: string[]): string {
  const alts = [...new Set(forms.filter((f) => f.length > 0))].map(ftsQuote);
  return alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`;
}

/**
 * Builds an FTS5 MATCH expression from already-tokenised parts; every token is quoted, so only
 * the operators written here (AND, OR, NOT, phrase quotes, `*`) ever reach FTS5. `mode: 'any'`
 * matches articles with at least one part but not all of them (the "some terms" group).
 * Returns null when nothing searchable remains.
 */
export function ftsMatch(parts: FtsQueryParts, mode: 'all' | 'any' = 'all'): string | null {
  const items: string[] = [];
  for (const g of parts.groups) if (g.some((f) => f.length > 0)) items.push(ftsGroup(g));
  for (const p of parts.phrases) if (p.length > 0) items.push(`"${p.map(ftsForm).join(' ').replace(/"/g, '""')}"`);
  for (const p of parts.prefixes) if (p.length > 0) items.push(`${ftsQuote(p)} *`);
  if (items.length === 0) return null;
  const all = items.length === 1 ? items[0]! : items.join(' AND ');
  let expr = mode === 'all' ? all : items.length === 1 ? null : `(${items.join(' OR ')}) NOT (${all})`;
  if (expr === null) return null;
  const excluded = parts.excluded.filter((e) => e.length > 0);
  if (excluded.length) expr = `(${expr}) NOT (${excluded.map(ftsQuote).join(' OR ')})`;
  return expr;
}
