import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';

/**
 * Names where people type names (issue 24, items 8 and 10): every source option takes a source's
 * name as well as its id, an ambiguous name is refused with the candidates, and digests show
 * their sources by name with the id that can be typed back.
 */
let feeds: FeedServer;
const NOW = '2026-12-07T12:00:00Z';

function rss(title: string, items: Array<[string, string]>): string {
  const body = items
    .map(([t, text], i) => `<item><title>${t}</title><link>https://${title.replace(/\W/g, '').toLowerCase()}.example/${i}</link><guid isPermaLink="false">${title}-${i}</guid><pubDate>Mon, 07 Dec 2026 0${i + 1}:00:00 GMT</pubDate><description>${text}</description></item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${title}</title><link>https://example.org/</link>\n${body}\n</channel></rss>`;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/desk.xml', { body: rss('Desk Wire', [['Troops gather at Wonsan', 'Troops gathered at Wonsan on Monday.'], ['Rice prices climb in Hyesan', 'Rice prices climbed in Hyesan.']]), type: 'application/rss+xml' });
  feeds.route('/beta.xml', { body: rss('Beta Wire', [['Port reopens in Nampo', 'The port of Nampo reopened on Monday.']]), type: 'application/rss+xml' });
  feeds.route('/other.xml', { body: rss('Other Desk', [['Floods in Kaesong', 'Floods hit Kaesong on Friday.']]), type: 'application/rss+xml' });
});
afterAll(async () => {
  await feeds?.close();
  cleanupConsoleRuns();
});

describe('source names and ids', () => {
  it('takes names wherever a source is asked for, and shows digest sources by name', async () => {
    const run = await runConsoleLines(
      [
        `/source add url:${feeds.url}/desk.xml`,
        `/source add url:${feeds.url}/beta.xml`,
        '/alert add source:Desk Wire channel:#wire',
        '/alert preview source:desk wire',
        '/source health id:Beta Wire',
        '/digest subscribe channel:#newsroom schedule:daily 08:00 timezone:UTC sources:Desk Wire, Daily NK',
        '/digest list',
        `/source add url:${feeds.url}/other.xml name:Desk Wire`,
        '/alert add source:Desk Wire channel:#wire',
        '/source pause id:No Such Wire',
      ],
      { now: NOW, env: { ALLOW_PRIVATE_SOURCES: 'true' } },
    );
    expect(run.code).toBe(0);
    const [desk, beta, alert, preview, health, digest, list, other, ambiguous, missing] = run.answers;
    const deskId = /Added source `([a-z0-9]+)`/.exec(desk!)?.[1];
    const betaId = /Added source `([a-z0-9]+)`/.exec(beta!)?.[1];
    const otherId = /Added source `([a-z0-9]+)`/.exec(other!)?.[1];
    expect(deskId && betaId && otherId).toBeTruthy();
    expect(alert).toMatch(/Delivery `\w+` saved: every new item of \*\*Desk Wire\*\* will be posted in #wire/);
    expect(preview).toContain('2 of 2 would be posted');
    expect(health).toContain(`Health of Beta Wire (${betaId})`);
    expect(digest).toContain(`sources **Desk Wire** (\`${deskId}\`), **Daily NK**`);
    expect(list).toContain(`sources **Desk Wire** (\`${deskId}\`), **Daily NK**`);
    expect(ambiguous).toContain(`2 sources are called "Desk Wire": \`${deskId}\``);
    expect(ambiguous).toContain(`\`${otherId}\``);
    expect(missing).toContain('No source with id or name "No Such Wire" in this server.');
  }, 90_000);
});
