import { describe, expect, it } from 'vitest';
import { findQuotations, matchQuotations } from '../src/core/quotes.ts';
import { seedArticles } from './helpers/seed-articles.ts';

const seeds = seedArticles();

describe('findQuotations over the seeds', () => {
  it.each([
    ['000', 'On March 23, the Kimchaek party committee', 'a source in North Hamgyong Province told Daily NK'],
    ['000', 'The order included specific instructions', 'a source in North Hamgyong Province told Daily NK'],
    ['000', 'I’ll only feel at ease if I actually hear', 'they say'],
    ['001', 'Political and security departments across the military', 'the source said'],
    ['001', 'The Ministry of State Security has designated', 'the source revealed'],
    ['001', 'Provincial branches must now monitor', 'the source revealed'],
    ['002', 'The bodies of the fallen soldiers started arriving', 'the source said'],
    ['003', 'On Oct. 23, students at my university', 'he said'],
    ['003', 'Currently, each faculty department', 'he said'],
    ['003', 'They didn’t take it seriously', 'he said'],
    ['004', 'Comrade Kim Yo Jong issued an order', 'the source told Daily NK'],
    ['004', 'are a blemish and bring shame', 'According to the source, Kim stated in the order'],
    ['004', 'Party officials at the municipal and county level', 'the source said'],
    ['004', 'A range of small items to provide as gifts', 'he added'],
  ])('seed %s: “%s…” — %s', (seed, start, attribution) => {
    const q = findQuotations(seeds.get(seed)!).find((x) => x.text.startsWith(start));
    expect(q, `quotation starting "${start}"`).toBeDefined();
    expect(q!.attribution).toBe(attribution);
  });

  it('skips scare quotes of fewer than four words', () => {
    const texts = [...seeds.values()].flatMap((a) => findQuotations(a).map((q) => q.text));
    for (const scare of ['human trash', 'rumor', 'issues', 'complex social backgrounds', 'complete solidarity,']) expect(texts).not.toContain(scare);
  });

  it('strips the quote marks and keeps the words exactly', () => {
    const q = findQuotations(seeds.get('002')!)[0]!;
    expect(q.text).toBe('The bodies of the fallen soldiers started arriving in the homeland via trains from Moscow to Pyongyang');
    expect(q.paragraphIndex).toBe(9);
  });

  it('handles straight quotes and a missing attribution', () => {
    const quotes = findQuotations({ body: ['"We will not stop reporting on this story," the editor said.', '"This one has no speaker at all in the text."'] });
    expect(quotes).toEqual([
      { text: 'We will not stop reporting on this story', attribution: 'the editor said', paragraphIndex: 0 },
      { text: 'This one has no speaker at all in the text.', attribution: null, paragraphIndex: 1 },
    ]);
  });
});

describe('matchQuotations', () => {
  it('returns only quotations containing the terms, marked, best first', () => {
    const found = matchQuotations(seeds.get('003')!, [{ query: 'rumor', forms: ['rumor', 'rumors'] }]);
    expect(found.map((q) => q.marked)).toEqual([
      'Do not try to find out information that the government has not told you. Our participation in the Ukraine War is a **rumor**.',
      'On Oct. 23, students at my university were told to anonymously report anyone who had spread the **rumors**',
      'Currently, each faculty department is holding a meeting to find out who is spreading these **rumors**.',
      'They didn’t take it seriously and treated it as just another **rumor**.',
    ]);
    expect(found.every((q) => q.covered === 1)).toBe(true);
  });
});
