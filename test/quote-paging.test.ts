import { afterAll, describe, expect, it } from 'vitest';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';

/**
 * No silent limits (issue 24, item 5): /quote says how many quotations there are and pages
 * through them like /search, and /article lists every quotation, as README says.
 */
afterAll(() => cleanupConsoleRuns());

describe('/quote paging and /article quotations', () => {
  it('pages /quote with "8 of 9", and lists all ten quotations of an article', async () => {
    const run = await runConsoleLines(['/quote families', '/press 1', '/article id:4ec0d747c5be'], { now: '2026-12-07T12:00:00Z' });
    expect(run.code).toBe(0);
    const [first, second, article] = run.answers;
    expect(first).toMatch(/^\*\*8\*\* of \*\*9\*\* quotations matching \*\*families\*\* — showing 1–8, page 1\/2$/m);
    expect(first).toContain('Buttons: [1] Next ▶');
    expect(first!.match(/^> “/gm)).toHaveLength(8);
    expect(second).toMatch(/^\*\*1\*\* of \*\*9\*\* quotations matching \*\*families\*\* — showing 9–9, page 2\/2$/m);
    expect(second!.match(/^> “/gm)).toHaveLength(1);
    // The quotation on page 2 is none of page 1's.
    const quotes = (s: string) => s.match(/^> “.*$/gm) ?? [];
    expect(quotes(first!)).not.toContain(quotes(second!)[0]);
    // /article: every quotation with its speaker and the clause as printed, nothing cut.
    expect(article).not.toMatch(/…and \d+ more/);
    const listing = article!.slice(article!.indexOf('## Quotations: who said it'));
    expect(listing.split('\n').filter((l) => l.startsWith('“'))).toHaveLength(10);
    expect(listing).toContain('“Nowadays, the trend is to have…” — a resident of the northern province of Ryanggang (told Radio Free Asia) · no clause of its own');
  }, 60_000);
});
