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
import { scoreSpeakers, speakersWith, tunedSetLines, type ScoredQuotation } from '../test/helpers/quote-score.ts';

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

/** A determiner-led subject is kept whole; else its last proper-noun run; a pronoun takes the last run in the 3 paragraphs before. */
function withWink(article: Pick<Article, 'body'>): ScoredQuotation[] {
  return speakersWith(article, (subject, before) => {
    const tokens = tagged(subject);
    if (tokens[0]?.pos === 'DET') return subject;
    if (tokens.some((t) => t.pos === 'PROPN')) return properRuns(tokens).pop()!;
    if (tokens.some((t) => t.pos === 'PRON')) return properRuns(tagged(before(3))).pop() ?? null;
    return subject;
  });
}

const report = scoreSpeakers(withWink);
console.log('speaker resolution: wink-nlp with wink-eng-lite-web-model');
for (const l of tunedSetLines(report)) console.log(l);
if (process.argv.includes('--misses')) for (const m of report.misses) console.log(`${m.label.article} [${m.label.category}] “${m.label.start}” want ${m.label.speaker} · got ${m.resolved}`);
