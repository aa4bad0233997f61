import { describe, expect, it } from 'vitest';
import { runCrashIterations } from './crash/crash.ts';

describe('crash (3 iterations here; `npm run crash` runs 20)', () => {
  it('kill -9 at random points during ingest and digest posting loses and doubles nothing', async () => {
    const results = await runCrashIterations(3, 12345);
    console.log(JSON.stringify(results));
    for (const r of results) {
      expect(r.integrity).toBe('ok');
      expect(r.duplicates).toBe(0);
      // 5 seeds + all 400 feed items, whatever the moment of the kill.
      expect(r.articles).toBe(405);
      expect(r.indexed).toBe(r.articles);
      // The hourly digest that became due is posted exactly once (nothing when its window was empty).
      expect(r.digestPosts).toBe(r.expectedDigestPosts);
    }
  }, 300_000);
});
