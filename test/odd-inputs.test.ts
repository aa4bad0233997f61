import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { startBot, tempDataDir } from './helpers/bot-process.ts';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';

/**
 * Odd inputs a newsroom meets (issue 24, item 12): a server's directory listing offered as a
 * source, a DATA_DIR the bot cannot use, an article its outlet took down, and the health of a
 * source whose full text is off.
 */
let feeds: FeedServer;
const NOW = '2026-12-07T12:00:00Z';
const ENV = { ALLOW_PRIVATE_SOURCES: 'true' };

/** What `python3 -m http.server` answers for a directory. */
const PYTHON_LISTING = `<!DOCTYPE HTML>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Directory listing for /</title>
</head>
<body>
<h1>Directory listing for /</h1>
<hr>
<ul>
<li><a href="desk.xml">desk.xml</a></li>
<li><a href="notes/">notes/</a></li>
<li><a href="Wonsan%20report%20draft%20for%20the%20Monday%20edition%20of%20the%20paper.txt">Wonsan report draft for the Monday edition of the paper.txt</a></li>
</ul>
<hr>
</body>
</html>`;

/** What Apache's mod_autoindex answers. */
const APACHE_LISTING = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html>
 <head>
  <title>Index of /archive</title>
 </head>
 <body>
<h1>Index of /archive</h1>
  <table>
   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th></tr>
   <tr><th colspan="4"><hr></th></tr>
<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td></tr>
<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="2026-12-07-wonsan.html">2026-12-07-wonsan.html</a></td><td align="right">2026-12-07 09:12  </td><td align="right"> 14K</td></tr>
<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="2026-12-06-hyesan.html">2026-12-06-hyesan.html</a></td><td align="right">2026-12-06 18:40  </td><td align="right"> 11K</td></tr>
   <tr><th colspan="4"><hr></th></tr>
</table>
<address>Apache/2.4.58 (Debian) Server at 127.0.0.1 Port 80</address>
</body></html>`;

/** The desk feed: its first fetch has three items; from the second on, "Port reopens" is gone. */
function deskFeed(version: number): string {
  const items: Array<[string, string, string]> = [
    ['desk-1', 'Troops gather at Wonsan', 'Troops gathered at Wonsan on Monday, two witnesses said.'],
    ['desk-2', 'Rice prices climb in Hyesan', 'Rice prices climbed again in Hyesan markets this week.'],
    ...(version === 1 ? [['desk-3', 'Port reopens in Nampo', 'The port of Nampo reopened to cargo ships on Monday.'] as [string, string, string]] : []),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Desk Wire</title><link>${feeds.url}/</link>
${items.map(([guid, title, text]) => `<item><title>${title}</title><link>${feeds.url}/desk/${guid}</link><guid isPermaLink="false">${guid}</guid><pubDate>Mon, 07 Dec 2026 09:00:00 GMT</pubDate><description>${text}</description></item>`).join('\n')}
</channel></rss>`;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/', { body: PYTHON_LISTING, type: 'text/html; charset=utf-8' });
  feeds.route('/archive/', { body: APACHE_LISTING, type: 'text/html;charset=UTF-8' });
  feeds.route('/desk.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(deskFeed(feeds.hits('/desk.xml')));
  });
  feeds.route('/desk/desk-3', { body: 'Not Found', status: 404, type: 'text/plain' });
});
afterAll(async () => {
  await feeds?.close();
  cleanupConsoleRuns();
});

describe('odd inputs', () => {
  it('refuses directory listings as sources, marks a deleted article in /search, and keeps health honest', async () => {
    const run = await runConsoleLines(
      [
        `/source add url:${feeds.url}/`,
        `/source add url:${feeds.url}/archive/`,
        `/source add url:${feeds.url}/desk.xml`,
        '/source refresh id:Desk Wire',
        '/search Nampo',
        '/search Wonsan',
        '/source health id:Desk Wire',
        '/source list',
      ],
      { now: NOW, env: ENV },
    );
    expect(run.code).toBe(0);
    const [python, apache, , , nampo, wonsan, health, list] = run.answers;
    expect(python).toContain(`"${feeds.url}/": this is a directory listing, not an article, and it links to no feed.`);
    expect(apache).toContain(`"${feeds.url}/archive/": this is a directory listing, not an article`);
    expect(list).toContain('**1** source');
    expect(list).not.toContain('Directory listing');
    expect(nampo).toMatch(/^🗑️ \*\*Deleted at the source\*\* on 2026-12-07/m);
    expect(wonsan).not.toContain('Deleted at the source');
    // Full text is off: no item is "waiting" for a page that will never be fetched.
    expect(health).toContain('fetching pages is off');
    expect(health).not.toMatch(/waiting/);
  }, 90_000);

  it.each([
    ['under a file', (dir: string) => path.join(dir, 'a-file', 'data'), /^DATA_DIR ".*\/a-file\/data" cannot be used: a part of the path is a file, not a directory\.$/],
    ['a file itself', (dir: string) => path.join(dir, 'a-file'), /^DATA_DIR ".*\/a-file" cannot be used: it is a file, not a directory\.$/],
    ['in /proc', () => '/proc/nd', /^DATA_DIR "\/proc\/nd" cannot be used: .+\.$/],
  ])('a DATA_DIR %s fails at once with one line naming the path and the reason', async (_name, dataDir, message) => {
    const scratch = tempDataDir();
    fs.writeFileSync(path.join(scratch, 'a-file'), 'not a directory');
    let bot: ReturnType<typeof startBot> | undefined;
    try {
      // Without the check: a raw ENOTDIR stack, or (in /proc) a hang at full CPU that the test's
      // timeout turns into a failure.
      bot = startBot({ DATA_DIR: dataDir(scratch) }, { stdin: '/stats\n', dataDir: scratch });
      const { code } = await bot.exited;
      expect(code).toBe(1);
      expect(bot.stdout()).toBe('');
      const lines = bot.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    } finally {
      bot?.kill('SIGKILL');
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, 30_000);
});
