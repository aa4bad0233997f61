/** `npm run load`: 2,000 interactions at 50 concurrent (two identical rounds of 1,000) through the Discord emulator. */
import { runLoad } from '../test/load/load.ts';

const report = await runLoad({ perRound: 1000, rounds: 2, concurrency: 50 });
const growth = report.memory.length === 2 ? ((report.memory[1]!.heapMiB - report.memory[0]!.heapMiB) / report.memory[0]!.heapMiB) * 100 : NaN;
console.log(`| measure | value |
| --- | ---: |
| interactions (search, autocomplete, paging) | ${report.interactions} at ${report.concurrency} concurrent |
| time to ack p50 / p99 | ${report.ackMs.p50} ms / ${report.ackMs.p99} ms |
| time to final response p50 / p99 | ${report.finalMs.p50} ms / ${report.finalMs.p99} ms |
| failures | ${report.failures} |
| payloads refused by the emulator | ${report.refused} |
| background source refreshes during the run | ${report.ingests} |
| bot heap after round 1 / round 2 | ${report.memory[0]?.heapMiB} MiB / ${report.memory[1]?.heapMiB} MiB (${growth.toFixed(1)} %) |`);
if (report.failures) console.log(report.failureSamples.join('\n'));
/**
 * Thresholds (moved here from the test suite, which must pass on a busy machine): acks well inside
 * Discord's 3 s, and no heap growth from one identical round to the next beyond noise.
 */
const problems: string[] = [];
if (report.failures) problems.push(`${report.failures} failures`);
if (report.refused) problems.push(`${report.refused} payloads refused`);
if (!(report.ackMs.p99 < 3000)) problems.push(`ack p99 ${report.ackMs.p99} ms (limit 3,000)`);
const [first, second] = report.memory;
if (first && second && !(second.heapMiB <= first.heapMiB * 1.1 + 8)) problems.push(`heap grew ${first.heapMiB} → ${second.heapMiB} MiB (limit +10 % + 8 MiB)`);
if (problems.length) console.log(`FAILED: ${problems.join('; ')}`);
process.exit(problems.length ? 1 : 0);
