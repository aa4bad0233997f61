/** What a decoded document is, from its content (the Content-Type is only a tie-breaker). */
export function detectDocument(text: string, contentType: string | null): 'rss' | 'rdf' | 'atom' | 'json-feed' | 'html' | 'unknown' {
  const head = text.replace(/^\uFEFF/, '').trimStart().slice(0, 8192);
  if (/^[{[]/.test(head)) return /"items"\s*:/.test(text.slice(0, 200_000)) ? 'json-feed' : 'unknown';
  // Skip the prolog, comments, DOCTYPE and processing instructions to find the root element.
  const root = /^(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>\s*)*<([\w:.-]+)/i.exec(head)?.[1]?.toLowerCase();
  if (root === 'rss' || root === 'channel') return 'rss';
  if (root === 'rdf:rdf' || root === 'rdf') return 'rdf';
  if (root === 'feed') return 'atom';
  if (root === 'html' || /<html[\s>]|<body[\s>]|<head[\s>]/i.test(head)) return 'html';
  if (!root && /html/i.test(contentType ?? '')) return 'html';
  return 'unknown';
}
