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
process.exit(report.failures === 0 && report.refused === 0 ? 0 : 1);
