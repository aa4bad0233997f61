import { attachmentBytes, type Reply, type ReplyButton } from '../core/reply.ts';

/**
 * Renders a reply payload as terminal text — the same payload Discord gets. Markdown escapes are
 * undone (the terminal shows the literal text) and **bold** stays visible: as ANSI bold on a TTY,
 * as the `**` marks Discord would render otherwise.
 */
export function renderReplyText(reply: Reply, opts: { ansi: boolean }): { text: string; buttons: ReplyButton[] } {
  const out: string[] = [];
  const buttons: ReplyButton[] = [];
  if (reply.ephemeral) out.push('(only you can see this)');
  if (reply.content) out.push(md(reply.content, opts.ansi));
  for (const card of reply.cards ?? []) {
    out.push('');
    if (card.author) out.push(md(card.author, false));
    if (card.title) out.push(opts.ansi ? `\x1b[1m${md(card.title, false)}\x1b[0m` : `## ${md(card.title, false)}`);
    if (card.url) out.push(card.url);
    if (card.description) out.push(md(card.description, opts.ansi));
    for (const f of card.fields ?? []) out.push(`${md(f.name, false)}: ${md(f.value, opts.ansi)}`);
    if (card.thumbnail) out.push(`[thumbnail] ${card.thumbnail}`);
    if (card.image) out.push(`[image] ${card.image}`);
    if (card.footer) out.push(`— ${md(card.footer, false)}`);
  }
  for (const a of reply.attachments ?? []) out.push('', `📎 ${a.name} (${attachmentBytes(a).length.toLocaleString('en-US')} bytes)`);
  const rows = reply.buttons ?? [];
  const labels: string[] = [];
  for (const row of rows) {
    for (const b of row) {
      if (b.style === 'link' || b.disabled) continue;
      buttons.push(b);
      labels.push(`[${buttons.length}] ${b.label}`);
    }
  }
  if (labels.length) out.push('', `Buttons: ${labels.join('  ')}  — type /press <number>`);
  return { text: out.join('\n'), buttons };
}

function md(s: string, ansi: boolean): string {
  let t = s;
  if (ansi) t = t.replace(/(?<!\\)\*\*([\s\S]+?)(?<!\\)\*\*/g, '\x1b[1m$1\x1b[22m');
  // Undo Discord escapes: a backslash before punctuation, and the zero-width space in @\u200beveryone.
  return t.replace(/\\([\\*_~`|>#\-[\]()<@:.!])/g, '$1').replace(/\u200b/g, '');
}
