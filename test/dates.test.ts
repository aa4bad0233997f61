import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { tempDataDir } from './helpers/bot-process.ts';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';

/**
 * Publication times as the feed gives them (issue 24, item 6): a date minutes ahead is kept (and
 * a headline edit is not a "date change"), digests, stories and citations show when a piece was
 * published — or "undated" — never when it was fetched, and `since:0d` means today.
 */
let feeds: FeedServer;
/** The bot's clock: 10:28 UTC; the feed's lead item is dated five minutes ahead. */
const NOW = '2026-12-07T10:28:00Z';

function deskFeed(version: number): string {
  const item = (guid: string, title: string, date: string | null, text: string) =>
    `<item><title>${title}</title><link>https://deskwire.example/${guid}</link><guid isPermaLink="false">${guid}</guid>${date ? `<pubDate>${date}</pubDate>` : ''}<description>${text}</description></item>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Desk Wire</title><link>https://deskwire.example/</link>
${item('lead', version === 1 ? 'Troops gather at Wonsan' : 'Troops mass near Wonsan port', 'Mon, 07 Dec 2026 10:33:00 GMT', 'Troops gathered at Wonsan on Monday, two witnesses said.')}
${item('old', 'Floods hit Kaesong province', 'Tue, 30 Aug 2016 09:00:00 GMT', 'Floods hit Kaesong province in 2016, state media said.')}
${item('undated', 'Rice prices climb in Hyesan', null, 'Rice prices climbed again in Hyesan markets.')}
${item('future', 'Harvest festival announced', 'Sat, 01 Nov 2031 09:00:00 GMT', 'A harvest festival was announced for the autumn.')}
</channel></rss>`;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/desk.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    // The first fetch (add) sees version 1; later ones (refresh) the edited headline.
    res.end(deskFeed(feeds.hits('/desk.xml') <= 1 ? 1 : 2));
  });
});
afterAll(async () => {
  await feeds?.close();
  cleanupConsoleRuns();
});

describe('publication times', () => {
  it('keeps the feed’s dates, shows them (or "undated") everywhere, and counts 0d as today', async () => {
    const dataDir = tempDataDir();
    // Each run starts its clock a little later than the last, as time would pass.
    const opts = (minutes: number) => ({ now: new Date(Date.parse(NOW) + minutes * 60_000).toISOString(), env: { ALLOW_PRIVATE_SOURCES: 'true' }, dataDir });
    try {
      const first = await runConsoleLines(['/digest subscribe channel:#desk schedule:hourly timezone:UTC', `/source add url:${feeds.url}/desk.xml backfill:true`], opts(0));
      const digestId = /Digest `(\w+)` subscribed/.exec(first.stdout)?.[1];
      expect(digestId, first.stdout).toBeTruthy();

      const second = await runConsoleLines(
        [`/digest preview id:${digestId}`, '/search Wonsan', '/search Hyesan', '/search Wonsan since:0d', '/search Kaesong since:0d', '/search Harvest'],
        opts(1),
      );
      const [preview, wonsan, hyesan, today, old, future] = second.answers;
      const leadId = /^— id (\w+)/m.exec(wonsan!)?.[1];
      expect(leadId, wonsan).toBeTruthy();
      // Digest lines carry the publication time: today's as a time, 2016's with its date, none as undated.
      expect(preview).toContain('Troops gather at Wonsan](https://deskwire.example/lead)** · 10:33');
      expect(preview).toMatch(/Floods hit Kaesong province\]\(https:\/\/deskwire\.example\/old\)\*\* · Tue,? 30 Aug 2016,? 09:00/);
      expect(preview).toContain('Rice prices climb in Hyesan](https://deskwire.example/undated)** · undated');
      // A date five minutes ahead is the feed's date, not the fetch time.
      expect(wonsan).toContain('Desk Wire · 2026-12-07');
      expect(wonsan).toContain('2026-12-07 10:33 UTC');
      expect(hyesan).toContain('Desk Wire · undated');
      // since:0d is today (whole days, today included).
      expect(today).toMatch(/\*\*1\*\* result for \*\*Wonsan\*\* \(since 2026-12-07\)/);
      expect(old).toContain('No results for **Kaesong** in that date range (since 2026-12-07) — **1** without it.');
      // A date years ahead is no publication date.
      expect(future).toContain('Desk Wire · undated');

      const third = await runConsoleLines(['/source refresh id:Desk Wire', `/changes id:${leadId}`, `/story id:${leadId}`, `/cite id:${leadId} style:apa`], opts(2));
      const [refresh, changes, story, cite] = third.answers;
      expect(refresh).toContain('1 updated');
      expect(changes).toMatch(/headline changed/);
      expect(changes).not.toMatch(/date changed/);
      expect(story).toContain('**Desk Wire** · 2026-12-07 10:33 UTC');
      expect(cite).toContain('(2026, December 7)');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
