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

/** A text file attached to a reply (CSV, Markdown); the console saves it or shows it inline. */
export interface Attachment {
  /** File name with extension, e.g. "results.csv". */
  name: string;
  contentType: string;
  /** The file's text (UTF-8). */
  data: string;
  /** Alt text shown by Discord. */
  description?: string;
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
  /** Picture URLs (https only; Discord's proxy shows them, the bot never fetches them). */
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
