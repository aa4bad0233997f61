/**
 * `npm run quote-score:nlp`: the same labelled set scored with the speaker chosen by the
 * compromise NLP library (people/organisation/noun-phrase tagging; it has no coreference, so a
 * pronoun takes the last person compromise tagged before the quotation) instead of the
 * hand-written rules of src/core/quotes/. Quotation spans and attribution clauses are the
 * project's own, so only speaker resolution is compared. Benchmark only: compromise is a
 * devDependency and never runs in the bot.
 */
import nlp from 'compromise';
import type { Article } from '../src/core/article.ts';
import { attributionOf } from '../src/core/quotes/attribution.ts';
import { findQuoteSpans, MIN_WORDS } from '../src/core/quotes/find.ts';
import { ratio, scoreSpeakers, type ScoredQuotation, type Tally } from '../test/helpers/quote-score.ts';

function mask(p: string, spans: Array<{ open: number; close: number }>): string {
  let out = p;
  for (const s of spans) out = out.slice(0, s.open + 1) + out.slice(s.open + 1, s.close).replace(/[^\s]/g, 'q') + out.slice(s.close);
  return out;
}

function lastPerson(text: string): string | null {
  const people = nlp(text).people().out('array') as string[];
  return people.length ? people[people.length - 1]!.replace(/[,.;:]$/, '') : null;
}

function withCompromise(article: Pick<Article, 'body'>): ScoredQuotation[] {
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
        const doc = nlp(clause.subject);
        const people = doc.people().out('array') as string[];
        const orgs = doc.organizations().out('array') as string[];
        if (people.length) speaker = people[0]!;
        else if (orgs.length) speaker = orgs[0]!;
        else if (doc.pronouns().found) {
          const before = [...article.body.slice(0, pi), masked.slice(0, s.open)].join('\n');
          speaker = lastPerson(before);
        } else speaker = (doc.nouns().out('array') as string[])[0] ?? clause.subject;
      }
      speaker ??= previous;
      if (speaker) previous = speaker;
      out.push({ text: s.text, speaker: speaker?.replace(/[,.;:]$/, '') ?? null });
    });
  });
  return out;
}

const report = scoreSpeakers(withCompromise);
const line = (name: string, t: Tally) => `${name.padEnd(22)} ${String(t.labels).padStart(4)}  recall ${ratio(t.found, t.labels).padEnd(18)} accuracy ${ratio(t.right, t.labels)}`;
console.log('speaker resolution: compromise', (nlp as unknown as { version: string }).version);
console.log(line('all', report.all));
console.log(line('dev (tuned on)', report.dev));
console.log(line('held-out', report.heldOut));
console.log(line('  round 1 (seen once)', report.heldOut1));
console.log(line('  round 2', report.heldOut2));
console.log(line('  round 3 (fresh)', report.heldOut3));
for (const [c, t] of Object.entries(report.byCategory).sort()) console.log(line(`  ${c}`, t));
if (process.argv.includes('--misses')) for (const m of report.misses) console.log(`${m.label.article} [${m.label.category}] “${m.label.start}” want ${m.label.speaker} · got ${m.resolved}`);
