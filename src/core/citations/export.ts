import type { Article } from '../article.ts';
import { formatDay } from '../dates.ts';
import type { Attachment } from '../reply.ts';

/** One exported search result. */
export interface ExportRow {
  article: Article;
  /** Plain-text excerpt (no markdown). */
  excerpt: string;
}

/** Rows written per export: enough for a research list, far below Discord's upload limit. */
export const EXPORT_MAX_ROWS = 200;
/** Each file stays below this (1 MiB), whatever the articles hold. */
export const EXPORT_MAX_BYTES = 1024 * 1024;

/** A CSV cell (RFC 4180): quoted when needed, and never a spreadsheet formula. */
function cell(value: string): string {
  let v = value.replace(/\r\n?/g, '\n');
  // A leading = + - @ (or tab/CR) would run as a formula in a spreadsheet: make it text.
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Markdown text with the characters that would form links, emphasis or HTML escaped. */
function md(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

function fitRows(header: string, rows: string[]): string {
  let out = header;
  let bytes = Buffer.byteLength(out);
  for (const r of rows) {
    const b = Buffer.byteLength(r);
    if (bytes + b > EXPORT_MAX_BYTES) break;
    out += r;
    bytes += b;
  }
  return out;
}

/**
 * Search results as two attachments: `<base>.csv` (title, outlet, date, url, excerpt; UTF-8 with
 * a BOM so spreadsheets read it right) and `<base>.md` (a numbered list with links).
 */
export function exportResults(rows: ExportRow[], base: string, heading: string): Attachment[] {
  const list = rows.slice(0, EXPORT_MAX_ROWS);
  const csvRows = list.map(({ article: a, excerpt }) => `${[a.title, a.outlet ?? '', formatDay(a.publishedAt) ?? '', a.url ?? '', excerpt].map(cell).join(',')}\r\n`);
  const csv = fitRows('\uFEFFtitle,outlet,date,url,excerpt\r\n', csvRows);
  const mdRows = list.map(({ article: a, excerpt }, i) => {
    const title = a.url && /^https?:\/\//i.test(a.url) ? `[${md(a.title)}](<${a.url.replace(/[<>\s]/g, encodeURIComponent)}>)` : md(a.title);
    const meta = [a.outlet ? md(a.outlet) : null, formatDay(a.publishedAt)].filter(Boolean).join(', ');
    return `${i + 1}. ${title}${meta ? ` — ${meta}` : ''}\n${excerpt ? `   > ${md(excerpt)}\n` : ''}`;
  });
  const markdown = fitRows(`# ${md(heading)}\n\n`, mdRows);
  return [
    { name: `${base}.csv`, contentType: 'text/csv; charset=utf-8', data: csv, description: `${list.length} search results as CSV` },
    { name: `${base}.md`, contentType: 'text/markdown; charset=utf-8', data: markdown, description: `${list.length} search results as Markdown` },
  ];
}

/** The CSV cell rule, for other exports (trend counts). */
export { cell as csvCell };
