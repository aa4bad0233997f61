import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { tempDataDir } from './helpers/bot-process.ts';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';
import fs from 'node:fs';

/**
 * What people type into option fields (issue 24, item 1): quotes around free text are not part of
 * the value — filters, templates, names — while /search keeps its "phrase" syntax. Through the
 * console, which passes options to the same dispatcher as Discord.
 */
let feeds: FeedServer;
const NOW = '2026-12-07T12:00:00Z';
const ENV = { ALLOW_PRIVATE_SOURCES: 'true' };

const ITEMS = [
  ['Troops gather at Wonsan', 'Troops gathered at Wonsan on Monday, two witnesses said.'],
  ['Weather warning for Wonsan coast', 'Forecasters warned of storms along the Wonsan coast.'],
  ['Rice prices climb in Hyesan', 'Rice prices climbed again in Hyesan markets this week.'],
  ['Pyongyang sport festival opens', 'A sport festival opened in Pyongyang on Sunday.'],
  ['Port reopens in Nampo', 'The port of Nampo reopened to cargo ships on Monday.'],
];

function deskFeed(): string {
  const items = ITEMS.map(
    ([title, text], i) =>
      `<item><title>${title}</title><link>https://deskwire.example/${i + 1}</link><guid isPermaLink="false">desk-${i + 1}</guid><pubDate>Mon, 07 Dec 2026 0${i + 1}:00:00 GMT</pubDate><description>${text}</description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Desk Wire</title><link>https://deskwire.example/</link>${items.join('\n')}</channel></rss>`;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/desk.xml', { body: deskFeed(), type: 'application/rss+xml' });
});
afterAll(async () => {
  await feeds?.close();
  cleanupConsoleRuns();
});

describe('quoted option values', () => {
  it('strips one pair of surrounding quotes from filters, templates and names, keeps /search phrases', async () => {
    const dataDir = tempDataDir();
    try {
      const added = await runConsoleLines([`/source add url:${feeds.url}/desk.xml name:"Desk Wire"`], { now: NOW, env: ENV, dataDir });
      const id = /Added source `([a-z0-9]+)`/.exec(added.stdout)?.[1];
      expect(id, added.stdout).toBeTruthy();
      const run = await runConsoleLines(
        [
          `/alert preview source:${id} exclude:"sport, weather"`,
          `/alert preview source:${id} exclude:“sport”, “weather”`,
          `/alert add source:${id} exclude:"sport, weather" template:"📰 **{outlet}** — {title}"`,
          '/alert list',
          `/source edit id:${id} name:‘Desk Wire (Seoul)’`,
          `/search query:"Wonsan coast"`,
          `/alert preview source:${id} template:"📰 {title}"`,
        ],
        { now: NOW, env: ENV, dataDir },
      );
      const [preview, curly, add, list, edit, phrase, sample] = run.answers;
      expect(added.stdout).toContain('## Desk Wire');
      expect(added.stdout).not.toContain('"Desk Wire"');
      // Two of the five items carry an excluded word in their title.
      expect(preview).toContain('3 of 5 would be posted');
      expect(preview).toContain('none of "sport", "weather" in title');
      expect(curly).toContain('3 of 5 would be posted');
      expect(add).toContain('filters: none of "sport", "weather" in title');
      expect(list).toContain('none of "sport", "weather" in title');
      expect(list).not.toContain('""');
      expect(edit).toContain('Updated **Desk Wire (Seoul)**');
      // The template without the quotes around it: the sample post starts with its text.
      expect(sample).toMatch(/^📰 Port reopens in Nampo$/m);
      // /search's quotes are syntax: an exact phrase.
      expect(phrase).toMatch(/\*\*1\*\* result for \*\*"Wonsan coast"\*\*/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
