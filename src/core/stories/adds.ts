import type { Article } from '../article.ts';
import { splitSentences } from '../text/sentences.ts';
import { contentWords } from './minhash.ts';

/** Fewest new content words for a sentence to count as something a report adds. */
const MIN_NEW_WORDS = 3;

/**
 * What each report of a story adds to the ones before it (reports in time order): the sentence
 * with the most content words no earlier report used, or null when it adds nothing new (a
 * straight copy). The first report's entry is its opening sentence.
 */
export function whatEachAdds(reports: Array<Pick<Article, 'title' | 'body'>>): Array<string | null> {
  const known = new Set<string>();
  return reports.map((a, i) => {
    const sentences: string[] = [];
    for (const para of a.body) for (const span of splitSentences(para)) sentences.push(para.slice(span.start, span.end).trim());
    let best: string | null = null;
    let bestNew = 0;
    if (i === 0) best = sentences.find((x) => x.length > 0) ?? null;
    else {
      for (const sentence of sentences) {
        const words = new Set(contentWords(sentence));
        let fresh = 0;
        for (const w of words) if (!known.has(w)) fresh++;
        if (fresh >= MIN_NEW_WORDS && fresh > bestNew) {
          best = sentence;
          bestNew = fresh;
        }
      }
    }
    for (const w of contentWords(`${a.title}\n${a.body.join('\n')}`)) known.add(w);
    return best;
  });
}
