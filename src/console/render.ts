import { attachmentBytes, type Reply, type ReplyButton } from '../core/reply.ts';

/**
 * Renders a reply payload as terminal text — the same payload Discord gets. Markdown escapes are
 * undone (the terminal shows the literal text) and **bold** stays visible: as ANSI bold on a TTY,
 * as the `**` marks Discord would render otherwise.
 */
export function renderReplyText(reply: Reply, opts: { ansi: boolean; now?: Date }): { text: string; buttons: ReplyButton[] } {
  const out: string[] = [];
  const buttons: ReplyButton[] = [];
  const now = opts.now ?? new Date();
  const md = (s: string, ansi: boolean) => undoEscapes(markup(s, now, ansi), ansi);
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
    // Discord shows an embed's timestamp after its footer, in the reader's time zone.
    const stamp = card.timestamp && !Number.isNaN(Date.parse(card.timestamp)) ? formatStamp(new Date(card.timestamp), 'f') : '';
    if (card.footer || stamp) out.push(`— ${[card.footer ? md(card.footer, false) : '', stamp].filter(Boolean).join(' • ')}`);
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

/**
 * Discord markup a person never sees raw, as Discord's client shows it: `<t:…:R>` as "in 5
 * minutes" / "3 hours ago", other timestamp styles as a UTC date and time (the console has no
 * reader's time zone), `<#id>` as #channel, `<@&id>` as @role, `<@id>` as @user, and `-# ` subtext
 * lines as plain (dimmed on a terminal) text. In the console channel and role "ids" are the names
 * typed (`channel:#newsroom`), so a leading # or @ is not doubled.
 */
function markup(s: string, now: Date, ansi: boolean): string {
  return s
    .replace(/(?<!\\)<t:(-?\d{1,13})(?::([tTdDfFR]))?>/g, (_m, secs: string, style: string | undefined) => {
      const at = new Date(Number(secs) * 1000);
      return style === 'R' ? relative(at, now) : formatStamp(at, (style ?? 'f') as StampStyle);
    })
    .replace(/(?<!\\)<#([^<>\s]+)>/g, (_m, id: string) => `#${id.replace(/^#+/, '')}`)
    .replace(/(?<!\\)<@&([^<>\s]+)>/g, (_m, id: string) => `@${id.replace(/^@+/, '')}`)
    .replace(/(?<!\\)<@!?([^<>\s&][^<>\s]*)>/g, (_m, id: string) => `@${id.replace(/^@+/, '')}`)
    .replace(/^-# (.*)$/gm, (_m, text: string) => (ansi ? `\x1b[2m${text}\x1b[22m` : text));
}

type StampStyle = 't' | 'T' | 'd' | 'D' | 'f' | 'F';

/** A timestamp in UTC, in the shape of Discord's style letter. */
export function formatStamp(at: Date, style: StampStyle): string {
  if (Number.isNaN(at.getTime())) return 'an unknown time';
  const iso = at.toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 16);
  switch (style) {
    case 't':
      return `${time} UTC`;
    case 'T':
      return `${iso.slice(11, 19)} UTC`;
    case 'd':
    case 'D':
      return date;
    case 'F':
      return `${at.toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' })} ${date} ${time} UTC`;
    default:
      return `${date} ${time} UTC`;
  }
}

/** "in 5 minutes", "3 hours ago", "just now" — as Discord words a relative timestamp. */
export function relative(at: Date, now: Date): string {
  const diff = at.getTime() - now.getTime();
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  const units: Array<[string, number]> = [['year', 365 * 86_400_000], ['month', 30 * 86_400_000], ['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000]];
  const [unit, ms] = units.find(([, ms]) => abs >= ms * 0.95) ?? ['minute', 60_000];
  const n = Math.max(1, Math.round(abs / ms));
  const span = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return diff > 0 ? `in ${span}` : `${span} ago`;
}

function undoEscapes(s: string, ansi: boolean): string {
  let t = s;
  if (ansi) t = t.replace(/(?<!\\)\*\*([\s\S]+?)(?<!\\)\*\*/g, '\x1b[1m$1\x1b[22m');
  // Undo Discord escapes: a backslash before punctuation, and the zero-width space in @\u200beveryone.
  return t.replace(/\\([\\*_~`|>#\-[\]()<@:.!])/g, '$1').replace(/\u200b/g, '');
}
