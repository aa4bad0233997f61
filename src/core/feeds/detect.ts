export type DocumentKind = 'rss' | 'rdf' | 'atom' | 'json-feed' | 'html' | 'unknown';

/** How far into a document the root element is looked for; prologs and comments are short. */
const SNIFF_CHARS = 16_384;

/**
 * The name of the first element, skipping the XML declaration, processing instructions,
 * comments and a DOCTYPE (with its internal subset). A linear scan with indexOf, so no input
 * can make it backtrack. Null when there is no element start within the sniffed prefix.
 */
function rootElementName(head: string): string | null {
  let i = 0;
  for (;;) {
    while (i < head.length && /\s/.test(head[i]!)) i++;
    if (head[i] !== '<') return null;
    if (head.startsWith('<?', i)) {
      const end = head.indexOf('?>', i + 2);
      if (end === -1) return null;
      i = end + 2;
    } else if (head.startsWith('<!--', i)) {
      const end = head.indexOf('-->', i + 4);
      if (end === -1) return null;
      i = end + 3;
    } else if (/^<!doctype/i.test(head.slice(i, i + 9))) {
      const bracket = head.indexOf('[', i);
      const close = head.indexOf('>', i);
      if (close === -1) return null;
      if (bracket !== -1 && bracket < close) {
        const subsetEnd = head.indexOf(']', bracket);
        if (subsetEnd === -1) return null;
        const after = head.indexOf('>', subsetEnd);
        if (after === -1) return null;
        i = after + 1;
      } else {
        i = close + 1;
      }
    } else {
      return /^<([A-Za-z_][\w:.-]*)/.exec(head.slice(i, i + 128))?.[1]?.toLowerCase() ?? null;
    }
  }
}

/**
 * What a decoded document is, judged by its content: servers label feeds text/html and pages
 * application/rss+xml often enough that the Content-Type only breaks ties (a bare HTML fragment
 * served as text/html).
 */
export function detectDocument(text: string, contentType: string | null): DocumentKind {
  const head = text.slice(0, SNIFF_CHARS).replace(/^\uFEFF/, '');
  const first = /\S/.exec(head)?.[0];
  if (first === '{') {
    const sample = text.slice(0, 200_000);
    return /"items"\s*:|jsonfeed\.org\/version/.test(sample) ? 'json-feed' : 'unknown';
  }
  const root = rootElementName(head);
  if (root === 'rss' || root === 'channel') return 'rss';
  if (root === 'rdf:rdf' || root === 'rdf') return 'rdf';
  if (root === 'feed' || root?.endsWith(':feed')) return 'atom';
  if (root === 'html' || /^<!doctype\s+html/i.test(head.trimStart()) || /<(html|body|head)[\s>]/i.test(head)) return 'html';
  if (/html/i.test(contentType ?? '') && first === '<') return 'html';
  return 'unknown';
}
