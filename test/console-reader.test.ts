import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { ROOT, tempDataDir } from './helpers/bot-process.ts';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';

/**
 * The console as a person reads it (issue 24, items 2 and 11): /exit leaves at once, and Discord
 * markup — timestamps, channel, role and user mentions, subtext — is shown the way Discord's
 * client would show it, never raw.
 */
let feeds: FeedServer;
const NOW = '2026-12-07T10:30:00Z';

const DESK = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Desk Wire</title><link>https://deskwire.example/</link><language>en</language>
<item><title>Troops gather at Wonsan</title><link>https://deskwire.example/wonsan</link><guid>desk-1</guid>
<pubDate>Mon, 07 Dec 2026 09:00:00 GMT</pubDate><description>Troops gathered at Wonsan on Monday, two witnesses said.</description></item>
</channel></rss>`;

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/desk.xml', { body: DESK, type: 'application/rss+xml' });
});
afterAll(async () => {
  await feeds?.close();
  cleanupConsoleRuns();
});

describe('console /exit', () => {
  it('exits with code 0 at once and runs none of the lines piped after it', async () => {
    const run = await runConsoleLines(['/stats', '/exit', '/help', '/search troops']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\*\*Articles:\*\* 5/);
    expect(run.stdout).not.toContain('Newsdesk commands');
    expect(run.stdout).not.toMatch(/results? for \*\*troops\*\*/);
  }, 60_000);

  it('exits at once on a terminal, where jobs keep running while a person types', async () => {
    // A real pseudo-terminal (util-linux `script`), so the console runs interactively: history,
    // prompt, and the background jobs that used to keep the process alive after /exit.
    const dataDir = tempDataDir();
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, TERM: 'dumb' };
    const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} --import tsx src/main.ts`, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 600 && !out.includes('newsdesk> '); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain('newsdesk> ');
      child.stdin.write('/exit\r');
      // Before the fix the process was still running 30 s later; the test's timeout fails it.
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('console rendering of Discord markup', () => {
  it('shows times, channels, roles and subtext as a person reads them', async () => {
    const run = await runConsoleLines(
      [
        `/source add url:${feeds.url}/desk.xml`,
        '/source list',
        '/digest subscribe channel:#newsroom schedule:daily 08:00 timezone:UTC',
        '/alert add query:troops channel:#desk role:@north-korea',
        '/alert list',
        '/story id:4ec0d747c5be',
      ],
      { now: NOW, env: { ALLOW_PRIVATE_SOURCES: 'true' } },
    );
    expect(run.code).toBe(0);
    const [, list, digest, alert, alerts, story] = run.answers;
    // Never raw markup anywhere.
    expect(run.stdout).not.toMatch(/<t:\d+(:[a-zA-Z])?>|<#[^>]*>|<@&?[^>]*>|^-# /m);
    expect(list).toMatch(/last success (just now|\d+ (second|minute)s? ago)/);
    expect(list).toMatch(/next fetch in \d+ minutes?/);
    expect(digest).toContain('in #newsroom');
    expect(alert).toContain('will be posted in #desk mentioning @north-korea');
    expect(alerts).toContain('→ #desk · mentions @north-korea');
    expect(story).toMatch(/^id 4ec0d747c5be$/m);
  }, 60_000);
});
