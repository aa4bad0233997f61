import type { Article } from '../core/article.ts';
import { describeKinds } from '../core/changes/compare.ts';
import { diffWords, renderDiff, splitWords } from '../core/changes/word-diff.ts';
import type { Reply, ReplyButton } from '../core/reply.ts';
import type { ArticleVersion } from '../core/store/index.ts';
import { escapeInline } from '../core/text/escape.ts';

/** Room for one change's diffs in a card (Discord allows 4,096 in a description). */
const CHANGE_CHARS = 3600;

/** "2026-03-07 09:15 UTC" — one fixed, unambiguous form for version times. */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** The state of the article a reader can see now, with when it was seen. */
export interface CurrentVersion {
  article: Article;
  seenAt: string;
  deletedAt: string | null;
}

/** custom_id of the /changes paging and the "Changes" button: `ch:<article>:<page>[:<tag>]`, the tag keeps ids unique. */
export function encodeChangesButton(articleId: string, page: number, tag = ''): string {
  return `ch:${articleId}:${page.toString(36)}${tag ? `:${tag}` : ''}`;
}

export function decodeChangesButton(customId: string): { articleId: string; page: number } | null {
  const m = /^ch:([A-Za-z0-9_-]{1,64}):([0-9a-z]{1,4})(?::[a-z])?$/.exec(customId);
  return m ? { articleId: m[1]!, page: parseInt(m[2]!, 36) } : null;
}

/**
 * The /changes answer: every version with its time, then one change per page — the headline,
 * byline and text as word diffs (removed ~~struck~~, added **bold**, unchanged stretches
 * shortened to "…") and any correction note. Page buttons when there is more than one change.
 */
export function renderChangesReply(current: CurrentVersion, versions: ArticleVersion[], page: number): Reply {
  const a = current.article;
  if (versions.length === 0) {
    return { ephemeral: true, content: `No changes seen to **${escapeInline(a.title)}** (\`${a.id}\`) since it was first seen on ${utcMinute(current.seenAt)}.` };
  }
  const p = Math.min(Math.max(0, page), versions.length - 1);
  const v = versions[p]!;
  const after = nextVersion(versions, p, current);
  const edits = versions.filter((x) => !x.kinds.includes('deleted')).length;
  const list = versions.map((x) => `v${x.version} · ${utcMinute(x.seenAt)} · ${escapeInline(x.title)}`);
  const last = versions[versions.length - 1]!;
  if (current.deletedAt) list.push(`deleted · ${utcMinute(current.deletedAt)}`);
  else list.push(`v${last.version + 1} (now) · ${utcMinute(current.seenAt)} · ${escapeInline(a.title)}`);
  const header = `**${escapeInline(a.title)}** — edited ${edits} time${edits === 1 ? '' : 's'}${current.deletedAt ? ', then deleted at the source' : ''}`;
  const lines: string[] = [];
  if (v.kinds.includes('deleted')) {
    lines.push(`The item left its feed and its page answered 404/410 on ${utcMinute(v.replacedAt)}. This was its last version.`);
  } else {
    if (v.kinds.includes('headline')) lines.push(`**Headline:** ${renderDiff(diffWords(splitWords(v.title), splitWords(after.title)), 600)}`);
    if (v.kinds.includes('byline')) lines.push(`**Byline:** ${renderDiff(diffWords(splitWords(v.byline ?? ''), splitWords(after.byline ?? '')), 300)}`);
    if (v.kinds.includes('date')) lines.push(`**Date:** ${v.publishedAt ? utcMinute(v.publishedAt) : 'none'} → ${after.publishedAt ? utcMinute(after.publishedAt) : 'none'}`);
    if (v.note) lines.push(`**Note added:** ${escapeInline(v.note)}`);
    if (v.kinds.includes('body')) {
      const used = lines.join('\n').length;
      lines.push(`**Text** (${Math.max(1, Math.round(v.share * 100))} % of words changed):\n${renderDiff(diffWords(splitWords(v.body.join(' ¶ ')), splitWords(after.body.join(' ¶ '))), CHANGE_CHARS - used)}`);
    }
  }
  const card = {
    title: `Version ${v.version} → ${v.kinds.includes('deleted') ? 'deleted' : v.version + 1}: ${describeKinds(v)}`,
    description: lines.join('\n'),
    footer: `article ${a.id} · change ${p + 1}/${versions.length} · seen ${utcMinute(v.replacedAt)}`,
    ...(a.url && /^https?:\/\//i.test(a.url) ? { url: a.url } : {}),
  };
  const buttons: ReplyButton[][] = [];
  if (versions.length > 1) {
    buttons.push([
      { id: encodeChangesButton(a.id, Math.max(0, p - 1), 'p'), label: '◀ Earlier change', style: 'secondary', disabled: p === 0 },
      { id: encodeChangesButton(a.id, Math.min(versions.length - 1, p + 1), 'n'), label: 'Later change ▶', style: 'secondary', disabled: p === versions.length - 1 },
    ]);
  }
  return { content: header, cards: [{ title: 'Versions', description: list.join('\n') }, card], ...(buttons.length ? { buttons } : {}) };
}

/**
 * The version that followed stored version `p`: the next stored one, or the article as it is now —
 * with the text it was compared with when the page's full text has replaced that text since.
 */
function nextVersion(versions: ArticleVersion[], p: number, current: CurrentVersion): Pick<Article, 'title' | 'byline' | 'publishedAt' | 'body'> {
  const next = versions[p + 1] ?? current.article;
  const compared = versions[p]!.afterBody;
  return compared ? { ...next, body: compared } : next;
}
