/**
 * `npm run quote-score [-- --misses]`: quotation recall and speaker-attribution accuracy over the
 * hand-labelled quotations in test/fixtures/quote-speakers.json, overall, per category and for
 * the held-out articles.
 */
import { findQuotations } from '../src/core/quotes.ts';
import { ratio, scoreSpeakers, type Tally } from '../test/helpers/quote-score.ts';

const report = scoreSpeakers((article) => findQuotations(article).map((q) => ({ text: q.text, speaker: process.argv.includes('--raw') ? q.attribution : q.speaker })), process.argv.includes('--lenient'));
const line = (name: string, t: Tally) => `${name.padEnd(22)} ${String(t.labels).padStart(4)}  recall ${ratio(t.found, t.labels).padEnd(18)} accuracy ${ratio(t.right, t.labels)}`;
console.log(line('all', report.all));
console.log(line('dev (tuned on)', report.dev));
console.log(line('held-out', report.heldOut));
console.log(line('  round 1 (seen once)', report.heldOut1));
console.log(line('  round 2', report.heldOut2));
console.log(line('  round 3 (fresh)', report.heldOut3));
for (const [c, t] of Object.entries(report.byCategory).sort()) console.log(line(`  ${c}`, t));
if (process.argv.includes('--misses') || process.argv.includes('--all-misses')) {
  for (const m of report.misses.filter((x) => process.argv.includes('--all-misses') || !x.label.heldOut)) {
    console.log(`${m.label.heldOut ? 'H ' : '  '}${m.label.article} [${m.label.category}] “${m.label.start}” want ${m.label.speaker} · got ${m.found ? (m.resolved ?? 'null') : 'NOT FOUND'}`);
  }
}
