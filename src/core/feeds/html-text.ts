import { parseHTML } from 'linkedom';

const DROP = 'script, style, noscript, iframe, object, embed, template, svg, canvas, form, button, input, select, textarea, nav, aside, footer';
const BLOCK = new Set(['P', 'DIV', 'LI', 'UL', 'OL', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'PRE', 'TABLE', 'TR', 'SECTION', 'ARTICLE', 'HEADER', 'FIGURE', 'FIGCAPTION', 'DD', 'DT', 'DL', 'HR', 'ADDRESS']);

/** Decodes the five XML entities and numeric references (for text that never passed an XML parser). */
export function decodeXmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (m, e: string) => {
    const l = e.toLowerCase();
    if (l === 'lt') return '<';
    if (l === 'gt') return '>';
    if (l === 'amp') return '&';
    if (l === 'quot') return '"';
    if (l === 'apos') return "'";
    const cp = l.startsWith('#x') ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10);
    return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

function collapse(s: string): string {
  return s.replace(/[\s\u00a0]+/g, ' ').trim();
}

/**
 * HTML (a feed item's content, a summary) → plain-text paragraphs: scripts, styles, frames,
 * forms and tracking pixels dropped, entities decoded, block elements as paragraph breaks.
 */
export function htmlToParagraphs(html: string): string[] {
  if (!/[<&]/.test(html)) return html.split(/\n\s*\n/).map(collapse).filter(Boolean);
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  for (const el of [...document.querySelectorAll(DROP)]) el.remove();
  const body = document.body;
  if (!body) return [];
  const parts: string[] = [];
  let current = '';
  const flush = () => {
    const t = collapse(current);
    if (t) parts.push(t);
    current = '';
  };
  interface DomNode {
    nodeType: number;
    textContent: string | null;
    tagName?: string;
    childNodes: Iterable<DomNode>;
  }
  const walk = (node: DomNode) => {
    if (node.nodeType === 3) {
      current += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node;
    if (el.tagName === 'BR') {
      current += '\n';
      // Two breaks in a row separate paragraphs in much feed HTML.
      if (/\n\s*\n$/.test(current)) flush();
      return;
    }
    const block = BLOCK.has(el.tagName ?? '');
    if (block) flush();
    for (const child of [...el.childNodes]) walk(child);
    if (block) flush();
  };
  walk(body as unknown as DomNode);
  flush();
  return parts;
}

/** HTML or text → one line of plain text (titles, names). */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return collapse(html);
  return collapse(htmlToParagraphs(html).join(' '));
}
