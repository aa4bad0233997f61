/**
 * `npm run quote-train [-- --check]`: trains the learned speaker ranker (src/core/quotes/ranker.ts) on every
 * labelled quotation of the rounds tuned on (tuned set + held-out rounds 1–9), writes its weights to
 * src/core/quotes/ranker-weights.json (deterministic: same labels, same file), and prints how it
 * does on data it was not trained on: article-grouped 10-fold cross-validation (each fold scored by
 * a model trained on the other nine) and rounds 6–9 when trained on the tuned set and rounds 1–5
 * only, with the rule resolver's numbers (now, tuned on those rounds) beside them. Two models are measured: with
 * the rule resolver's pick as features ("hybrid") and without them ("learned only"); SHIPPED says
 * which one is written. `--check` writes nothing and fails if the stored weights differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crossValidate, loadRankExamples, rankerRight, RULE_FEATURES, trainRanker, type RankExample, type TrainOptions } from '../test/helpers/quote-ranker.ts';
import { ratio } from '../test/helpers/quote-score.ts';
import { ROOT } from '../test/helpers/bot-process.ts';

export const WEIGHTS_FILE = path.join(ROOT, 'src', 'core', 'quotes', 'ranker-weights.json');
/** Which model ships (chosen by round 9's first-sight scores, see docs/quality.md). */
export const SHIPPED: 'hybrid' | 'learned only' = 'learned only';

const examples = loadRankExamples();
const models: Record<string, Partial<TrainOptions>> = { hybrid: {}, 'learned only': { without: RULE_FEATURES } };
const rules = (xs: readonly RankExample[]) => xs.filter((e) => e.ruleRight).length;

console.log(`${examples.length} labelled quotations; a candidate naming the labelled speaker exists for ${ratio(examples.filter((e) => e.gold.some(Boolean)).length, examples.length)}`);
for (const [name, options] of Object.entries(models)) {
  const cv = crossValidate(examples, 10, options);
  const accs = cv.folds.map((f) => f.right / f.labels);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / (accs.length - 1));
  console.log(`\n${name}: 10-fold cross-validation grouped by article: ${ratio(cv.right, cv.labels)}; per fold mean ${mean.toFixed(3)} ± ${sd.toFixed(3)} (min ${Math.min(...accs).toFixed(3)}, max ${Math.max(...accs).toFixed(3)})`);
  console.log(`  folds: ${cv.folds.map((f) => `${f.right}/${f.labels}`).join(' ')}`);
  console.log(`  rule resolver on the same labels (tuned on all of them): ${ratio(cv.ruleRight, cv.labels)}`);
  const train = examples.filter((e) => e.round <= 5);
  const weights = trainRanker(train, options);
  for (const round of [6, 7, 8, 9]) {
    const test = examples.filter((e) => e.round === round);
    console.log(`  not trained on, round ${round} (trained on the tuned set + rounds 1–5): ${ratio(test.filter((e) => rankerRight(e, weights)).length, test.length)}; rule resolver now ${ratio(rules(test), test.length)}`);
  }
  const test = examples.filter((e) => e.round >= 6);
  console.log(`  not trained on, rounds 6–9 pooled: ${ratio(test.filter((e) => rankerRight(e, weights)).length, test.length)}; rule resolver now ${ratio(rules(test), test.length)} (its own first scores: 0.830, 112/135 on rounds 6–8; 0.789, 56/71 on round 9)`);
}

const shipped = trainRanker(examples, models[SHIPPED]);
const text = `${JSON.stringify(shipped, null, 1)}\n`;
if (process.argv.includes('--check')) {
  const same = fs.existsSync(WEIGHTS_FILE) && fs.readFileSync(WEIGHTS_FILE, 'utf8') === text;
  console.log(`\n${WEIGHTS_FILE}: ${same ? 'up to date' : 'DIFFERS from a fresh training'}`);
  if (!same) process.exitCode = 1;
} else {
  fs.writeFileSync(WEIGHTS_FILE, text);
  console.log(`\nwrote ${SHIPPED} model, ${Object.keys(shipped).length} weights, training accuracy ${ratio(examples.filter((e) => rankerRight(e, shipped)).length, examples.length)} → ${path.relative(ROOT, WEIGHTS_FILE)}`);
}
