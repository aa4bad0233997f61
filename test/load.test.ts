import { describe, expect, it } from 'vitest';
import { runLoad } from './load/load.ts';

describe('load (short; `npm run load` is the full run)', () => {
  it('answers 2 × 120 interactions at 20 concurrent while a source ingests, with no failure and no memory growth', async () => {
    const report = await runLoad({ perRound: 120, rounds: 2, concurrency: 20 });
    console.log(JSON.stringify(report));
    expect(report.failures).toBe(0);
    expect(report.refused).toBe(0);
    expect(report.ackMs.p99).toBeLessThan(3000);
    expect(report.ingests).toBeGreaterThan(0);
    const [first, second] = report.memory;
    expect(second!.heapMiB).toBeLessThanOrEqual(first!.heapMiB * 1.1 + 8);
  }, 180_000);
});
