import { afterAll, describe, expect, it } from 'vitest';
import { cleanupConsoleRuns, runConsoleLines } from './helpers/console-run.ts';

/**
 * "Did you mean" only where a word is not in the archive (issue 24, item 9): a miss caused by the
 * filters says so with the count without them, and a phrase of known words never suggests itself.
 */
afterAll(() => cleanupConsoleRuns());

describe('suggestions and filter-only misses', () => {
  it('blames the filter, not the words, and suggests only for unknown words', async () => {
    const run = await runConsoleLines(['/search troops until:2023', '/search "Ukraine Kim"', '/search "Kim Yo Jung"', '/search troops source:Daily NK until:2023'], { now: '2026-12-07T12:00:00Z' });
    expect(run.code).toBe(0);
    const [dated, phrase, unknown, both] = run.answers;
    expect(dated).toContain('No results for **troops** in that date range (until 2023-12-31) — **4** without it.');
    expect(dated).not.toContain('Did you mean');
    // Both words are in the archive, just not side by side: nothing to suggest, least of all the phrase itself.
    expect(phrase).toContain('No articles match **"Ukraine Kim"**.');
    expect(phrase).not.toContain('Did you mean');
    // "Jung" is in no article: the close forms are offered.
    expect(unknown).toContain('Did you mean:');
    expect(unknown).toContain('`kim yo jong`');
    expect(both).toContain('No results for **troops** with those filters (in Daily NK, until 2023-12-31) — **4** without them.');
  }, 60_000);
});
