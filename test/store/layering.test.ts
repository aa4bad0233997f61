import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The store sits below search, in one small file per aggregate and backend: both tiers take their shared weights and text helpers from
// src/core/search-text/, which imports neither of them; changes/ stays free of the store.
const core = path.resolve(import.meta.dirname, '../../src/core');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The folders under src/core that a file's relative imports reach. */
function importedFolders(file: string, text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const rel = path.relative(core, path.resolve(path.dirname(file), m[1]!));
    if (!rel.startsWith('..')) out.add(rel.split(path.sep)[0]!);
  }
  return [...out];
}

describe('store layering', () => {
  it.each([
    ['store', ['search']],
    ['search-text', ['search', 'store']],
    ['changes', ['store', 'search']],
  ])('src/core/%s imports nothing from %j', (folder, banned) => {
    const files = filesUnder(path.join(core, folder));
    expect(files.length).toBeGreaterThan(1);
    const offenders = files.flatMap((f) => importedFolders(f, fs.readFileSync(f, 'utf8')).filter((d) => banned.includes(d)).map((d) => `${path.relative(core, f)} → ${d}`));
    expect(offenders).toEqual([]);
  });

  it('no file of the store is over 600 lines (one file per aggregate and backend)', () => {
    const long = filesUnder(path.join(core, 'store'))
      .map((f) => [path.relative(core, f), fs.readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 600);
    expect(long).toEqual([]);
  });

  it('the rule sees static, type-only and dynamic imports', () => {
    const f = path.join(core, 'store/x.ts');
    const text = "import { a } from '../search/a.ts';\nimport type { B } from './b.ts';\nconst c = await import('../../core/changes/c.ts');\nimport x from 'pg';";
    expect(importedFolders(f, text).sort()).toEqual(['changes', 'search', 'store']);
  });
});
