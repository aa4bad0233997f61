import fs from 'node:fs/promises';
import path from 'node:path';
import type { Article } from './article.ts';
import { parseSeed } from './seed-parser.ts';

/**
 * Reads every *.txt file in a directory (in name order) and parses it. A file that cannot be
 * read or parsed becomes a problem entry naming it — never an exception — so one bad seed
 * cannot stop the bot from starting.
 */
export async function loadSeedDir(dir: string): Promise<{ articles: Array<{ fileName: string; article: Article }>; problems: Array<{ fileName: string; message: string }> }> {
  const articles: Array<{ fileName: string; article: Article }> = [];
  const problems: Array<{ fileName: string; message: string }> = [];
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.toLowerCase().endsWith('.txt')).sort();
  } catch (err) {
    return { articles, problems: [{ fileName: dir, message: `seeds directory "${dir}" cannot be read: ${(err as Error).message}` }] };
  }
  for (const fileName of names) {
    try {
      const bytes = await fs.readFile(path.join(dir, fileName));
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      articles.push({ fileName, article: parseSeed(text, { fileName }) });
    } catch (err) {
      problems.push({ fileName, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return { articles, problems };
}
