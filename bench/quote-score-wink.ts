/**
 * `npm run quote-score:wink`: the labelled set scored with the speaker chosen from wink-nlp's
 * part-of-speech tags (wink-eng-lite-web-model has no person entities and no coreference): in the
 * attribution's subject, a noun phrase opened by a determiner is kept whole, otherwise the last run
 * of proper nouns is the speaker; a pronoun takes the last proper-noun run before the quotation.
 * Quotation spans and attribution clauses are the project's own, so only speaker resolution is
 * compared. Benchmark only: wink-nlp is a devDependency and never runs in the bot.
 */
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { Article } from '../src/core/article.ts';
import { attributionOf } from '../src/core/quotes/attribution.ts';
import { findQuoteSpans, MIN_WORDS } from '../src/core/quotes/find.ts';
import { ratio, scoreSpeakers, type ScoredQuotation, type Tally } from '../test/helpers/quote-score.ts';

const nlp = winkNLP(model);
const its = nlp.its;

function tagged(text: string): Array<{ word: string; pos: string }> {
  const doc = nlp.readDoc(text);
  const words = doc.tokens().out() as string[];
  const pos = doc.tokens().out(its.pos) as string[];
  return words.map((word, i) => ({ word, pos: pos[i]! }));
}

function properRuns(tokens: Array<{ word: string; pos: string }>): string[] {
  const runs: string[] = [];
  let cur: string[] = [];
  for (const t of tokens) {
    if (t.pos === 'PROPN') cur.push(t.word);
    else if (cur.length) {
      runs.push(cur.join(' '));
      cur = [];
    }
  }
  if (cur.length) runs.push(cur.join(' '));
  return runs;
}

function mask(p: string, spans: Array<{ open: number; close: number }>): string {
  let out = p;
  for (const s of spans) out = out.slice(0, s.open + 1) + out.slice(s.open + 1, s.close).replace(/[^\s]/g, 'q') + out.slice(s.close);
  return out;
}

function withWink(article: Pick<Article, 'body'>): ScoredQuotation[] {
  const spans = findQuoteSpans(article.body);
  const out: ScoredQuotation[] = [];
  let previous: string | null = null;
  article.body.forEach((p, pi) => {
    const long = spans.filter((s) => s.paragraphIndex === pi && s.words >= MIN_WORDS);
    const masked = mask(p, long);
    long.forEach((s, k) => {
      const clause = attributionOf(masked, s, k > 0 ? long[k - 1]!.close + 1 : 0, k + 1 < long.length ? long[k + 1]!.open : masked.length);
      let speaker: string | null = null;
      if (clause?.subject) {
        const tokens = tagged(clause.subject);
        if (tokens[0]?.pos === 'DET') speaker = clause.subject;
        else if (tokens.some((t) => t.pos === 'PROPN')) speaker = properRuns(tokens).pop()!;
        else if (tokens.some((t) => t.pos === 'PRON')) {
          const before = [...article.body.slice(Math.max(0, pi - 3), pi), masked.slice(0, s.open)].join('\n');
          speaker = properRuns(tagged(before)).pop() ?? null;
        } else speaker = clause.subject;
      }
      speaker ??= previous;
      if (speaker) previous = speaker;
      out.push({ text: s.text, speaker });
    });
  });
  return out;
}

const report = scoreSpeakers(withWink);
const line = (name: string, t: Tally) => `${name.padEnd(22)} ${String(t.labels).padStart(4)}  recall ${ratio(t.found, t.labels).padEnd(18)} accuracy ${ratio(t.right, t.labels)}`;
console.log('speaker resolution: wink-nlp with wink-eng-lite-web-model');
console.log(line('all', report.all));
console.log(line('dev (tuned on)', report.dev));
console.log(line('held-out', report.heldOut));
console.log(line('  round 1 (seen once)', report.heldOut1));
console.log(line('  round 2', report.heldOut2));
console.log(line('  round 3 (fresh)', report.heldOut3));
for (const [c, t] of Object.entries(report.byCategory).sort()) console.log(line(`  ${c}`, t));
if (process.argv.includes('--misses')) for (const m of report.misses) console.log(`${m.label.article} [${m.label.category}] “${m.label.start}” want ${m.label.speaker} · got ${m.resolved}`);
