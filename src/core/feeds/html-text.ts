import { parseHTML } from 'linkedom';

/**
 * Elements whose content is never article text: code, frames, embedded media and form
 * controls. Hidden nodes go too, so text a feed hides from readers cannot reach the index.
 */
const DROP = [
  'script', 'style', 'noscript', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'template', 'svg', 'math', 'canvas',
  'audio', 'video', 'map', 'form', 'button', 'input', 'select', 'textarea', 'nav', 'aside', 'footer', 'head', 'title', 'meta', 'link',
  '[hidden]', '[aria-hidden="true"]',
].join(', ');

const BLOCK = new Set([
  'P', 'DIV', 'LI', 'UL', 'OL', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'PRE', 'TABLE', 'TR', 'CAPTION', 'SECTION',
  'ARTICLE', 'HEADER', 'MAIN', 'FIGURE', 'FIGCAPTION', 'DD', 'DT', 'DL', 'HR', 'ADDRESS', 'DETAILS', 'SUMMARY', 'CENTER',
]);

/** The slice of a linkedom node this walker needs (linkedom ships no DOM typings of its own). */
interface DomNode {
  nodeType: number;
  textContent: string | null;
  tagName?: string;
  childNodes: ArrayLike<DomNode>;
  getAttribute?(name: string): string | null;
}

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

/**
 * Collapses every run of whitespace, no-break spaces included, to one space: the text is for
 * indexing and excerpts, where `&nbsp;` layout tricks only get in the way.
 */
function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function isHidden(el: DomNode): boolean {
  const style = el.getAttribute?.('style');
  return !!style && /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)/i.test(style);
}

function absoluteHttp(href: string | null | undefined, base: string | undefined): string | null {
  if (!href) return null;
  try {
    const u = base ? new URL(href.trim(), base) : new URL(href.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/**
 * HTML (a feed item's content, a summary) → plain-text paragraphs plus the links it points to.
 * Scripts, styles, frames, embeds, forms, hidden nodes and images (tracking pixels included) are
 * dropped; entities are decoded; block elements and double <br> separate paragraphs. Links are
 * the `<a href>` targets, resolved against `baseUrl`, http(s) only, in document order, deduplicated.
 */
export function htmlToContent(html: string, baseUrl?: string): { paragraphs: string[]; links: string[] } {
  if (!/[<&]/.test(html)) return { paragraphs: html.split(/\n\s*\n/).map(collapse).filter(Boolean), links: [] };
  const { document } = parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`);
  const body = document.body;
  if (!body) return { paragraphs: [], links: [] };
  for (const el of [...body.querySelectorAll(DROP)]) el.remove();
  const paragraphs: string[] = [];
  const links: string[] = [];
  const seenLinks = new Set<string>();
  let current = '';
  // A <br> with only whitespace since the previous one: the pair separates paragraphs.
  let afterBreak = false;
  const flush = () => {
    const t = collapse(current);
    if (t) paragraphs.push(t);
    current = '';
    afterBreak = false;
  };
  // An explicit stack, not recursion: hostile markup nests 100,000 deep.
  const stack: Array<{ node: DomNode; exit: boolean }> = [{ node: body as unknown as DomNode, exit: false }];
  while (stack.length > 0) {
    const { node, exit } = stack.pop()!;
    if (exit) {
      flush();
      continue;
    }
    if (node.nodeType === 3) {
      const t = node.textContent ?? '';
      current += t;
      if (/\S/.test(t)) afterBreak = false;
      continue;
    }
    if (node.nodeType !== 1 || isHidden(node)) continue;
    const tag = node.tagName ?? '';
    if (tag === 'BR') {
      // Two breaks in a row separate paragraphs in much feed HTML.
      if (afterBreak) flush();
      else {
        current += '\n';
        afterBreak = true;
      }
      continue;
    }
    if (tag === 'A') {
      const link = absoluteHttp(node.getAttribute?.('href'), baseUrl);
      if (link && !seenLinks.has(link)) {
        seenLinks.add(link);
        links.push(link);
      }
    }
    const block = BLOCK.has(tag);
    if (block) {
      flush();
      stack.push({ node, exit: true });
    } else if (tag === 'TD' || tag === 'TH') {
      // A cell boundary is a word boundary even when the cells stay in one paragraph.
      current += ' ';
    }
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, exit: false });
  }
  flush();
  return { paragraphs, links };
}

/** HTML → plain-text paragraphs; see htmlToContent for what is dropped. */
export function htmlToParagraphs(html: string): string[] {
  return htmlToContent(html).paragraphs;
}

/** HTML or text → one line of plain text (titles, names). */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return collapse(html);
  return htmlToContent(html).paragraphs.join(' ');
}
