/**
 * A setting that cannot work stops the real entry point (src/main.ts under tsx, as `npm start`)
 * with one clear line and a non-zero exit, before discord.js, the store drivers and the rest are
 * loaded — so a typo in DATA_DIR is reported at once, not after the whole bot was imported.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BOT_START_MS, startBot } from './helpers/bot-process.ts';

const PRELOAD = path.join(import.meta.dirname, 'helpers/loaded-packages.cjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-startup-'));
const aFile = path.join(tmp, 'not-a-dir');
fs.writeFileSync(aFile, 'x');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The packages the preload saw loaded, from the last line it printed. */
function loadedPackages(stderr: string): string[] | null {
  const line = /^loaded packages: (.*)$/m.exec(stderr)?.[1];
  return line ? (JSON.parse(line) as string[]) : null;
}

describe('startup with a setting that cannot work', () => {
  it('the preload sees a heavy package when one is loaded (so the checks below can fail)', () => {
    const r = spawnSync(process.execPath, ['--require', PRELOAD, '-e', "require('discord.js')"], { encoding: 'utf8' });
    expect(loadedPackages(r.stderr)).toEqual(['discord.js']);
  });

  it.each([
    ['DATA_DIR is a file', { DATA_DIR: aFile }, [`DATA_DIR "${aFile}" cannot be used: it is a file, not a directory.`]],
    ['DATA_DIR is below a file', { DATA_DIR: path.join(aFile, 'data') }, [`DATA_DIR "${path.join(aFile, 'data')}" cannot be used: a part of the path is a file, not a directory.`]],
    ['DATA_DIR is on a file system without directories of ours', { DATA_DIR: '/proc/newsdesk' }, ['DATA_DIR "/proc/newsdesk" cannot be used: "/proc" does not allow new directories.']],
    ['a bad setting', { DATABASE_URL: 'mysql://nd:secret@db/newsdesk' }, ['DATABASE_URL: must be a PostgreSQL URL', '(got "mysql://nd:***@db/newsdesk")', 'See .env.example for every setting and its default.']],
  ])('%s: one clear message, exit 1, nothing heavy loaded', async (_name, env: Record<string, string>, lines) => {
    const bot = startBot(env, { stdin: '', dataDir: env.DATA_DIR ?? tmp, nodeArgs: ['--require', PRELOAD] });
    const { code } = await bot.exited;
    const stderr = bot.stderr();
    for (const line of lines) expect(stderr).toContain(line);
    expect(stderr).not.toContain('secret');
    expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(bot.stdout()).toBe('');
    expect(code).toBe(1);
    expect(loadedPackages(stderr)).toEqual([]);
  }, BOT_START_MS);
});
