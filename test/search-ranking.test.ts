import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server.ts';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';

/**
 * Typo and prefix matching that does not change what a reporter asked for (issue 24, item 4):
 * exact matches rank first; a name (Obama) or a short word (bold) is searched as typed while it
 * matches anything, and when it matches nothing the reply says what it searched for instead; and
 * a query may be as long as a reporter's full search (300 characters).
 */
let feeds: FeedServer;
const NOW = '2026-12-07T12:00:00Z';

const ITEMS: Array<[string, string, string]> = [
  ['obama', 'Obama recalls his Singapore summit', 'Former President Barack Obama said on Monday that the Singapore summit had not changed North Korea’s course.'],
  ['osama', 'Ten years after the Abbottabad raid', 'Analysts looked back at the raid in which Osama bin Laden was killed, and at what it taught special forces.'],
  ['flooding', 'Flooding, flooding everywhere: floods swamp Kaesong farms', 'Flooding hit the farms again; the flooding spread and the floods and flooding ruined the harvest.'],
  ['flood', 'Rain warning for the Taedong valley', 'Officials warned that a flood could follow the heavy rain this week.'],
];

function feed(): string {
  const items = ITEMS.map(([guid, title, text], i) => `<item><title>${title}</title><link>https://deskwire.example/${guid}</link><guid isPermaLink="false">${guid}</guid><pubDate>Mon, 07 Dec 2026 0${i + 1}:00:00 GMT</pubDate><description>${text}</description></item>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Desk Wire</title><link>https://deskwire.example/</link>\n${items.join('\n')}\n</channel></rss>`;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/desk.xml', { body: feed(), type: 'application/rss+xml' });
});
afterAll(async () => {
  await feeds?.close();
  cleanupConsoleRuns();
});

describe('search: exact first, names and short words as typed', () => {
  it('keeps Obama from finding Osama and bold from finding told, says when it searched for other words, and ranks exact matches first', async () => {
    const longQuery = `"North Korean troops" Ukraine Russia deployment -Pentagon rumor ${'troops '.repeat(40)}`.slice(0, 300).trim();
    const run = await runConsoleLines(
      [
        `/source add url:${feeds.url}/desk.xml`,
        '/search Obama',
        '/search @everyone bold',
        '/search bolt',
        '/search bolt raod',
        '/search flood',
        '/search "North Korean troops" Ukraine Russia deployment -Pentagon rumor',
        `/search ${longQuery}`,
        `/search ${'x'.repeat(301)}`,
        '/search query:bolt export:true',
      ],
      { now: NOW, env: { ALLOW_PRIVATE_SOURCES: 'true' } },
    );
    expect(run.code).toBe(0);
    const [, obama, bold, bolt, two, flood, sixtyThree, long, tooLong, exported] = run.answers;
    expect(obama).toMatch(/^\*\*1\*\* result for \*\*Obama\*\*/m);
    expect(obama).not.toContain('Osama');
    // The seeds hold "bold" once and "told" many times: only the exact word is searched.
    expect(bold).toMatch(/^\*\*1\*\* result for \*\*@everyone bold\*\*/m);
    expect(bold).toContain('**bold**');
    expect(bold).not.toContain('**told**');
    // Nothing says "bolt": the close words are searched, and the reply says so first.
    expect(bolt).toMatch(/^No results for \*bolt\* — showing (\*\w+\*, )*\*told\*/m);
    // Two words respelled: each is followed by its own forms only.
    const [forBolt, forRaod] = /^No results for \*bolt\*, \*raod\* — showing (.*)$/m.exec(two!)![1]!.split('; ');
    expect(forBolt).toContain('*told*');
    expect(forRaod).toContain('*raid*');
    expect(forRaod).not.toContain('*told*');
    // The piece with the exact word leads, ahead of one that only says "flooding" and "floods" often.
    expect(flood).toMatch(/^## 1\. Rain warning for the Taedong valley$/m);
    expect(flood).toMatch(/^## 2\. Flooding, flooding everywhere/m);
    // Queries past the old 60-character limit are searched.
    expect(sixtyThree).toMatch(/^\*\*\d+\*\* results? for \*\*"North Korean troops" Ukraine Russia deployment -Pentagon rumor\*\*/m);
    expect(long).toMatch(/^\*\*\d+\*\* results? for /m);
    expect(tooLong).toMatch(/300/);
    // The export holds what the reply showed, respelled words included.
    const shown = Number(/^\*\*(\d+)\*\* results? for \*\*bolt\*\*/m.exec(exported!)?.[1]);
    expect(shown).toBeGreaterThan(0);
    expect(exported).toContain(`📎 ${Math.min(shown, 50)} result${shown === 1 ? '' : 's'} attached as CSV and Markdown.`);
  }, 90_000);
});
