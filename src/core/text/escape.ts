/**
 * The one escaping module for untrusted text that reaches Discord (article text, titles, user
 * queries echoed back). Discord's own escapeMarkdown misses subtext, block quotes, masked links,
 * mentions and @everyone; this covers them all, so the text renders literally and pings no one.
 */

// Bidi controls and zero-width characters can reorder or hide text (spoofed titles).
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\u180E\uFEFF\u00AD]/g;
// C0/C1 controls except tab and newline.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes bidi/zero-width/control characters; replaces unpaired surrogates with U+FFFD. */
export function stripInvisible(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD').replace(/\r\n?/g, '\n').replace(INVISIBLE, '').replace(CONTROL, '');
}

const MARKDOWN_CHARS = /[\\*_~`|[\]()<>]/g;

/**
 * Escapes text so Discord shows it literally: markdown, masked links, line-start block quotes,
 * subtext, headings and list markers, mentions/channels/timestamps, and @everyone/@here (which
 * get a zero-width space after the @ — the only invisible character we ever add).
 */
export function escapeDiscord(s: string): string {
  const lines = stripInvisible(s).split('\n');
  return lines.map(escapeLine).join('\n');
}

function escapeLine(line: string): string {
  let out = line.replace(MARKDOWN_CHARS, (c) => `\\${c}`);
  // Line-start syntax: headings, subtext (-#), block quotes (already escaped via >), lists.
  out = out.replace(/^(\s*)(#{1,3}\s|-#\s|[-+]\s)/, (_m, ws: string, marker: string) => `${ws}\\${marker}`);
  // Numbered lists: escape the dot (a backslash before a digit would be shown, not consumed).
  out = out.replace(/^(\s*\d+)([.)])(\s)/, '$1\\$2$3');
  out = out.replace(/@(everyone|here)/gi, '@\u200b$1');
  // A bare URL followed by escaped punctuation still links, but masked-link syntax can no longer form.
  return out;
}

/** escapeDiscord for single-line fields (titles, names): line breaks become spaces. */
export function escapeInline(s: string): string {
  return escapeDiscord(stripInvisible(s).replace(/\s*\n\s*/g, ' ')).trim();
}

/**
 * Cuts text to at most `max` UTF-16 units at a word boundary, adding '…'. Never splits a
 * surrogate pair or leaves a dangling backslash escape.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return '…'.slice(0, max);
  let cut = s.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.search(/\s\S*$/);
  if (space > (max - 1) * 0.5) cut = cut.slice(0, space);
  // An odd run of trailing backslashes would escape the ellipsis: drop it.
  const slashes = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (slashes % 2 === 1) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/**
 * A title as a Discord masked link when the URL is safe http(s); the URL is percent-encoded where
 * link syntax would break (spaces, parentheses, angle and square brackets). Plain escaped text
 * otherwise.
 */
export function maskedLink(title: string, url: string | null): string {
  const text = escapeInline(title);
  if (!url || !/^https?:\/\//i.test(url)) return text;
  const safe = url.replace(/[\s()<>[\]]/g, (c) => encodeURIComponent(c));
  return `[${text}](${safe})`;
}
