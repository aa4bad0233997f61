import { describe, expect, it } from 'vitest';
import { articleText } from '../src/core/article.ts';
import { buildExcerpt, EXCERPT_MAX, type TermSpec } from '../src/core/excerpt.ts';
import { ArticleIndex } from '../src/core/search/article-index.ts';
import { parseQuery } from '../src/core/search/query.ts';
import { tokenizeWithOffsets } from '../src/core/text/tokenize.ts';
import { seedArticles } from './helpers/seed-articles.ts';

const seeds = seedArticles();
const index = new ArticleIndex((id) => [...seeds.values()].find((a) => a.id === id));
index.addMany([...seeds.values()].map((article) => ({ article })));

/** The excerpt of the best hit, built from the index's term specs as /search does. */
function excerptFor(query: string, seed: string) {
  const article = seeds.get(seed)!;
  const hit = index.search(parseQuery(query), {}, { limit: 10 }).hits.find((h) => h.id === article.id);
  expect(hit, `${query} should find seed ${seed}`).toBeDefined();
  return buildExcerpt(article, hit!.terms);
}

/** Undo escapes and marks: what a reader sees. */
function unmark(text: string): string {
  return text.replace(/\*\*/g, '').replace(/\\([\\*_~`|[\]()<>#\-.])/g, '$1').replace(/@\u200b/g, '@');
}

describe('buildExcerpt: exact excerpts', () => {
  it.each([
    ['letters of encouragement', '000', 'Families with sons and daughters serving in the military have been ordered to write **letters** of **encouragement**, Daily NK has learned.'],
    ['Storm Corps', '002', 'Candidates were selected primarily from troops belonging to North Korea’s **Storm Corps**, a special forces unit, in October of last year, Seoul-based Sand Times reported on Monday, citing a source inside the North.'],
    ['Pentagon 10,000 troops', '003', 'Earlier this week, the **Pentagon** announced that North Korea has sent some **10,000 troops** to Russia, and that they will likely be sent to fight against Ukraine “over the next several weeks.”'],
    ['"human trash"', '004', 'North Korea has recently referred to defectors as “**human trash**” and has conducted large-scale public campaigns to criticize them.'],
    ['rumours', '001', 'North Korean authorities have launched a harsh crackdown to suppress **rumors** about their troops being captured in Ukraine, Daily NK has learned.'],
    ['death notices', '002', 'Separately, the source told Sand Times that **death notices** for North Korean soldiers who died after being deployed began to be delivered to their families at the end of November last year.'],
    ['Zelenskyy', '002', 'Its leader Volodymyr **Zelenskyy** estimated that an additional 20,000 to 25,000 North Korean soldiers could be sent to Russia.'],
    ['Kim Il Sung University', '003', 'The ministry sent investigators on Oct. 21 to the nation’s top school **Kim Il Sung University**, and also to the Pyongyang **University** of Music and Dance, the student told RFA Korean.'],
    ['encourag', '004', 'Kim’s order **encouraged** officials to seek out the families of defectors who have remained loyal to offer “material and political **encouragement**.”'],
  ])('%s on seed %s', (query, seed, expected) => {
    expect(excerptFor(query, seed).text).toBe(expected);
  });

  it('prefers two sentences when the second brings a missing term', () => {
    const article = { title: 'T', body: ['The troops moved north at dawn. Officials in Pyongyang denied it. Later, rumors spread.'] };
    const terms: TermSpec[] = [
      { query: 'troops', forms: ['troops'] },
      { query: 'pyongyang', forms: ['pyongyang'] },
    ];
    expect(buildExcerpt(article, terms).plain).toBe('The troops moved north at dawn. Officials in Pyongyang denied it.');
  });

  it('quotes the lead when only the title matched', () => {
    const article = { title: 'Troops', body: ['First sentence here. Second one.', 'Another paragraph.'] };
    expect(buildExcerpt(article, [{ query: 'zzz', forms: ['zzz'] }]).plain).toBe('First sentence here. Second one.');
  });

  it('trims a long sentence around the match at word boundaries with ellipses', () => {
    const long = `${'word '.repeat(80)}needle ${'more '.repeat(80)}end.`;
    const e = buildExcerpt({ title: 't', body: [long] }, [{ query: 'needle', forms: ['needle'] }]);
    expect(e.plain.length).toBeLessThanOrEqual(EXCERPT_MAX);
    expect(e.plain.startsWith('…')).toBe(true);
    expect(e.plain.endsWith('…')).toBe(true);
    expect(e.text).toContain('**needle**');
    expect(e.plain).toMatch(/^…\w+ .* \w+…$/);
  });

  it('escapes markdown and mentions from the source text without breaking the marks', () => {
    const e = buildExcerpt({ title: 't', body: ['Officials said **nothing** about <@&1> or @everyone and the_troops moved.'] }, [{ query: 'troops', forms: ['troops'] }]);
    expect(e.text).toBe('Officials said \\*\\*nothing\\*\\* about \\<@&1\\> or @\u200beveryone and the\\_**troops** moved.');
  });
});

describe('buildExcerpt: invariants over every seed and realistic queries', () => {
  const queries = ['troops', 'rumors', 'Kim Jong Un', 'defectors families', 'Russia Ukraine war', 'party committee', 'letters', 'soldiers deployed', 'Ministry of State Security', 'university students', 'encourag', 'rumours', '"complex social backgrounds"', 'pork', 'Hoeryong'];
  for (const q of queries) {
    it(q, () => {
      const parsed = parseQuery(q);
      for (const hit of index.search(parsed, {}, { limit: 10 }).hits) {
        const article = [...seeds.values()].find((a) => a.id === hit.id)!;
        const e = buildExcerpt(article, hit.terms);
        expect(e.plain.length).toBeLessThanOrEqual(EXCERPT_MAX);
        // A substring of the article modulo the ellipses, starting and ending on whole words.
        const core = e.plain.replace(/^…/, '').replace(/…$/, '');
        expect(articleText(article)).toContain(core);
        expect(core).toMatch(/^[\p{L}\p{N}“"‘(]/u);
        expect(core).toMatch(/[\p{L}\p{N}.!?”"’)…]$/u);
        // The reader sees exactly the plain text.
        expect(unmark(e.text)).toBe(e.plain);
        // Every word of the excerpt that matched a query form is bold.
        const forms = new Set(hit.terms.filter((t) => !t.phrase).flatMap((t) => t.forms));
        for (const tok of tokenizeWithOffsets(core)) {
          if (forms.has(tok.term)) expect(e.text).toContain(core.slice(tok.start, tok.end));
        }
        const boldWords = [...e.text.matchAll(/\*\*(.+?)\*\*/g)].map((m) => m[1]!);
        for (const tok of tokenizeWithOffsets(core)) {
          if (forms.has(tok.term)) expect(boldWords.some((b) => b.includes(core.slice(tok.start, tok.end)))).toBe(true);
        }
      }
    });
  }
});
