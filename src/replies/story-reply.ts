import type { StoredArticle } from '../core/store/index.ts';
import { whatEachAdds } from '../core/stories/adds.ts';
import type { Card, Reply } from '../core/reply.ts';
import { escapeInline, maskedLink, truncate } from '../core/text/escape.ts';
import { utcMinute } from './changes-reply.ts';

/** Room for one card of reports (Discord allows 4,096 per description, 6,000 per message). */
const CARD_CHARS = 2800;
const ADDS_CHARS = 220;

/**
 * The /story answer: every outlet's report of one story, earliest first, each with its time,
 * linked title and a short excerpt of what it adds to the reports before it.
 */
export function renderStoryReply(storyId: string, members: StoredArticle[], ephemeral: boolean): Reply {
  const adds = whatEachAdds(members.map((m) => m.article));
  const outlets = new Set(members.map((m) => m.article.outlet ?? m.article.sourceId));
  const cards: Card[] = [];
  let lines: string[] = [];
  let size = 0;
  members.forEach((m, i) => {
    const a = m.article;
    // Publication time only: an undated report says so rather than showing when it was fetched.
    const when = a.publishedAt ? utcMinute(a.publishedAt) : 'undated';
    const added = adds[i];
    const what = i === 0 ? 'first report' : added ? 'adds' : 'adds nothing new (same facts as earlier reports)';
    const line =
      `**${escapeInline(a.outlet ?? 'Unknown outlet')}** · ${when} · ${maskedLink(a.title, a.url)}\n` +
      (added ? `> ${what}: ${escapeInline(truncate(added, ADDS_CHARS))}` : `> ${what}`) +
      `\n-# id ${a.id}`;
    if (size + line.length + 2 > CARD_CHARS && lines.length) {
      cards.push({ description: lines.join('\n\n') });
      lines = [];
      size = 0;
    }
    lines.push(line);
    size += line.length + 2;
  });
  if (lines.length) cards.push({ description: lines.join('\n\n') });
  const first = members[0]!.article;
  return {
    ephemeral,
    content: `📰 **${escapeInline(first.title)}** — ${members.length} report${members.length === 1 ? '' : 's'} from ${outlets.size} outlet${outlets.size === 1 ? '' : 's'} (story \`${storyId}\`), earliest first`,
    cards,
  };
}
