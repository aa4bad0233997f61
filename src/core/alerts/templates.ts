import type { Article } from '../article.ts';
import { UserError } from '../errors.ts';
import { escapeDiscord, escapeInline, safeUrl, truncate } from '../text/escape.ts';

/** The placeholders a delivery template may use. */
export const PLACEHOLDERS = ['title', 'link', 'outlet', 'byline', 'date', 'lead', 'tags'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Templates leave room under Discord's 2,000-character message for the values they pull in. */
export const MAX_TEMPLATE_LENGTH = 1000;
const MAX_CONTENT = 2000;

const TOKEN = /\{([^{}\s]*)\}/g;

/**
 * Checks a template before it is saved: known placeholders only, something to show, within the
 * length limit. Returns it trimmed; throws a UserError naming the first problem.
 */
export function validateTemplate(raw: string): string {
  const t = raw.replace(/\\n/g, '\n').trim();
  if (!t) throw new UserError('template: it is empty; leave the option out to use the standard post.', { id: 'template.empty' });
  if (t.length > MAX_TEMPLATE_LENGTH) throw new UserError(`template: ${t.length} characters, more than ${MAX_TEMPLATE_LENGTH}.`, { id: 'template.too-long', values: { tLength: t.length, maxTemplateLength: MAX_TEMPLATE_LENGTH } });
  for (const m of t.matchAll(TOKEN)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
      throw new UserError(`template: unknown placeholder {${m[1]}}. Use ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`, { id: 'template.unknown-placeholder', values: { placeholder: m[1] } });
    }
  }
  if (!t.match(TOKEN)) throw new UserError(`template: no placeholder, so every post would be the same text. Use ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`, { id: 'template.no-placeholder' });
  return t;
}

/** The values of one item, escaped for Discord (the link is left as a bare, safe URL). */
export function placeholderValues(a: Article, lead: string, outlet: string): Record<Placeholder, string> {
  const published = a.publishedAt ? Date.parse(a.publishedAt) : NaN;
  const date = Number.isFinite(published) ? `<t:${Math.floor(published / 1000)}:f>` : '';
  // Templates may put {link} inside their own [text]({link}): it must not be able to close it.
  const link = safeUrl(a.url) ?? '';
  return {
    title: escapeInline(a.title),
    link,
    outlet: escapeInline(outlet),
    byline: a.byline ? escapeInline(a.byline) : '',
    date,
    lead: escapeDiscord(lead),
    tags: a.tags.slice(0, 10).map((t) => escapeInline(t)).join(', '),
  };
}

/**
 * Renders a validated template within Discord's 2,000 characters. The lead gives way first, then
 * the title; the link and the template's own text are never cut.
 */
export function renderTemplate(template: string, values: Record<Placeholder, string>, prefix = ''): string {
  const fill = (v: Record<Placeholder, string>) => prefix + template.replace(TOKEN, (_m, name: string) => v[name as Placeholder] ?? '');
  let out = fill(values);
  if (out.length <= MAX_CONTENT) return out;
  const uses = (p: Placeholder) => (template.match(new RegExp(`\\{${p}\\}`, 'g')) ?? []).length;
  let v = { ...values };
  for (const p of ['lead', 'title', 'tags', 'byline', 'outlet'] as const) {
    const n = uses(p);
    if (!n) continue;
    const over = out.length - MAX_CONTENT;
    v = { ...v, [p]: truncate(v[p], Math.max(1, v[p].length - Math.ceil(over / n) - 1)) };
    out = fill(v);
    if (out.length <= MAX_CONTENT) return out;
  }
  return truncate(out, MAX_CONTENT);
}
