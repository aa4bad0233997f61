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

/** What may stay as it is in a link: letters, digits and the URL punctuation Markdown never reads. */
const URL_SAFE = /[A-Za-z0-9\-.:/?#@&=+,;%$]/;

/**
 * An http(s) URL as text that Discord can only read as one link: every other character (brackets,
 * parentheses, quotes, Markdown marks, spaces, non-ASCII) percent-encoded as UTF-8, so nothing in
 * it can close a masked link, start another, or format text. Null for anything but http(s) with a host.
 */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) return null;
  let out = '';
  for (const ch of parsed.href) {
    if (URL_SAFE.test(ch)) out += ch;
    else {
      const encoded = encodeURIComponent(ch);
      // encodeURIComponent leaves ! ' ( ) * _ ~ as they are: those are exactly the dangerous ones.
      out += encoded === ch ? `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : encoded;
    }
  }
  return out;
}

/**
 * A title as a Discord masked link when the URL is safe http(s) ({@link safeUrl}); plain escaped
 * text otherwise.
 */
export function maskedLink(title: string, url: string | null): string {
  const text = escapeInline(title);
  const safe = safeUrl(url);
  return safe ? `[${text}](${safe})` : text;
}
