import fs from 'node:fs/promises';
import path from 'node:path';
import type { Article } from '../article.ts';
import { decodeBody } from '../feeds/charset.ts';
import { parseSeed } from './parser.ts';

/** Far above any article (a long feature is ~100 KB); a bigger *.txt is a mistake, not a seed. */
export const SEED_MAX_BYTES = 2 * 1024 * 1024;

export interface SeedLoadResult {
  articles: Array<{ fileName: string; article: Article }>;
  problems: Array<{ fileName: string; message: string }>;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/**
 * Reads one seed's bytes as text: a BOM decides the encoding; otherwise UTF-8, and bytes that are
 * not UTF-8 are read as windows-1252 (what editors on Windows save as "ANSI").
 */
function decodeSeed(bytes: Uint8Array): string {
  return decodeBody(bytes, 'text/plain; charset=utf-8').text;
}

/**
 * Reads every *.txt file in a directory, in name order, and parses each into an Article. A file
 * that cannot be read or parsed (empty, binary, too large, only boilerplate) becomes a problem
 * entry naming it — never an exception — so one bad seed cannot stop the bot from starting.
 */
export async function loadSeedDir(dir: string, opts: { maxBytes?: number } = {}): Promise<SeedLoadResult> {
  const maxBytes = opts.maxBytes ?? SEED_MAX_BYTES;
  const articles: SeedLoadResult['articles'] = [];
  const problems: SeedLoadResult['problems'] = [];
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.toLowerCase().endsWith('.txt')).sort();
  } catch (err) {
    return { articles, problems: [{ fileName: dir, message: `seeds directory "${dir}" cannot be read: ${reason(err)}` }] };
  }
  for (const fileName of names) {
    const file = path.join(dir, fileName);
    try {
      // stat before open: opening a FIFO that happens to be named *.txt would block.
      const stat = await fs.stat(file);
      if (!stat.isFile()) {
        problems.push({ fileName, message: `seed "${fileName}": not a regular file` });
        continue;
      }
      if (stat.size > maxBytes) {
        problems.push({ fileName, message: `seed "${fileName}": too large (${formatBytes(stat.size)}; the limit is ${formatBytes(maxBytes)})` });
        continue;
      }
      const bytes = await fs.readFile(file);
      articles.push({ fileName, article: parseSeed(decodeSeed(bytes), { fileName }) });
    } catch (err) {
      // parseSeed's UserErrors already name the file; read errors do not.
      const message = err instanceof Error && err.message.startsWith(`seed "${fileName}"`) ? err.message : `seed "${fileName}": cannot be read: ${reason(err)}`;
      problems.push({ fileName, message });
    }
  }
  return { articles, problems };
}
