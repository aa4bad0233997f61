import type { CommandContext, Invocation } from '../../src/command.ts';
import { parseFilters } from '../../src/core/alerts/filters.ts';

/** A string option with something in it, else undefined. */
export function str(inv: Invocation, name: string): string | undefined {
  const v = inv.options[name];
  return typeof v === 'string' && v.trim() ? v : undefined;
}

/** The delivery filters the member gave (add and preview), or undefined when none. */
export function filtersFrom(inv: Invocation) {
  const o = inv.options;
  const given = ['include', 'exclude', 'match_text', 'min_words', 'byline_required'].some((k) => o[k] !== undefined);
  if (!given) return undefined;
  return parseFilters({
    ...(str(inv, 'include') ? { include: str(inv, 'include') } : {}),
    ...(str(inv, 'exclude') ? { exclude: str(inv, 'exclude') } : {}),
    ...(typeof o.match_text === 'boolean' ? { matchText: o.match_text } : {}),
    ...(typeof o.min_words === 'number' ? { minWords: o.min_words } : {}),
    ...(typeof o.byline_required === 'boolean' ? { bylineRequired: o.byline_required } : {}),
  });
}
