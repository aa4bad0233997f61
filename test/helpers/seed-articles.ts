import fs from 'node:fs';
import path from 'node:path';
import type { Article } from '../../src/core/article.ts';
import { parseSeed } from '../../src/core/seeds/parser.ts';
import { ROOT } from './bot-process.ts';

/** The parsed seeds, keyed by their three-digit file prefix ("000" … "004"). */
export function seedArticles(): Map<string, Article> {
  const dir = path.join(ROOT, 'seeds');
  const out = new Map<string, Article>();
  for (const f of fs.readdirSync(dir).sort()) out.set(f.slice(0, 3), parseSeed(fs.readFileSync(path.join(dir, f), 'utf8'), { fileName: f }));
  return out;
}
