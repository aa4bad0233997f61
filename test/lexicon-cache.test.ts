import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Lexicon } from '../src/core/search/lexicon.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('WordNet cache files in DATA_DIR', () => {
  it('removes what a write cut short by an exit left, and nothing of a running process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nd-lexicon-'));
    dirs.push(dir);
    const cache = path.join(dir, 'wordnet.cache');
    // A pid that has ended: a process started and waited for.
    const ended = spawnSync(process.execPath, ['-e', '']).pid!;
    const files = {
      ended: `${cache}.${ended}.tmp`,
      running: `${cache}.${process.ppid}.tmp`,
      notOurs: `${cache}.draft.tmp`,
      other: path.join(dir, `other.${ended}.tmp`),
    };
    for (const f of Object.values(files)) fs.writeFileSync(f, 'partial');
    const lexicon = new Lexicon({ cacheFile: cache });
    expect(await lexicon.load()).not.toBeNull();
    // The cache itself is written (or copied) beside them; wait for its rename.
    for (let i = 0; i < 200 && !fs.existsSync(cache); i++) await new Promise((r) => setTimeout(r, 25));
    expect(fs.existsSync(cache)).toBe(true);
    expect(Object.fromEntries(Object.entries(files).map(([k, f]) => [k, fs.existsSync(f)]))).toEqual({ ended: false, running: true, notOurs: true, other: true });
  }, 60_000);
});
