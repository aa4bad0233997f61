import { makeArticleId, SEED_SOURCE_ID } from '../article.ts';
import { UserError } from '../errors.ts';
import { escapeInline } from '../text/escape.ts';

/**
 * What a `source` value names among a server's sources (read first) and the outlets it can see
 * (read only when no source matches); see `Newsroom.resolveSource`.
 */
export async function resolveSourceIn(value: string, sources: Array<{ id: string; feedId: string; name: string }>, outlets: () => Promise<Iterable<string>>): Promise<{ key: string; label: string; filter: string }> {
  const wanted = value.trim();
  // A source id, or the feed id digests and articles carry (an id shown anywhere can be typed here).
  const byId = sources.find((s) => s.id !== SEED_SOURCE_ID && (s.id === wanted || s.feedId === wanted));
  // Articles carry the feed's id: a source filters by the feed it follows.
  if (byId) return { key: byId.id, label: byId.name, filter: byId.feedId };
  const norm = wanted.replace(/\s+/g, ' ').toLowerCase();
  // This server's own source by name before an outlet of the same name: it is the narrower
  // filter, and it has an id to show back. Two sources with one name are ambiguous.
  const named = sources.filter((s) => s.id !== SEED_SOURCE_ID && s.name.replace(/\s+/g, ' ').toLowerCase() === norm);
  if (named.length > 1) {
    throw new UserError(`${named.length} sources are called "${escapeInline(wanted)}": ${named.map((s) => `\`${s.id}\``).join(', ')}. Give the id instead.`, { id: 'source.ambiguous', values: { wanted, count: named.length } });
  }
  const byName = named[0];
  if (byName) return { key: byName.id, label: byName.name, filter: byName.feedId };
  for (const outlet of await outlets()) {
    const key = outletKey(outlet);
    if (key === wanted || outlet.replace(/\s+/g, ' ').toLowerCase() === norm) return { key, label: outlet, filter: outlet };
  }
  throw new UserError(`No source or outlet called "${wanted}" here.`, { id: 'source.unknown-filter', values: { wanted } });
}

/** Short, stable key for an outlet name (fits autocomplete values and button custom_ids). */
export function outletKey(outlet: string): string {
  return 'o' + makeArticleId('outlet', outlet.replace(/\s+/g, ' ').toLowerCase()).slice(0, 7);
}
