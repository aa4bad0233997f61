import { UserError } from '../errors.ts';
import type { SourceRow } from '../store/index.ts';
import { escapeInline } from '../text/escape.ts';

/** What resolving a typed source needs from the store. */
export interface SourceLookup {
  getSource(id: string): Promise<SourceRow | undefined> | SourceRow | undefined;
  listSources(guildId: string): Promise<SourceRow[]> | SourceRow[];
}

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * One of this server's sources from what a person typed where a source is asked for: its id,
 * its feed id (what digests and articles carry, so an id shown anywhere can be typed anywhere),
 * its name in any case, or an autocomplete label "Name (id…)". Several sources with the same name
 * give a UserError listing them with their ids; none, one naming the value and /source list.
 */
export async function resolveGuildSource(store: SourceLookup, guildId: string, typed: string): Promise<SourceRow> {
  const wanted = typed.trim();
  const direct = wanted ? await store.getSource(wanted) : undefined;
  if (direct && direct.guildId === guildId) return direct;
  const mine = await store.listSources(guildId);
  const byFeed = mine.find((s) => s.feedId === wanted);
  if (byFeed) return byFeed;
  // "Desk Wire (k3f9a2x)" or "Desk Wire (source k3f9a2x, active)": an autocomplete label pasted back.
  const labelled = /\((?:source\s+)?([a-z0-9]{4,20})\b[^)]*\)\s*$/i.exec(wanted)?.[1];
  const byLabel = labelled ? mine.find((s) => s.id === labelled) : undefined;
  if (byLabel) return byLabel;
  const named = mine.filter((s) => norm(s.name) === norm(wanted));
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    const list = named.map((s) => `\`${s.id}\` (${escapeInline(s.feedUrl ?? s.url)})`).join(', ');
    throw new UserError(`${named.length} sources are called "${escapeInline(wanted)}": ${list}. Give the id instead, e.g. \`${named[0]!.id}\`.`, { id: 'source.ambiguous', values: { namedLength: named.length, list } });
  }
  throw new UserError(`No source with id or name "${escapeInline(wanted)}" in this server.`, { id: 'source.not-found', values: { wanted } });
}
