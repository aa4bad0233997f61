/**
 * The page's own statement of its article text: schema.org `articleBody` in JSON-LD. Sites fill it
 * from the same source as the visible story but without captions, prompts or related links, so
 * when it agrees with the extracted text it tells which extracted paragraphs are not the story.
 */
import { decodeXmlEntities } from './html-text.ts';

/** The slice of a linkedom document this needs. */
interface ScriptSource {
  querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
}

const TOKEN = /[\p{L}\p{N}_]+/gu;
const SHINGLE = 4;

function collectBodies(value: unknown, out: string[], depth = 0): void {
  // JSON-LD nests (@graph, mainEntity, arrays); a bound keeps hostile documents cheap.
  if (depth > 8) return;
  if (Array.isArray(value)) {
    for (const v of value) collectBodies(v, out, depth + 1);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'articleBody' && typeof v === 'string') out.push(v);
      else if (typeof v === 'object') collectBodies(v, out, depth + 1);
    }
  }
}

/**
 * The longest JSON-LD `articleBody` on the page as plain text, or null. Must run before
 * Readability, which removes scripts. Markup inside the value (some sites put HTML there) is
 * reduced to text.
 */
export function readArticleBody(document: ScriptSource): string | null {
  const bodies: string[] = [];
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      collectBodies(JSON.parse(script.textContent ?? ''), bodies);
    } catch {
      // A broken JSON-LD block says nothing; the page is still extracted from its DOM.
    }
  }
  const longest = bodies.sort((a, b) => b.length - a.length)[0];
  if (!longest) return null;
  const text = decodeXmlEntities(longest.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return text || null;
}

function shingles(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + SHINGLE <= tokens.length; i++) out.push(tokens.slice(i, i + SHINGLE).join(' '));
  return out;
}

/**
 * Drops extracted paragraphs the page's `articleBody` does not contain, but only when the two
 * agree: the articleBody is nearly all found in the extracted text (it is the same story, not a
 * teaser or another article) and is not much shorter than it (not a truncated summary).
 */
export function filterByArticleBody(paragraphs: string[], articleBody: string | null): string[] {
  if (!articleBody) return paragraphs;
  const bodyTokens = articleBody.match(TOKEN) ?? [];
  const bodyShingles = new Set(shingles(bodyTokens));
  if (bodyShingles.size < 50) return paragraphs;
  const domTokens = paragraphs.join('\n').match(TOKEN) ?? [];
  const domShingles = new Set(shingles(domTokens));
  let found = 0;
  for (const s of bodyShingles) if (domShingles.has(s)) found++;
  if (found / bodyShingles.size < 0.9 || bodyTokens.length < domTokens.length * 0.7) return paragraphs;
  const bodyText = ` ${bodyTokens.join(' ')} `;
  return paragraphs.filter((p) => {
    const tokens = p.match(TOKEN) ?? [];
    const own = shingles(tokens);
    if (own.length === 0) return bodyText.includes(` ${tokens.join(' ')} `);
    return own.filter((s) => bodyShingles.has(s)).length / own.length >= 0.5;
  });
}
