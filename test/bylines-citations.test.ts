import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';

/**
 * Bylines and citations as a reporter pastes them (issue 24, item 3): RSS 2.0's
 * `<author>email (Name)</author>` and `Name <email>` give the name, an address alone gives no
 * byline, a site suffix the feed shows to be furniture leaves the title, and a Korean name is cited
 * family name first.
 */
let feeds: FeedServer;
const NOW = '2026-12-07T12:00:00Z';

const DESK = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Desk Wire</title><link>https://deskwire.example/</link>
<managingEditor>editor@deskwire.example (Desk Editor)</managingEditor>
<item><title>Troops gather at Wonsan | Desk Wire</title><link>https://deskwire.example/wonsan</link><guid>https://deskwire.example/wonsan</guid>
<author>jane@deskwire.example (Jane Q. Doe)</author><pubDate>Mon, 07 Dec 2026 09:00:00 GMT</pubDate>
<description>Troops gathered at Wonsan on Monday, two witnesses said.</description></item>
<item><title>Rice prices climb in Hyesan | Desk Wire</title><link>https://deskwire.example/hyesan</link><guid>https://deskwire.example/hyesan</guid>
<author>Sam Roe &lt;sam@deskwire.example&gt;</author><pubDate>Mon, 07 Dec 2026 08:00:00 GMT</pubDate>
<description>Rice prices climbed again in Hyesan markets.</description></item>
<item><title>Port reopens in Nampo | Desk Wire</title><link>https://deskwire.example/nampo</link><guid>https://deskwire.example/nampo</guid>
<author>desk@deskwire.example</author><pubDate>Mon, 07 Dec 2026 07:00:00 GMT</pubDate>
<description>The port of Nampo reopened to cargo ships on Monday.</description></item>
</channel></rss>`;

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/desk.xml', { body: DESK, type: 'application/rss+xml' });
});
afterAll(async () => {
  await feeds?.close();
  cleanupConsoleRuns();
});

describe('bylines and citations', () => {
  it('shows names, never addresses, cuts title furniture, and cites family names first', async () => {
    const run = await runConsoleLines(
      [
        `/source add url:${feeds.url}/desk.xml`,
        '/search Wonsan',
        '/press 2',
        '/search Hyesan',
        '/search Nampo',
        '/cite id:4ec0d747c5be style:apa',
        '/cite id:4ec0d747c5be style:mla',
      ],
      { now: NOW, env: { ALLOW_PRIVATE_SOURCES: 'true' } },
    );
    expect(run.code).toBe(0);
    const [added, wonsan, cite, hyesan, nampo, apa, mla] = run.answers;
    // The newest titles in the add preview and the cards: no " | Desk Wire".
    expect(added).toContain('• Troops gather at Wonsan\n');
    expect(run.stdout).not.toContain('| Desk Wire');
    expect(wonsan).toContain('## 1. Troops gather at Wonsan\n');
    expect(wonsan).toContain('Desk Wire · 2026-12-07 · By Jane Q. Doe');
    expect(cite).toContain('Doe, J. Q. (2026, December 7). *Troops gather at Wonsan.* Desk Wire. https://deskwire.example/wonsan');
    expect(hyesan).toContain('Desk Wire · 2026-12-07 · By Sam Roe');
    expect(nampo).toMatch(/^Desk Wire · 2026-12-07$/m);
    expect(run.stdout).not.toMatch(/@deskwire\.example/);
    // The seed article by RFA's Moon Sung Whui: a Korean name, family name first.
    expect(apa).toContain('Moon, S. W. (n.d.).');
    expect(mla).toContain('Moon Sung Whui. “North Korea Hunting For Source Of Reports On Soldier Deployment To Ukraine Conflict.”');
  }, 90_000);
});
