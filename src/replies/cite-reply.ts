import type { Article } from '../core/article.ts';
import { type Citation, citationText, type CitationStyle, formatCitation, STYLE_NAMES } from '../core/citations/cite.ts';
import type { Reply } from '../core/reply.ts';
import { escapeDiscord, escapeInline } from '../core/text/escape.ts';

/** A citation as Discord markdown: italics as *…*, every run escaped (spaces between runs kept). */
export function citationMarkdown(c: Citation): string {
  return c
    .map((r) => {
      const text = escapeDiscord(r.text.replace(/\s*\n\s*/g, ' '));
      return r.italic ? `*${text.trim()}*` : text;
    })
    .join('');
}

/**
 * The /cite answer: each requested style formatted (italics shown), then the same citations as
 * plain text in a code block, ready to paste where formatting is lost.
 */
export function renderCiteReply(article: Article, styles: CitationStyle[], accessed: Date, ephemeral: boolean): Reply {
  const cited = styles.map((s) => ({ style: s, c: formatCitation(article, s, accessed) }));
  const formatted = cited.map(({ style, c }) => `**${STYLE_NAMES[style]}**\n${citationMarkdown(c)}`).join('\n\n');
  // Inside a code block only a backtick run could break out; the citations never need one.
  const plain = cited.map(({ style, c }) => `${STYLE_NAMES[style]}: ${citationText(c).replace(/`/g, "'")}`).join('\n\n');
  const missing = [article.byline ? null : 'no byline', article.publishedAt ? null : 'no publication date'].filter(Boolean);
  return {
    ephemeral,
    cards: [
      {
        title: `Cite: ${escapeInline(article.title)}`,
        description: formatted,
        footer: `article ${article.id} · accessed ${accessed.toISOString().slice(0, 10)}${missing.length ? ` · ${missing.join(', ')}: each style's rule for it applied` : ''}`,
      },
      { title: 'Plain text', description: `\`\`\`\n${plain}\n\`\`\`` },
    ],
  };
}
