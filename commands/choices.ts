import type { Choice } from '../src/core/reply.ts';
import type { CommandContext } from '../src/command.ts';
import { stripInvisible } from '../src/core/text/escape.ts';

/** Autocomplete answers within Discord's limits: ≤ 25 choices, name and value 1–100 chars, no duplicates. */
export function choicesFrom(items: Array<{ name: string; value: string }>): Choice[] {
  const seen = new Set<string>();
  const out: Choice[] = [];
  for (const item of items) {
    const name = clip(stripInvisible(item.name).replace(/\s+/g, ' ').trim());
    const value = item.value.slice(0, 100);
    if (!name || !value || seen.has(value)) continue;
    seen.add(value);
    out.push({ name, value });
    if (out.length === 25) break;
  }
  return out;
}

function clip(s: string): string {
  if (s.length <= 100) return s;
  const cut = s.slice(0, 99);
  const space = cut.lastIndexOf(' ');
  return `${space > 60 ? cut.slice(0, space) : cut}…`;
}

/** The `id` option of commands that act on one article: an id, or part of a title to pick from. */
export const articleIdOption = { name: 'id', description: 'Article id, or type part of a title', type: 'string' as const, required: true, autocomplete: true, maxLength: 100 };

/** Autocomplete for an article `id` option: titles of this server's articles matching what was typed. */
export async function articleChoices(ctx: CommandContext, guildId: string, typed: string): Promise<Choice[]> {
  return choicesFrom((await ctx.newsroom.suggestTitles({ guildId }, typed)).map((t) => ({ name: t.title, value: t.id })));
}
