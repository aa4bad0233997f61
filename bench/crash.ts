/** `npm run crash`: 20 SIGKILL-and-restart iterations at random moments; prints a table and exits 1 on any loss or duplicate. */
import { runCrashIterations } from '../test/crash/crash.ts';

const results = await runCrashIterations(20);
let bad = 0;
console.log('| # | killed after ms | articles | duplicates | indexed | digest posts (expected) | integrity |\n| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
results.forEach((r, i) => {
  const ok = r.integrity === 'ok' && r.duplicates === 0 && r.articles === 405 && r.indexed === r.articles && r.digestPosts === r.expectedDigestPosts;
  if (!ok) bad++;
  console.log(`| ${i + 1} | ${r.killedAfterMs} | ${r.articles} | ${r.duplicates} | ${r.indexed} | ${r.digestPosts} (${r.expectedDigestPosts}) | ${r.integrity}${ok ? '' : ' ✗'} |`);
});
console.log(`\n${results.length - bad} of ${results.length} iterations clean.`);
process.exit(bad ? 1 : 0);
