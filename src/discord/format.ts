import { attachmentBytes, type Card, type Choice, type Reply, type ReplyButton } from '../core/reply.ts';
import { LIMITS } from './limits.ts';

/** A Discord message body (REST JSON shape), ready for reply/editReply/followUp/channel post. */
export interface DiscordMessage {
  content?: string;
  embeds: DiscordEmbed[];
  components: DiscordActionRow[];
  flags?: number;
  allowed_mentions: { parse: string[]; roles?: string[] };
  /** Files to upload (discord.js sends them as multipart/form-data with payload_json). */
  files?: DiscordFile[];
}

export interface DiscordFile {
  attachment: Buffer;
  name: string;
  description?: string;
}

export interface DiscordEmbed {
  title?: string;
  url?: string;
  description?: string;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  footer?: { text: string };
  timestamp?: string;
  color?: number;
  author?: { name: string };
  thumbnail?: { url: string };
  image?: { url: string };
}

export interface DiscordActionRow {
  type: 1;
  components: DiscordButton[];
}

export interface DiscordButton {
  type: 2;
  style: 1 | 2 | 3 | 4 | 5;
  label: string;
  custom_id?: string;
  url?: string;
  disabled?: boolean;
}

const EPHEMERAL = 1 << 6;
const STYLE = { primary: 1, secondary: 2, success: 3, danger: 4, link: 5 } as const;
const BRAND_COLOR = 0x2b6cb0;

/**
 * Clamps text to `max` UTF-16 units at a word boundary with '…'. Never leaves a dangling
 * backslash escape, an unclosed ** mark, or half a surrogate pair. This is the safety net: replies
 * are built to fit, and long articles are paginated before they get here.
 */
export function clampText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.search(/\s\S*$/);
  if (space > max * 0.6) cut = cut.slice(0, space);
  // Drop a trailing run of backslashes that would escape the ellipsis.
  cut = cut.replace(/\\+$/, '');
  // An odd number of ** marks would leave bold open: close it.
  const marks = (cut.match(/(?<!\\)\*\*/g) ?? []).length;
  if (marks % 2 === 1) cut = cut.length + 3 <= max - 1 ? `${cut}**` : cut.replace(/(?<!\\)\*\*(?![\s\S]*(?<!\\)\*\*)/, '');
  return `${cut.trimEnd()}…`.slice(0, max);
}

/**
 * Only https pictures within Discord's URL limit (Discord's proxy shows them, nothing else fetches
 * them), or a file of the same message (`attachment://name`, checked against the files in formatReply).
 */
function pictureUrl(url: string | undefined): string | null {
  if (url && ATTACHMENT_URL.test(url)) return url;
  return url && /^https:\/\/[^\s]+$/i.test(url) && url.length <= 2048 ? url : null;
}

/** Discord's form for a picture uploaded with the message: ASCII letters, digits, `_`, `-`, `.`. */
const ATTACHMENT_URL = /^attachment:\/\/[\w.-]+$/;

function embedSize(e: DiscordEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

function toEmbed(card: Card): DiscordEmbed {
  const e: DiscordEmbed = { color: card.color ?? BRAND_COLOR };
  if (card.title) e.title = clampText(card.title, LIMITS.embedTitle);
  if (card.url && /^https?:\/\//i.test(card.url) && card.url.length <= 2048) e.url = card.url;
  if (card.description) e.description = clampText(card.description, LIMITS.embedDescription);
  if (card.fields?.length) {
    e.fields = card.fields.slice(0, LIMITS.fields).map((f) => ({
      name: clampText(f.name || '\u200b', LIMITS.fieldName),
      value: clampText(f.value || '\u200b', LIMITS.fieldValue),
      ...(f.inline ? { inline: true } : {}),
    }));
  }
  if (card.footer) e.footer = { text: clampText(card.footer, LIMITS.footer) };
  if (card.timestamp && !Number.isNaN(Date.parse(card.timestamp))) e.timestamp = new Date(card.timestamp).toISOString();
  if (card.author) e.author = { name: clampText(card.author, LIMITS.authorName) };
  const thumbnail = pictureUrl(card.thumbnail);
  if (thumbnail) e.thumbnail = { url: thumbnail };
  const image = pictureUrl(card.image);
  if (image) e.image = { url: image };
  // A single card larger than a whole message: shorten its description to fit.
  const over = embedSize(e) - LIMITS.embedTotal;
  if (over > 0 && e.description) e.description = clampText(e.description, Math.max(1, e.description.length - over));
  return e;
}

function toButton(b: ReplyButton): DiscordButton | null {
  // A button needs a visible label (this bot uses no emoji-only buttons).
  const label = clampText(b.label.trim(), LIMITS.buttonLabel) || '…';
  if (b.style === 'link') {
    if (!b.url || !/^https?:\/\//i.test(b.url) || b.url.length > LIMITS.linkButtonUrl) return null;
    return { type: 2, style: 5, label, url: b.url, ...(b.disabled ? { disabled: true } : {}) };
  }
  // An over-long custom_id would make Discord reject the whole message; drop just the button.
  if (!b.id || b.id.length > LIMITS.customId) return null;
  return { type: 2, style: STYLE[b.style], label, custom_id: b.id, ...(b.disabled ? { disabled: true } : {}) };
}

function toRows(rows: ReplyButton[][] | undefined): DiscordActionRow[] {
  const out: DiscordActionRow[] = [];
  // Discord refuses a whole message in which two components share a custom_id: a repeated one is
  // dropped (replies are built with distinct ids; this is the net under that rule).
  const ids = new Set<string>();
  const fresh = (b: DiscordButton) => {
    if (b.custom_id === undefined) return true;
    if (ids.has(b.custom_id)) return false;
    ids.add(b.custom_id);
    return true;
  };
  for (const row of rows ?? []) {
    const components = row.map(toButton).filter((b): b is DiscordButton => b !== null && fresh(b)).slice(0, LIMITS.buttonsPerRow);
    if (components.length) out.push({ type: 1, components });
    if (out.length === LIMITS.actionRows) break;
  }
  return out;
}

/** The mentions a message may make: none, or exactly the one role a moderator configured. */
export function allowedMentionsFor(reply: Reply): DiscordMessage['allowed_mentions'] {
  return reply.allowRoleMention ? { parse: [], roles: [reply.allowRoleMention] } : { parse: [] };
}

/**
 * Turns a reply into one or more Discord messages, each within every limit: content 2,000,
 * ≤ 10 embeds and ≤ 6,000 embed characters per message (cards that do not fit start a
 * follow-up message), every field clamped, buttons on the first message.
 */
export function formatReply(reply: Reply): DiscordMessage[] {
  const allowed = allowedMentionsFor(reply);
  const flags = reply.ephemeral ? EPHEMERAL : undefined;
  const embeds = (reply.cards ?? []).map(toEmbed);
  const messages: DiscordMessage[] = [];
  let current: DiscordMessage = { embeds: [], components: toRows(reply.buttons), allowed_mentions: allowed };
  if (reply.content) current.content = clampText(reply.content, LIMITS.content);
  let total = 0;
  for (const e of embeds) {
    const size = embedSize(e);
    if (current.embeds.length === LIMITS.embeds || total + size > LIMITS.embedTotal) {
      messages.push(current);
      current = { embeds: [], components: [], allowed_mentions: allowed };
      total = 0;
    }
    current.embeds.push(e);
    total += size;
  }
  messages.push(current);
  const files = toFiles(reply);
  if (files.length) messages[0]!.files = files;
  // A card's attached picture must be a file of its own message (Discord rejects one that is not):
  // only the first message carries files, and a file dropped for size takes its picture with it.
  messages.forEach((m, i) => {
    for (const e of m.embeds) {
      for (const media of ['image', 'thumbnail'] as const) {
        const url = e[media]?.url;
        if (url?.startsWith('attachment://') && !(i === 0 && files.some((f) => `attachment://${f.name}` === url))) delete e[media];
      }
    }
  });
  if (flags !== undefined) for (const m of messages) m.flags = flags;
  // Discord rejects an empty message, and counts whitespace-only content as empty.
  for (const m of messages) if (!m.content?.trim() && m.embeds.length === 0) m.content = '\u200b';
  return messages;
}

/**
 * A reply's attachments as upload files: at most LIMITS.attachments, and only while their total
 * stays within LIMITS.attachmentBytes (the bot's upload limit); the rest are dropped, never sent to be rejected.
 */
function toFiles(reply: Reply): DiscordFile[] {
  const out: DiscordFile[] = [];
  let total = 0;
  for (const a of reply.attachments ?? []) {
    if (out.length === LIMITS.attachments) break;
    const data = attachmentBytes(a);
    if (total + data.length > LIMITS.attachmentBytes) continue;
    total += data.length;
    const name = a.name.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'file.txt';
    out.push({ attachment: data, name, ...(a.description ? { description: clampText(a.description, 1024) } : {}) });
  }
  return out;
}

/** Autocomplete choices within Discord's limits. */
export function formatChoices(choices: Choice[]): Array<{ name: string; value: string }> {
  return choices.slice(0, LIMITS.choices).map((c) => ({
    name: clampText(c.name, LIMITS.choiceName) || '…',
    value: c.value.slice(0, LIMITS.choiceValue),
  }));
}
