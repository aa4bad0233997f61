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
import { scoreSpeakers, speakersWith, tunedSetLines, type ScoredQuotation } from '../test/helpers/quote-score.ts';

function lastPerson(text: string): string | null {
  const people = nlp(text).people().out('array') as string[];
  return people.length ? people[people.length - 1]!.replace(/[,.;:]$/, '') : null;
}

/** compromise's people, then organisations; a pronoun takes the last person tagged before; else the first noun. */
function withCompromise(article: Pick<Article, 'body'>): ScoredQuotation[] {
  return speakersWith(article, (subject, before) => {
    const doc = nlp(subject);
    const people = doc.people().out('array') as string[];
    const orgs = doc.organizations().out('array') as string[];
    const speaker = people[0] ?? orgs[0] ?? (doc.pronouns().found ? lastPerson(before(Infinity)) : ((doc.nouns().out('array') as string[])[0] ?? subject));
    return speaker?.replace(/[,.;:]$/, '') ?? null;
  });
}

const report = scoreSpeakers(withCompromise);
console.log('speaker resolution: compromise', (nlp as unknown as { version: string }).version);
for (const l of tunedSetLines(report)) console.log(l);
if (process.argv.includes('--misses')) for (const m of report.misses) console.log(`${m.label.article} [${m.label.category}] “${m.label.start}” want ${m.label.speaker} · got ${m.resolved}`);
