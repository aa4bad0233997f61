import type { SourceRow } from '../../src/core/store/index.ts';
import { escapeInline } from '../../src/core/text/escape.ts';

function when(iso: string | null): string {
  return iso ? `<t:${Math.floor(Date.parse(iso) / 1000)}:R>` : 'never';
}

/** A source's name, id, status, address and fetch times, as /source list and health show it. */
export function describe(s: SourceRow, articles: number): string {
  const status = s.status === 'active' ? '🟢 active' : `⏸️ paused${s.pausedReason ? ` (${escapeInline(s.pausedReason)})` : ''}`;
  const lines = [
    `**${escapeInline(s.name)}** — \`${s.id}\` · ${s.kind} · ${status}`,
    `${escapeInline(s.feedUrl ?? s.url)}`,
    `${articles} article${articles === 1 ? '' : 's'} · every ${s.intervalMinutes} min · last success ${when(s.lastSuccessAt)} · next fetch ${s.status === 'active' ? when(s.nextFetchAt) : '—'}`,
  ];
  if (s.consecutiveFailures > 0 && s.lastError) lines.push(`⚠️ ${s.consecutiveFailures} failure(s) in a row: ${escapeInline(s.lastError)}`);
  return lines.join('\n');
}

/** What the moderator should know about full text after add, refresh or edit. */
export function fullTextNote(s: SourceRow, pending: number): string {
  if (!s.fullText || s.kind === 'page') return '';
  if (pending === 0) return 'Full text is on; every stored item already has its text or no page to fetch. ';
  return `Fetching the full text of ${pending} item${pending === 1 ? '' : 's'} in the background; each becomes searchable as it arrives (progress: \`/source health id:${s.id}\`). `;
}

/** The `id` option (a source id or name) as the handlers read it. */
export function sourceIdOption(o: Record<string, unknown>): string {
  return typeof o.id === 'string' ? o.id : '';
}
