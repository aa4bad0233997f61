import type { Article } from '../article.ts';
import type { Card } from '../reply.ts';
import { escapeDiscord, escapeInline, maskedLink, truncate } from '../text/escape.ts';
import { splitSentences } from '../text/sentences.ts';
import { placeholderValues, renderTemplate } from './templates.ts';

/** A lead is a sentence or a few, never the whole body: about a tweet's length. */
const LEAD_TARGET = 280;
const LEAD_MAX = 400;
const DELIVERY_COLOR = 0x2f855a;

/**
 * The first sentences of an item's text, up to about 280 characters (the first sentence always,
 * cut at 400). A first paragraph that only repeats the title is skipped.
 */
export function leadOf(a: Pick<Article, 'title' | 'body'>): string {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const paragraphs = a.body.map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (paragraphs.length > 1 && norm(paragraphs[0]!) === norm(a.title)) paragraphs.shift();
  let lead = '';
  for (const p of paragraphs) {
    for (const span of splitSentences(p)) {
      const sentence = p.slice(span.start, span.end);
      if (!lead) lead = sentence;
      else if (lead.length + 1 + sentence.length <= LEAD_TARGET) lead = `${lead} ${sentence}`;
      else return truncate(lead, LEAD_MAX);
    }
    if (lead.length >= LEAD_TARGET / 2) break;
  }
  return truncate(lead, LEAD_MAX);
}

/** What a delivery post needs besides the article. */
export interface PostContext {
  outlet: string;
  /** Shown in the footer; a webhook post is found by it after a crash. */
  marker: string;
  template: string | null;
  roleId: string | null;
  /** When the item was first seen (the date when the feed gives none). */
  firstSeenAt: string;
}

function mention(roleId: string | null): string {
  return roleId ? `<@&${roleId}> ` : '';
}

/**
 * One item as one post. Standard: an embed with the linked title, outlet and byline, date, lead
 * and the picture as a thumbnail. With a template: the rendered template as the message text,
 * and a small embed carrying the picture (full width) and the footer.
 */
export function renderItemPost(a: Article, ctx: PostContext): { content?: string; cards: Card[] } {
  const lead = leadOf(a);
  const footer = `${ctx.outlet} · ${ctx.marker}`;
  const timestamp = a.publishedAt ?? ctx.firstSeenAt;
  if (ctx.template) {
    const content = renderTemplate(ctx.template, placeholderValues(a, lead, ctx.outlet), mention(ctx.roleId));
    return { content, cards: [{ footer, color: DELIVERY_COLOR, timestamp, ...(a.image ? { image: a.image } : {}) }] };
  }
  const author = [ctx.outlet, a.byline ? `By ${a.byline}` : null].filter(Boolean).join(' · ');
  return {
    ...(ctx.roleId ? { content: mention(ctx.roleId).trim() } : {}),
    cards: [
      {
        author: stripMarkup(author),
        title: escapeInline(a.title),
        ...(a.url && /^https?:\/\//i.test(a.url) ? { url: a.url } : {}),
        ...(lead ? { description: escapeDiscord(lead) } : {}),
        timestamp,
        footer,
        color: DELIVERY_COLOR,
        ...(a.image ? { thumbnail: a.image } : {}),
      },
    ],
  };
}

/** Embed author names render no markdown, but they must not carry invisible or control characters. */
function stripMarkup(s: string): string {
  return escapeInline(s).replace(/\\([\\*_~`|[\]()<>])/g, '$1');
}

/** Limits of one grouped post, so it is one message: Discord allows 6,000 embed characters. */
const ROUNDUP_DESCRIPTION = 3900;
const ROUNDUP_TOTAL = 5600;
const ROUNDUP_TITLE = 100;

/**
 * The items over a channel's per-minute budget as grouped posts of links, oldest first: "+37 more
 * from AP" and as many links as one message holds; the rest continue in further posts.
 */
export function renderRoundups(items: Article[], outlet: string, heading?: (n: number) => string): Array<{ articles: Article[]; post: (marker: string, part: number, parts: number) => { content: string; cards: Card[] } }> {
  const lines = items.map((a) => `• ${maskedLink(truncate(a.title.replace(/\s+/g, ' '), ROUNDUP_TITLE), a.url)}`);
  const groups: Array<{ articles: Article[]; embeds: string[][] }> = [];
  let group: { articles: Article[]; embeds: string[][] } = { articles: [], embeds: [[]] };
  let total = 0;
  let size = 0;
  lines.forEach((line, i) => {
    if (total + line.length + 1 > ROUNDUP_TOTAL || (size + line.length + 1 > ROUNDUP_DESCRIPTION && group.embeds.length === 9)) {
      groups.push(group);
      group = { articles: [], embeds: [[]] };
      total = 0;
      size = 0;
    } else if (size + line.length + 1 > ROUNDUP_DESCRIPTION) {
      group.embeds.push([]);
      size = 0;
    }
    group.embeds[group.embeds.length - 1]!.push(line);
    group.articles.push(items[i]!);
    size += line.length + 1;
    total += line.length + 1;
  });
  if (group.articles.length) groups.push(group);
  const head = heading ? heading(items.length) : `**+${items.length} more from ${escapeInline(outlet)}**`;
  return groups.map((g) => ({
    articles: g.articles,
    post: (marker: string, part: number, parts: number) => ({
      content: parts > 1 ? `${head} (part ${part} of ${parts}, oldest first)` : `${head} (oldest first)`,
      cards: g.embeds.map((e, i) => ({ description: e.join('\n'), color: DELIVERY_COLOR, ...(i === g.embeds.length - 1 ? { footer: `${outlet} · ${marker}` } : {}) })),
    }),
  }));
}
