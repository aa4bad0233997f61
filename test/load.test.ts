import { describe, expect, it } from 'vitest';
import { runLoad } from './load/load.ts';

describe('load (short; `npm run load` is the full run, with the time and memory thresholds)', () => {
  it('answers 2 × 120 interactions at 20 concurrent while a source ingests, with no failure', async () => {
    const report = await runLoad({ perRound: 120, rounds: 2, concurrency: 20 });
    console.log(JSON.stringify(report));
    // Behaviour only: every interaction answered within Discord's deadlines (a late first answer
    // is a failure, 10062, counted here), no payload refused, ingest running meanwhile. How fast
    // and how much memory are measured by `npm run load`, not asserted on a shared machine.
    expect(report.failures).toBe(0);
    expect(report.refused).toBe(0);
    expect(report.ingests).toBeGreaterThan(0);
  }, 400_000);
});
