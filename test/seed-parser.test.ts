import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeArticleId } from '../src/core/article.ts';
import { UserError } from '../src/core/errors.ts';
import { loadSeedDir } from '../src/core/seeds/loader.ts';
import { deriveTitle, detectOutlet, parseSeed, parseStatedDate, TITLE_MAX } from '../src/core/seeds/parser.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Every field of every seed and of our own messy fixtures, exactly. */
const TABLE = [
  {
    file: "seeds/000_ad88b24e68561673.txt",
    title: "Families with sons and daughters serving in the military have been ordered to write letters of encouragement",
    byline: null,
    outlet: "Daily NK",
    dateline: null,
    tags: ["anti-socialist punishment"],
    caption: "North Korean soldiers (KCNA)",
    editors: [],
    publishedAt: null,
    paragraphs: 10,
    first: "Families with sons and daughters serving in the military have been ordered to write letters of encouragement, Daily NK has learned.",
    last: "However, according to the source, families find little comfort in these letters. They say they will only feel better when they hear their child’s voice or see their face.",
  },
  {
    file: "seeds/001_6cc5b3f926024288.txt",
    title: "North Korean authorities have launched a harsh crackdown to suppress rumors about their troops being captured in Ukraine",
    byline: null,
    outlet: "Daily NK",
    dateline: null,
    tags: ["troops", "russia", "ukraine", "war"],
    caption: "The Rodong Sinmun newspaper reported March 7, 2024, that North Korean leader Kim Jong Un had paid a visit the previous day to critical operational and training bases of the Korean People’s Army on the western front and toured training facilities there. The photograph depicts North Korean soldiers doing exercises. (Rodong Sinmun, News 1)",
    editors: [],
    publishedAt: null,
    paragraphs: 8,
    first: "North Korean authorities have launched a harsh crackdown to suppress rumors about their troops being captured in Ukraine, Daily NK has learned.",
    last: "The crackdown extends beyond military personnel to civilians. “The Ministry of State Security has designated soldiers’ families for special ideological inspection,” the source revealed. “Provincial branches must now monitor these families’ monthly movements and conduct ideological indoctrination when deemed necessary.” The order specifies that individuals may face punishment if authorities discover “ideological flaws.”",
  },
  {
    file: "seeds/002_f5ff2c820ca4670b.txt",
    title: "Some of the thousands of soldiers North Korea sent to Russia to fight in Moscow’s war against Ukraine were family…",
    byline: null,
    outlet: "Radio Free Asia",
    dateline: "TAIPEI, Taiwan",
    tags: [],
    caption: null,
    editors: ["Mike Firn", "Stephen Wright"],
    publishedAt: null,
    paragraphs: 15,
    first: "Some of the thousands of soldiers North Korea sent to Russia to fight in Moscow’s war against Ukraine were family members of defectors and other people with “issues” in the North, South Korean media reported.",
    last: "A French travel blogger who was among the first group of Western tourists to visit North Korea in five years told RFA that his tour guides knew that the country’s soldiers were fighting in Russia’s war against Ukraine.",
  },
  {
    file: "seeds/003_4856145c56ddfbf7.txt",
    title: "North Korea Hunting For Source Of Reports On Soldier Deployment To Ukraine Conflict",
    byline: "Moon Sung Whui",
    outlet: "Radio Free Asia",
    dateline: null,
    tags: [],
    caption: null,
    editors: [],
    publishedAt: null,
    paragraphs: 16,
    first: "Authorities in North Korea are searching for the source of reports that North Korean soldiers had been sent to Russia to join in the Ukraine conflict, according to people with knowledge of the situation.",
    last: "“Nowadays, the trend is to have one child in a family, so if a child goes to the military and dies, the family line will be cut off.”",
  },
  {
    file: "seeds/004_39c164ef8ecf0c18.txt",
    title: "Kim Yo Jong, the sister of North Korean leader Kim Jong Un, recently instructed officials throughout the country…",
    byline: null,
    outlet: "Daily NK",
    dateline: null,
    tags: [],
    caption: null,
    editors: [],
    publishedAt: null,
    paragraphs: 15,
    first: "Kim Yo Jong, the sister of North Korean leader Kim Jong Un, recently instructed officials throughout the country to “provide encouragement and education to the families of defectors,” Daily NK has learned.",
    last: "“A range of small items to provide as gifts during the meetings have been prepared in consultation with local people’s committees and food factories. It has been decided that families of defectors in Hoeryong, North Hamgyong Province – where many such families live – will receive a bottle of alcohol, 500 grams of pork, 500 grams of snacks and a bag of candy,” he added.",
  },
  {
    file: "test/fixtures/seeds/100_border_trade.txt",
    title: "Smuggling across the Yalu River has resumed after a two-year lull",
    byline: "Lee Ji-won and Park Min-soo",
    outlet: "Yonhap",
    dateline: null,
    tags: ["border trade", "smuggling", "China"],
    caption: "Trucks wait at the Sinuiju customs gate in 2023. (Yonhap)",
    editors: [],
    publishedAt: null,
    paragraphs: 4,
    first: "Smuggling across the Yalu River has resumed after a two-year lull, traders on both sides of the border said this week.",
    last: "Officials in Beijing did not respond to a request for comment.",
  },
  {
    file: "test/fixtures/seeds/101_ap_shells.txt",
    title: "South Korea’s spy agency said Tuesday that North Korea has shipped more artillery shells to Russia",
    byline: null,
    outlet: "Associated Press",
    dateline: "SEOUL",
    tags: [],
    caption: null,
    editors: [],
    publishedAt: null,
    paragraphs: 4,
    first: "South Korea’s spy agency said Tuesday that North Korea has shipped more artillery shells to Russia, citing satellite imagery and intercepted communications.",
    last: "“The scale of the shipments has not slowed,” said Rep. Park Sun-won, a member of the parliamentary intelligence committee.",
  },
  {
    file: "test/fixtures/seeds/102_resettlement.txt",
    title: "Defectors Describe Life After Resettlement In Seoul",
    byline: "Kim Hana",
    outlet: null,
    dateline: null,
    tags: [],
    caption: null,
    editors: ["Jane Doe", "John Roe", "Sam Poe"],
    publishedAt: "2025-03-03T00:00:00.000Z",
    paragraphs: 3,
    first: "Three years after arriving in South Korea, Choi Eun-ji still keeps a packed bag by her door.",
    last: "“I thought freedom would feel like relief. At first it felt like being lost,” Choi said.",
  },
  {
    file: "test/fixtures/seeds/103_reuters_wrapped.txt",
    title: "North Korea fires ballistic missile toward East Sea, Seoul says",
    byline: "Kim Soo-jin",
    outlet: "Reuters",
    dateline: "SEOUL",
    tags: [],
    caption: null,
    editors: ["Ed Davies", "Michael Perry"],
    // "Published … 7:40 a.m. KST" wins over the later "Updated" line.
    publishedAt: "2025-06-11T22:40:00.000Z",
    paragraphs: 3,
    first: "North Korea fired a ballistic missile off its east coast on Thursday, South Korea's military said, the first such launch since the new government in Seoul took office.",
    last: "\"We strongly condemn the launch,\" Japan's chief cabinet secretary told reporters in Tokyo.",
  },
  {
    file: "test/fixtures/seeds/104_crlf_hashtags.txt",
    title: "Rice Prices Climb In Border Markets As Harvest Falls Short",
    byline: "Choi Yu-na, Han Dong-hyun and Jo Min-ji",
    outlet: "Border Wire",
    dateline: "HYESAN, North Korea",
    tags: ["northkorea", "food", "markets"],
    caption: "Vendors at a market in Hyesan, Ryanggang Province, in a file image.",
    editors: ["Malcolm Foster"],
    publishedAt: null,
    paragraphs: 3,
    first: "Rice prices in markets near the Chinese border have climbed for a sixth straight week, traders told Border Wire.",
    last: "“People are buying what they can before winter,” a trader said.",
  },
  {
    file: "test/fixtures/seeds/105_nknews_more.txt",
    title: "North Korea opens new tourist zone at Wonsan-Kalma",
    byline: "Jeongmin Kim and Colin Zwirko",
    outlet: "NK News",
    dateline: null,
    tags: [],
    caption: null,
    editors: [],
    publishedAt: "2025-03-03T10:00:00.000Z",
    paragraphs: 3,
    first: "North Korea has opened its new Wonsan-Kalma coastal tourist zone to foreign visitors for the first time, according to a travel agency that organizes trips to the country.",
    last: "Tour operators in China said they had not yet received permission to bring groups to the zone.",
  },
];

/** Structure and footer text that must never reach a body paragraph. */
const NOT_BODY = [
  'Read in Korean', 'Leave a Reply', 'Leave a Comment', 'Your email address', 'You must be logged in', 'RELATED STORIES', 'Related:', 'READ MORE', 'Read more:',
  'More from NK News', 'Edited by', 'Translated by', 'Reporting by', 'Please direct any comments', 'mission is', 'permission of', 'All rights reserved',
  'Share this article', 'Contact us', 'Photo:', 'Caption:', 'Published', 'Updated:', '| Reporter', 'Tags:', '#northkorea',
  '‘Family, a home and basic rights’ – North Korean POW in Ukraine dreams of new life',
  'North Korean tour guides know about soldiers dispatched to Ukraine war, tourist says',
  'North Korea sending more troops to Russia, South confirms',
  'China tightens checks at Dandong bridge', 'Russia and North Korea sign defense pact', 'What will Wonsan-Kalma mean for sanctions?',
];

describe('parseSeed: each seed and fixture becomes a clean article', () => {
  it.each(TABLE)('$file', (row) => {
    const a = parseSeed(read(row.file), { fileName: path.basename(row.file) });
    expect({
      title: a.title,
      byline: a.byline,
      outlet: a.outlet,
      dateline: a.dateline,
      tags: a.tags,
      caption: a.caption,
      editors: a.editors,
      publishedAt: a.publishedAt,
      paragraphs: a.body.length,
      first: a.body[0],
      last: a.body.at(-1),
    }).toEqual({ ...row, file: undefined });
    expect(a.url).toBeNull();
    expect(a.sourceId).toBe('seeds');
    expect(a.id).toBe(makeArticleId('seeds', a.title, a.body.join('\n')));
    expect(a.title.length).toBeLessThanOrEqual(TITLE_MAX);
    for (const p of a.body) {
      for (const bad of NOT_BODY) expect(p).not.toContain(bad);
      expect(p).not.toMatch(/^(By\b|Copyright|©|RFA$|Share$|Tweet$|-30-$)/);
      expect(p).toBe(p.trim());
      expect(p).not.toMatch(/\s{2,}|[\u00a0\r\n\t\ufeff]/);
    }
  });

  it('removes 002\'s RELATED STORIES block but keeps the paragraphs after it', () => {
    const a = parseSeed(read('seeds/002_f5ff2c820ca4670b.txt'));
    expect(a.body[10]).toBe('North Korean authorities instructed the bereaved families not to disclose the deaths and to remain quiet without expressing grief, the source said.');
    expect(a.body[11]).toMatch(/^In February, Radio Free Asia reported/);
    expect(a.body[0]).toMatch(/^Some of the thousands of soldiers/);
  });

  it('keeps 004\'s all-caps subhead as its own paragraph, in place', () => {
    const a = parseSeed(read('seeds/004_39c164ef8ecf0c18.txt'));
    expect(a.body[8]).toBe('PREVENTING POTENTIAL ALIENATION');
    expect(a.body[9]).toMatch(/^This directive seems to have been issued/);
  });

  it('gives the same text the same id and different text a different id', () => {
    const text = read('seeds/000_ad88b24e68561673.txt');
    expect(parseSeed(text).id).toBe(parseSeed(text).id);
    expect(parseSeed(text).id).toMatch(/^[0-9a-f]{12}$/);
    expect(parseSeed(text.replace('Kimchaek', 'Chongjin')).id).not.toBe(parseSeed(text).id);
    expect(parseSeed(text, { sourceId: 'other' }).id).not.toBe(parseSeed(text).id);
    // Layout is not content: CRLF, a BOM or a trailing blank line do not change the id.
    expect(parseSeed('\uFEFF' + text.replace(/\n/g, '\r\n') + '\r\n').id).toBe(parseSeed(text).id);
  });

  it.each([
    ['CRLF and a BOM', (t: string) => '\uFEFF' + t.replace(/\n/g, '\r\n')],
    ['old-Mac CR line ends', (t: string) => t.replace(/\n/g, '\r')],
    ['Unicode line and paragraph separators', (t: string) => t.replace(/\n\n/g, '\u2029').replace(/\n/g, '\u2028')],
    ['zero-width spaces and bidi overrides', (t: string) => t.replace(/ the /g, ' the\u200B ').replace(/Ukraine/g, '\u202EUkraine\u202C')],
  ])('reads 003 the same with %s', (_name, transform) => {
    const text = read('seeds/003_4856145c56ddfbf7.txt');
    const a = parseSeed(text);
    const b = parseSeed(transform(text));
    expect(b.body).toEqual(a.body);
    expect([b.title, b.byline, b.outlet]).toEqual(['North Korea Hunting For Source Of Reports On Soldier Deployment To Ukraine Conflict', 'Moon Sung Whui', 'Radio Free Asia']);
  });

  it.each([
    ['empty', '', 'seed "x.txt": the file is empty'],
    ['only whitespace', '  \n\n \t\n\u00a0', 'seed "x.txt": the file is empty'],
    ['only boilerplate', 'Read in Korean\n\nLeave a Reply\n', 'seed "x.txt": no article text left after removing tag line, caption, byline and boilerplate'],
    ['only a title and related headlines', 'Some Title Words Here\n\nRELATED STORIES\nOne headline\nTwo headline\n', 'seed "x.txt": no article text left after removing tag line, caption, byline and boilerplate'],
    ['NUL bytes', 'abc\u0000def', 'seed "x.txt": not a text file (it contains NUL bytes)'],
    ['control characters', 'text\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000e\u000f', 'seed "x.txt": not a text file (10 control or undecodable characters)'],
  ])('refuses %s input with a clear message', (_name, input, message) => {
    expect(() => parseSeed(input, { fileName: 'x.txt' })).toThrow(UserError);
    expect(() => parseSeed(input, { fileName: 'x.txt' })).toThrow(message);
  });
});

/** Small texts, one rule each: what the rule takes out and what it must leave alone. */
const RULES: Array<{ name: string; text: string; expect: Record<string, unknown> }> = [
  {
    name: '"By" opening a sentence is not a byline',
    text: 'By contrast, the ministry said nothing.\n\nThe second paragraph.',
    expect: { byline: null, body: ['By contrast, the ministry said nothing.', 'The second paragraph.'] },
  },
  {
    name: 'a "Name | Reporter" line is a byline',
    text: 'Park Min-soo | Staff Correspondent\n\nThe lead paragraph.',
    expect: { byline: 'Park Min-soo', title: 'The lead paragraph', body: ['The lead paragraph.'] },
  },
  {
    name: 'a bare "By" with nothing usable after it is dropped',
    text: 'By\n\nThe lead paragraph.\n\nSecond.',
    expect: { byline: null, body: ['The lead paragraph.', 'Second.'] },
  },
  {
    name: 'a sentence starting with "Copyright" is text',
    text: 'The lead.\n\nCopyright law changed in 2009, the ministry said.',
    expect: { body: ['The lead.', 'Copyright law changed in 2009, the ministry said.'] },
  },
  {
    name: 'a capitalised word and a dash is not a dateline when a lower-case clause follows',
    text: 'NATO — the alliance said on Monday it would meet.\n\nMore.',
    expect: { dateline: null, body: ['NATO — the alliance said on Monday it would meet.', 'More.'] },
  },
  {
    name: 'a Yonhap dateline keeps the place, not the date or agency',
    text: 'SEOUL, March 3 (Yonhap) -- North Korea fired two missiles, the military said.\n\nMore text.',
    expect: { dateline: 'SEOUL', outlet: 'Yonhap', title: 'North Korea fired two missiles', body: ['North Korea fired two missiles, the military said.', 'More text.'] },
  },
  {
    name: 'a wire credit in parentheses gives editors and, lacking a byline, the reporter',
    text: 'The lead.\n\n(Reporting by Hyonhee Shin; Editing by Ed Davies)',
    expect: { byline: 'Hyonhee Shin', editors: ['Ed Davies'], body: ['The lead.'] },
  },
  {
    name: 'an Oxford-comma editor line',
    text: 'The lead.\n\nEdited by Ann Lee, Bo Kim, and Cy Park.',
    expect: { editors: ['Ann Lee', 'Bo Kim', 'Cy Park'], body: ['The lead.'] },
  },
  {
    name: 'an "Edited by" sentence that names no editor is text',
    text: 'The lead.\n\nEdited by the propaganda department, the letters were read aloud.',
    expect: { editors: [], body: ['The lead.', 'Edited by the propaganda department, the letters were read aloud.'] },
  },
  {
    name: 'hard-wrapped lines rejoin after a comma or a connective, not after a finished sentence',
    text: 'The ministry said on Monday that it would\nsend aid, according to\nKim Yong-chol, a senior official.\nA second paragraph follows.',
    expect: { body: ['The ministry said on Monday that it would send aid, according to Kim Yong-chol, a senior official.', 'A second paragraph follows.'] },
  },
  {
    name: 'a date line that is not a real date is dropped, and no date is invented',
    text: 'Published February 30, 2025\n\nThe lead paragraph.',
    expect: { publishedAt: null, title: 'The lead paragraph', body: ['The lead paragraph.'] },
  },
  {
    name: 'a date inside the text is not the publication date',
    text: 'The lead said on March 3, 2025, that talks had failed.\n\nPublished in 2019, the report was ignored.',
    expect: { publishedAt: null, body: ['The lead said on March 3, 2025, that talks had failed.', 'Published in 2019, the report was ignored.'] },
  },
  {
    name: 'a "Tags:" line at the foot of the text',
    text: 'The lead.\n\nSecond.\n\nTags: food, markets',
    expect: { tags: ['food', 'markets'], body: ['The lead.', 'Second.'] },
  },
  {
    name: 'a question headline in Title Case is a title',
    text: 'Is North Korea Preparing A Nuclear Test?\n\nThe lead says so.',
    expect: { title: 'Is North Korea Preparing A Nuclear Test?', body: ['The lead says so.'] },
  },
  {
    name: 'a related list of questions ends at the first real paragraph',
    text: 'The lead.\n\nRead more\n\nWhat does Kim want?\n\nWhy now?\n\nThe talks resumed on Friday.',
    expect: { body: ['The lead.', 'The talks resumed on Friday.'] },
  },
  {
    name: 'an unknown outlet named in its own copyright line',
    text: 'The lead.\n\n© 2024 Pyongyang Ledger. All rights reserved.',
    expect: { outlet: 'Pyongyang Ledger', body: ['The lead.'] },
  },
];

describe('parseSeed: one rule at a time', () => {
  it.each(RULES)('$name', ({ text, expect: want }) => {
    const a = parseSeed(text);
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, a[k as keyof typeof a]]));
    expect(got).toEqual(want);
  });
});

describe('detectOutlet', () => {
  it.each([
    ['a source merely quoted once', 'Separately, the source told Sand Times that trains arrived.', null],
    ['an unknown outlet that "has learned"', 'Families were ordered to write letters, Border Wire has learned.', 'Border Wire'],
    ['an agency in a dateline', 'SEOUL (AP) — The lead.', 'Associated Press'],
    ['a contact address on a known domain', 'Write to tips@rfa.org with questions.', 'Radio Free Asia'],
    ['a contact address that only contains a short name by chance', 'Write to press@apple.com or japan-desk@example.org.', null],
    ['"told X" twice for a known outlet', 'A resident told RFA. A student told RFA Korean.', 'Radio Free Asia'],
    ['a single "X reported" mention', 'In February, Reuters reported the move.', null],
  ])('%s', (_name, text, outlet) => {
    expect(detectOutlet(text, [])).toBe(outlet);
  });

  it('prefers the publisher named in a footer over outlets the text quotes', () => {
    const text = 'A source told Daily NK and told Daily NK again, Daily NK has learned.';
    expect(detectOutlet(text, ['Content used with the permission of Radio Free Asia, 2025 M St. NW.'])).toBe('Radio Free Asia');
    expect(detectOutlet(text, ['Copyright 2025 The Associated Press. All rights reserved.'])).toBe('Associated Press');
    expect(detectOutlet(text, [])).toBe('Daily NK');
  });
});

describe('parseStatedDate', () => {
  it.each([
    ['2025-03-03', '2025-03-03T00:00:00.000Z'],
    ['2025-03-03 10:00', '2025-03-03T10:00:00.000Z'],
    ['2025-03-03T10:00:30+09:00', '2025-03-03T01:00:30.000Z'],
    ['2025.03.03 10:00 KST', '2025-03-03T01:00:00.000Z'],
    ['March 3, 2025', '2025-03-03T00:00:00.000Z'],
    ['Mar. 3, 2025.', '2025-03-03T00:00:00.000Z'],
    ['Monday, March 3, 2025 at 12:05 a.m. EST', '2025-03-03T05:05:00.000Z'],
    ['3 March 2025 9:05 pm GMT', '2025-03-03T21:05:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2025-02-29', null],
    ['April 31, 2025', null],
    ['2025-13-01', null],
    ['2025-03-03 24:00', null],
    ['13:00 p.m. March 3, 2025', null],
    ['March 2025', null],
    ['three days ago', null],
  ])('%s → %s', (text, iso) => {
    expect(parseStatedDate(text)).toBe(iso);
  });
});

describe('deriveTitle', () => {
  it.each([
    ['drops the attribution tail', 'Families were ordered to write letters, Daily NK has learned.', 'Families were ordered to write letters'],
    ['drops a reporting tail after a quote', 'Kim told officials to “provide encouragement,” Daily NK has learned.', 'Kim told officials to “provide encouragement”'],
    ['keeps a short lead as is', 'Rain fell on Pyongyang.', 'Rain fell on Pyongyang'],
    ['drops "media reported"', 'Soldiers were sent to Russia, South Korean media reported.', 'Soldiers were sent to Russia'],
    ['uses only the first sentence', 'Rain fell. Then it stopped.', 'Rain fell'],
    [
      'ends a long lead at a clause boundary without an ellipsis',
      'Authorities in North Korea are searching for the source of reports that soldiers had been sent to Russia, according to people with knowledge of the situation and others.',
      'Authorities in North Korea are searching for the source of reports that soldiers had been sent to Russia',
    ],
    [
      'cuts a long lead at a word boundary with an ellipsis, not on a connective',
      'Some of the thousands of soldiers North Korea sent to Russia to fight in Moscow’s war against Ukraine were family members of defectors and other people with “issues” in the North, South Korean media reported.',
      'Some of the thousands of soldiers North Korea sent to Russia to fight in Moscow’s war against Ukraine were family…',
    ],
  ])('%s', (_name, lead, title) => {
    expect(deriveTitle(lead)).toBe(title);
  });

  it('never exceeds 120 characters and never cuts a word', () => {
    const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split(' ');
    for (let n = 5; n < 60; n++) {
      const lead = Array.from({ length: n }, (_, i) => words[i % words.length]).join(' ') + '.';
      const t = deriveTitle(lead);
      expect(t.length).toBeLessThanOrEqual(TITLE_MAX);
      const stem = t.replace(/…$/, '');
      expect(lead.startsWith(stem)).toBe(true);
      expect(lead[stem.length] === ' ' || lead[stem.length] === '.').toBe(true);
    }
  });

  it('cuts one enormous word without splitting a surrogate pair', () => {
    const t = deriveTitle('😀'.repeat(200));
    expect(t.length).toBeLessThanOrEqual(TITLE_MAX);
    expect(t).toBe('😀'.repeat(59) + '…');
  });
});

describe('loadSeedDir', () => {
  it('loads every seed in name order', async () => {
    const { articles, problems } = await loadSeedDir(path.join(ROOT, 'seeds'));
    expect(problems).toEqual([]);
    expect(articles.map((a) => a.fileName)).toEqual(fs.readdirSync(path.join(ROOT, 'seeds')).sort());
    expect(articles.map((a) => a.article.outlet)).toEqual(['Daily NK', 'Daily NK', 'Radio Free Asia', 'Radio Free Asia', 'Daily NK']);
  });

  it('reports bad files as problems without failing the others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seeds-'));
    try {
      fs.copyFileSync(path.join(ROOT, 'seeds/000_ad88b24e68561673.txt'), path.join(dir, 'a.txt'));
      fs.writeFileSync(path.join(dir, 'b.txt'), '');
      fs.writeFileSync(path.join(dir, 'c.txt'), Buffer.from([0x00, 0xff, 0x10, 0x00, 0x42]));
      // Garbage with no NUL byte: not UTF-8, so read as windows-1252, which leaves control characters.
      fs.writeFileSync(path.join(dir, 'd.txt'), Buffer.from(Array.from({ length: 512 }, (_, i) => 0x80 + (i * 37) % 128)));
      fs.writeFileSync(path.join(dir, 'e.txt'), 'x'.repeat(20_000));
      fs.mkdirSync(path.join(dir, 'f.txt'));
      fs.writeFileSync(path.join(dir, 'g.txt'), 'Read in Korean\n\nLeave a Reply\n');
      fs.writeFileSync(path.join(dir, 'ignored.md'), '# not a seed');
      const { articles, problems } = await loadSeedDir(dir, { maxBytes: 16 * 1024 });
      expect(articles.map((a) => a.fileName)).toEqual(['a.txt']);
      expect(problems).toEqual([
        { fileName: 'b.txt', message: 'seed "b.txt": the file is empty' },
        { fileName: 'c.txt', message: 'seed "c.txt": not a text file (it contains NUL bytes)' },
        { fileName: 'd.txt', message: expect.stringMatching(/^seed "d\.txt": not a text file \(\d+ control or undecodable characters\)$/) },
        { fileName: 'e.txt', message: 'seed "e.txt": too large (20 KB; the limit is 16 KB)' },
        { fileName: 'f.txt', message: 'seed "f.txt": not a regular file' },
        { fileName: 'g.txt', message: 'seed "g.txt": no article text left after removing tag line, caption, byline and boilerplate' },
      ]);
      const missing = await loadSeedDir(path.join(dir, 'nope'));
      expect(missing.articles).toEqual([]);
      expect(missing.problems).toEqual([{ fileName: path.join(dir, 'nope'), message: expect.stringMatching(/^seeds directory ".*nope" cannot be read: ENOENT/) }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads UTF-16 with a BOM and legacy windows-1252 text', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seeds-'));
    try {
      const text = 'Kim’s “order” was read aloud in Hyesan.\n\nIt was not well received.\n';
      fs.writeFileSync(path.join(dir, 'utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      // ’ “ ” are 0x92 0x93 0x94 in windows-1252.
      fs.writeFileSync(path.join(dir, 'win.txt'), Buffer.from(text.replace('’', '\x92').replace('“', '\x93').replace('”', '\x94'), 'latin1'));
      const { articles, problems } = await loadSeedDir(dir);
      expect(problems).toEqual([]);
      expect(articles.map((a) => [a.fileName, a.article.body])).toEqual([
        ['utf16.txt', ['Kim’s “order” was read aloud in Hyesan.', 'It was not well received.']],
        ['win.txt', ['Kim’s “order” was read aloud in Hyesan.', 'It was not well received.']],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
