import { describe, expect, it } from 'vitest';
import { findQuotations, matchQuotations } from '../src/core/quotes/index.ts';
import { newsroomFixture } from './helpers/newsroom-fixture.ts';
import { seedArticles } from './helpers/seed-articles.ts';

const seeds = seedArticles();

describe('findQuotations over the seeds: resolved speaker, channel and raw clause', () => {
  it.each([
    ['000', 'On March 23, the Kimchaek party committee', 'a source in North Hamgyong Province', 'Daily NK', 'a source in North Hamgyong Province told Daily NK recently'],
    ['000', 'The order included specific instructions', 'a source in North Hamgyong Province', 'Daily NK', null],
    ['000', 'I’m fine. I’m on outside duty', 'response letters', null, 'There are also claims that response letters are often written by superior officers, with messages like'],
    ['000', 'I’ll only feel at ease if I actually hear', 'families with children in the military', null, 'they say'],
    ['000', 'not to be swayed by needless rumors', 'some party organizations', null, 'Some party organizations have responded with threats, telling families'],
    ['001', 'maximum inspections of mail', 'the directive', null, 'The directive, sent to political and security departments across military commands, headquarters, and training centers, called for'],
    ['001', 'fabrications resulting from enemy schemes', 'the new directive', null, 'The new directive labels such rumors as'],
    ['001', 'even the slightest spread or mention', 'the new directive', null, 'and warns'],
    ['001', 'Political and security departments across the military', 'a military source', 'Daily NK', 'the source said'],
    ['001', 'The Ministry of State Security has designated', 'a military source', 'Daily NK', 'the source revealed'],
    ['001', 'Provincial branches must now monitor', 'a military source', 'Daily NK', null],
    ['002', 'The bodies of the fallen soldiers started arriving', 'a source inside the North', 'Sand Times', 'the source said, adding that funerals were conducted secretly as soon as the bodies arrived'],
    ['003', 'over the next several weeks', 'the Pentagon', null, 'Earlier this week, the Pentagon announced'],
    ['003', 'Do not try to find out information', 'North Korea’s Ministry of State Security', null, null],
    ['003', 'On Oct. 23, students at my university', 'a university student in Ryanggang province', 'RFA Korean', 'he said'],
    ['003', 'Currently, each faculty department', 'a university student in Ryanggang province', 'RFA Korean', null],
    ['003', 'The news of North Korean troops’ participation', 'a university student in Ryanggang province', 'RFA Korean', 'he said'],
    ['003', 'The families are anxious', 'a resident of the northern province of Ryanggang', 'Radio Free Asia', expect.stringMatching(/^he said, adding that/)],
    ['003', 'They didn’t take it seriously', 'a resident of the northern province of Ryanggang', 'Radio Free Asia', null],
    ['003', 'Nowadays, the trend is to have one child', 'a resident of the northern province of Ryanggang', 'Radio Free Asia', null],
    ['004', 'provide encouragement and education', 'Kim Yo Jong', null, 'Kim Yo Jong, the sister of North Korean leader Kim Jong Un, recently instructed officials throughout the country to'],
    ['004', 'Comrade Kim Yo Jong issued an order', 'a Daily NK source in the country', 'Daily NK', 'the source told Daily NK on June 11'],
    ['004', 'are a blemish and bring shame', 'Kim Yo Jong', null, 'According to the source, Kim stated in the order'],
    ['004', 'to take the lead in embracing', 'the order', null, 'The order further directed party and judicial authorities'],
    ['004', 'they are the families of defectors', 'Kim Yo Jong’s order', null, 'Her order further noted'],
    ['004', 'material and political encouragement', 'Kim Yo Jong’s order', null, expect.stringMatching(/^Kim’s order encouraged officials/)],
    ['004', 'A range of small items to provide as gifts', 'a Daily NK source in the country', 'Daily NK', 'he added'],
  ])('seed %s: “%s…” — %s (told %s)', (seed, start, speaker, told, attribution) => {
    const q = findQuotations(seeds.get(seed)!).find((x) => x.text.startsWith(start));
    expect(q, `quotation starting "${start}"`).toBeDefined();
    expect({ speaker: q!.speaker, told: q!.told, attribution: q!.attribution }).toEqual({ speaker, told, attribution });
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
});

describe('findQuotations: marks and speakers in small texts', () => {
  it.each([
    ['straight quotes; the next paragraph’s quotation continues the speaker', ['"We will not stop reporting on this story," the editor said.', '"This one has no clause of its own."'], [
      ['We will not stop reporting on this story', 'the editor', 'the editor said'],
      ['This one has no clause of its own.', 'the editor', null],
    ]],
    ['no speaker anywhere', ['"Nobody in this text says these words."'], [['Nobody in this text says these words.', null, null]]],
    ['mixed marks pair up; a surname resolves to the full name', ['White House Press Secretary Stephanie Grisham spoke.', '"A great day for all of us!” Grisham said.'], [
      ['A great day for all of us!', 'Stephanie Grisham', 'Grisham said'],
    ]],
    ['an unclosed paragraph runs on; "he" follows the last speaker', ['Coach Bruce Boudreau talked to the team.', '“You’ve beaten some really good teams,” he said. “So if you start believing', '“I said the same thing before, in Washington.”'], [
      ['You’ve beaten some really good teams', 'Bruce Boudreau', 'he said'],
      ['So if you start believing', 'Bruce Boudreau', null],
      ['I said the same thing before, in Washington.', 'Bruce Boudreau', null],
    ]],
    ['verb first, appositive trimmed, channel kept', ['“Stadia has been built from the ground up,” says Jack Buser, director for games at Google, who told The Hollywood Reporter more.'], [
      ['Stadia has been built from the ground up', 'Jack Buser', expect.stringMatching(/^says Jack Buser/)],
    ]],
    ['two speakers alternating with "he said"', [
      'A resident of Ryanggang province told RFA that prices rose.',
      'A student in the same province said classes stopped.',
      '“We were told to report anyone,” he said.',
      'Families are worried, the resident said.',
      '“Nobody believes the official story now,” he said.',
    ], [
      ['We were told to report anyone', 'a student in Ryanggang province', 'he said'],
      ['Nobody believes the official story now', 'a resident of Ryanggang province', 'he said'],
    ]],
    ['a reporting verb in the present tense after the quotation', ['Maria Lopez runs the design studio.', '“We threw away a hundred prototypes before this one,” admits Maria Lopez, the head of design.', '“Nobody believed the hinge would ever work,” jokes Lopez.'], [
      ['We threw away a hundred prototypes before this one', 'Maria Lopez', expect.stringMatching(/^admits Maria Lopez/)],
      ['Nobody believed the hinge would ever work', 'Maria Lopez', 'jokes Lopez'],
    ]],
    ['a surname ending the sentence resolves to the full name', ['Harbour master Lewis Ward watched the boats come in.', '“The tide turned early this year,” says Ward.'], [
      ['The tide turned early this year', 'Lewis Ward', 'says Ward'],
    ]],
    ['a relative clause inside the appositive; the place after it is no speaker', ['Anna Berg, a former adviser who has since joined a university in Oslo, Norway, has warned that “rates will have to rise again next year.”'], [
      ['rates will have to rise again next year.', 'Anna Berg', expect.stringMatching(/^Anna Berg, a former/)],
    ]],
    ['a pronoun right before the verb is the subject', ['Coach Mark Ellis spoke after the game.', 'Earlier he said, “We will need every player fit for the final.”'], [
      ['We will need every player fit for the final.', 'Mark Ellis', 'Earlier he said'],
    ]],
    ['"The Berger family winery" is no person "he" could mean', ['Peter Hahn runs the estate next door.', 'The Berger family winery has made wine since 1900, and in 2011 winemaker Paul Berger won a national prize.', 'Berger regards the grape with admiration.', '“It is smoother than the others, and more elegant,” he says.'], [
      ['It is smoother than the others, and more elegant', 'Paul Berger', 'he says'],
    ]],
  ])('%s', (_name, body, expected) => {
    expect(findQuotations({ body: body as string[] }).map((q) => [q.text, q.speaker, q.attribution])).toEqual(expected);
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

describe('Newsroom.quotes by speaker', () => {
  it('returns every quotation of one speaker (and their orders) without a query, suggests speakers, and needs a query or a speaker', async () => {
    const { newsroom } = await newsroomFixture();
    const scope = { guildId: 'g1' };
    const { quotes } = (await newsroom.quotes(scope, '', 8, 'kim yo jong'));
    expect(quotes.map((q) => [q.quote.speaker, q.quote.text.split(' ').slice(0, 4).join(' ')])).toEqual([
      ['Kim Yo Jong', 'provide encouragement and education'],
      ['Kim Yo Jong', 'are a blemish and'],
      ['Kim Yo Jong’s order', 'they are the families'],
      ['Kim Yo Jong’s order', 'material and political encouragement.'],
    ]);
    expect((await newsroom.suggestSpeakers(scope, 'ryang'))).toEqual([
      { name: 'a resident of the northern province of Ryanggang', quotes: 4 },
      { name: 'a university student in Ryanggang province', quotes: 4 },
    ]);
    expect((await newsroom.suggestSpeakers(scope, 'pent'))).toEqual([{ name: 'the Pentagon', quotes: 1 }]);
    await expect(newsroom.quotes(scope, '  ', 8, ' ')).rejects.toMatchObject({ id: 'quote.nothing-asked', message: 'Give words the quotation should contain, a speaker, or both.' });
    expect((await newsroom.quotes(scope, 'rumors', 8, 'Nobody Here')).quotes).toEqual([]);
  });

  it('learns speakers at ingest, forgets them on removal, and shows each server only its own sources', async () => {
    const { newsroom, source, ingest } = await newsroomFixture();
    const src = (await source('g2'));
    const result = (await ingest(src.id, [{ title: 'Port reopens', body: ['Harbor master Jane Roe spoke on Monday.', '“The port will reopen next week for all ships,” Roe said.'] }]));
    expect((await newsroom.suggestSpeakers({ guildId: 'g2' }, 'roe'))).toEqual([{ name: 'Jane Roe', quotes: 1 }]);
    expect((await newsroom.suggestSpeakers({ guildId: 'g1' }, 'roe'))).toEqual([]);
    expect((await newsroom.quotes({ guildId: 'g2' }, 'port', 8, 'Jane Roe')).quotes.map((q) => q.quote.speaker)).toEqual(['Jane Roe']);
    newsroom.unindexArticles(result.inserted.map((a) => a.id));
    expect((await newsroom.suggestSpeakers({ guildId: 'g2' }, 'roe'))).toEqual([]);
  });
});

// A quotation left open at the end of one paragraph and closed in the next without a new opening
// mark (press-release style; the Isuzu item of the rss-parser customfields feed).
describe('a quotation that runs into the next paragraph without an opening mark', () => {
  it('is found in both paragraphs and keeps its speaker', async () => {
    const fs = await import('node:fs');
    const { parseFeed } = await import('../src/core/feeds/parse-feed.ts');
    const feed = parseFeed(fs.readFileSync('../shared/corpora/feeds/rss-parser/input/customfields.rss', 'utf8'), { url: 'http://127.0.0.1/feed', now: new Date('2026-01-01T00:00:00Z') });
    const found = findQuotations({ body: feed.items[0]!.body }).map((q) => [q.paragraphIndex, q.text.slice(0, 40), q.speaker]);
    expect(found).toEqual([
      [4, 'The ISUZU mu-X is the perfect SUV for th', 'Hitoshi Kono'],
      [5, 'The Indian market for SUVs is now coming', 'Hitoshi Kono'],
      [6, 'The Trident Group has been a proud repre', 'Samir Choudhry'],
    ]);
  });
});
