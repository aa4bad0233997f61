import type { Article } from '../core/article.ts';
import { findQuotations } from '../core/quotes/index.ts';
import type { Reply, ReplyButton } from '../core/reply.ts';
import { escapeDiscord, escapeInline } from '../core/text/escape.ts';
import { describeArticle } from './article-meta.ts';
import { pagingRow } from './paging.ts';
import { encodeChangesButton } from './changes-reply.ts';
import { encodeArticleButton } from './custom-id.ts';
import { packBlocks } from './card-pack.ts';
import { speakerLine } from './quote-reply.ts';

/** Room for body text in one card: Discord allows 4,096 in a description, 6,000 per message. */
export const ARTICLE_PAGE_CHARS = 3800;

/**
 * Splits an article's escaped body into pages at paragraph boundaries (a paragraph longer than a
 * page is split at a sentence or word boundary), so nothing is ever cut off silently.
 */
export function paginateArticle(article: Article, pageChars = ARTICLE_PAGE_CHARS): string[] {
  const pages: string[] = [];
  let current = '';
  const push = (text: string) => {
    if (current && current.length + 2 + text.length > pageChars) {
      pages.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${text}` : text;
  };
  for (const para of article.body) {
    let rest = escapeDiscord(para);
    while (rest.length > pageChars) {
      const cut = cutPoint(rest, pageChars);
      push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
    if (rest) push(rest);
  }
  if (current) pages.push(current);
  return pages.length ? pages : ['*(This article has no body text.)*'];
}

function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max);
  const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('.” '), window.lastIndexOf('? '), window.lastIndexOf('! '));
  if (sentence > max / 2) return sentence + 1;
  const space = window.lastIndexOf(' ');
  // Never cut between a backslash escape and the character it escapes.
  let at = space > max / 4 ? space : max;
  while (at > 1 && text[at - 1] === '\\') at--;
  return at;
}

/** One page of a whole article as a reply: metadata on the first page, page buttons when needed. */
export function renderArticleReply(article: Article, page: number, ephemeral: boolean, history: { edits: number; deletedAt: string | null } = { edits: 0, deletedAt: null }): Reply {
  const pages = paginateArticle(article);
  const p = Math.min(Math.max(0, page), pages.length - 1);
  const meta = describeArticle(article);
  const details: string[] = [];
  if (p === 0) {
    if (meta) details.push(`*${meta}*`);
    if (article.caption) details.push(`Photo: ${escapeInline(article.caption)}`);
    const changed = [
      history.edits ? `✏️ Edited ${history.edits} time${history.edits === 1 ? '' : 's'} since first seen` : null,
      history.deletedAt ? `🗑️ Deleted at the source on ${history.deletedAt.slice(0, 16).replace('T', ' ')} UTC` : null,
    ].filter(Boolean);
    if (changed.length) details.push(changed.join(' · '));
    details.push('');
  }
  const fields = [];
  if (p === pages.length - 1) {
    if (article.tags.length) fields.push({ name: 'Tags', value: escapeInline(article.tags.join(', ')), inline: true });
    if (article.editors.length) fields.push({ name: 'Edited by', value: escapeInline(article.editors.join(', ')), inline: true });
  }
  // Every quotation, on the last page, in cards of their own after the article's (as many as the
  // list needs; the formatter spreads cards over messages within Discord's per-message total).
  const quotationCards =
    p === pages.length - 1
      ? packBlocks(quotationListing(article), '\n').map((c, i, all) => ({ ...c, title: `Quotations: who said it (the clause as printed)${all.length > 1 ? ` ${i + 1}/${all.length}` : ''}` }))
      : [];
  const card = {
    title: escapeInline(article.title),
    description: details.join('\n') + pages[p],
    ...(fields.length ? { fields } : {}),
    footer: `id ${article.id}${pages.length > 1 ? ` · page ${p + 1}/${pages.length}` : ''}`,
    ...(article.url ? { url: article.url } : {}),
    ...(article.publishedAt ? { timestamp: article.publishedAt } : {}),
  };
  const paging = pagingRow(p, pages.length, (target) => encodeArticleButton(article.id, target), { previous: '◀ Previous page', next: 'Next page ▶' });
  const buttons: ReplyButton[][] = paging.length ? [paging] : [];
  if (history.edits || history.deletedAt) {
    const label = history.edits ? `Changes (${history.edits} edit${history.edits === 1 ? '' : 's'})` : 'Changes';
    buttons.push([{ id: encodeChangesButton(article.id, 0), label, style: 'secondary' }]);
  }
  return { ephemeral, cards: [card, ...quotationCards], ...(buttons.length ? { buttons } : {}) };
}

/**
 * Each quotation's opening words, resolved speaker ("speaker unclear", perhaps with "possibly X",
 * when the resolver is not sure) and the attribution clause exactly as the article prints it (or
 * that it has none), so a reporter can check the attribution: every one of them, one line each.
 */
export function quotationListing(article: Pick<Article, 'body'>): string[] {
  return findQuotations(article).map((q) => {
    const ws = q.text.split(/\s+/);
    const opening = ws.slice(0, 6).join(' ') + (ws.length > 6 ? '…' : '');
    const clause = q.attribution ? `“${escapeInline(q.attribution)}”` : 'no clause of its own';
    return `“${escapeInline(opening)}” — ${speakerLine(q, false)} · ${clause}`;
  });
}
