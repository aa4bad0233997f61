/**
 * The plain response payload every command handler returns and every scheduled post is built as.
 * `src/discord/format.ts` turns it into a Discord message (clamped to Discord's limits);
 * `src/console.ts` renders it as text. Text here is Discord markdown whose untrusted parts have
 * already been escaped with `escapeDiscord` (src/core/text/escape.ts).
 */
export interface Reply {
  /** Shown only to the person who asked (Discord flag 64). */
  ephemeral?: boolean;
  content?: string;
  cards?: Card[];
  /** Rows of buttons, at most 5 rows of 5. */
  buttons?: ReplyButton[][];
  /**
   * The one role this message may ping (a moderator configured it, e.g. an alert). Every other
   * mention is suppressed whatever the text says.
   */
  allowRoleMention?: string;
  /** Files sent with the message (Discord: ≤ 10 per message, each within the upload limit). */
  attachments?: Attachment[];
}

/**
 * A file attached to a reply: text (CSV, Markdown) or, base64-encoded, binary (a PNG chart). Kept
 * as a string either way so a reply stays plain JSON (digests wait in the outbox as JSON). The
 * console saves it or shows text inline; a card shows an attached picture as `attachment://name`.
 */
export interface Attachment {
  /** File name with extension, e.g. "results.csv" (letters, digits, `_`, `-`, `.`: a card can refer to it). */
  name: string;
  contentType: string;
  /** The file's text (UTF-8), or its bytes in base64 when `encoding` is 'base64'. */
  data: string;
  encoding?: 'base64';
  /** Alt text shown by Discord (a chart's description in words). */
  description?: string;
}

/** An attachment's bytes. */
export function attachmentBytes(a: Attachment): Buffer {
  return Buffer.from(a.data, a.encoding === 'base64' ? 'base64' : 'utf8');
}

/** One card of a reply (a Discord embed; a block of text in the console). */
export interface Card {
  title?: string;
  url?: string;
  /** Secondary line under the title, e.g. "Daily NK · 2024-03-07 · Moon Sung Whui". */
  description?: string;
  fields?: CardField[];
  footer?: string;
  /** ISO time the card refers to. */
  timestamp?: string;
  color?: number;
  /** A small line above the title, e.g. "AP · By Jane Doe". */
  author?: string;
  /**
   * Picture URLs (https only; Discord's proxy shows them, the bot never fetches them), or
   * `attachment://name` for a picture attached to the same reply.
   */
  thumbnail?: string;
  image?: string;
}

export interface CardField {
  name: string;
  value: string;
  inline?: boolean;
}

export type ButtonStyle = 'primary' | 'secondary' | 'success' | 'danger' | 'link';

export interface ReplyButton {
  /** custom_id (≤ 100 chars) for interactive buttons; ignored for link buttons. */
  id?: string;
  label: string;
  style: ButtonStyle;
  url?: string;
  disabled?: boolean;
}

/** One autocomplete suggestion (≤ 25 per answer, name and value ≤ 100 chars each). */
export interface Choice {
  name: string;
  value: string;
}
