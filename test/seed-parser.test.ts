import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveTitle, parseSeed, TITLE_MAX } from '../src/core/seed-parser.ts';
import { loadSeedDir } from '../src/core/seed-loader.ts';
import { UserError } from '../src/core/errors.ts';

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
    expect(a.title.length).toBeLessThanOrEqual(TITLE_MAX);
    // No boilerplate or structure lines survive in the body.
    for (const p of a.body) {
      expect(p).not.toMatch(/^(Read in Korean|Leave a (Reply|Comment)|RELATED STORIES|Related:|READ MORE|Edited by|By\b|Share this|Copyright|©|Your email address|You must be logged in|Please direct any comments|RFA$)/);
      expect(p).not.toMatch(/mission is to provide|Content used with the permission/);
      expect(p).toBe(p.trim());
      expect(p).not.toMatch(/\s{2,}|\u00a0/);
    }
  });

  it('removes 002\'s RELATED STORIES block but keeps the paragraphs after it', () => {
    const a = parseSeed(read('seeds/002_f5ff2c820ca4670b.txt'));
    const text = a.body.join('\n');
    for (const headline of [
      '‘Family, a home and basic rights’ – North Korean POW in Ukraine dreams of new life',
      'North Korean tour guides know about soldiers dispatched to Ukraine war, tourist says',
      'North Korea sending more troops to Russia, South confirms',
    ]) {
      expect(text).not.toContain(headline);
    }
    expect(a.body[11]).toMatch(/^In February, Radio Free Asia reported/);
    expect(a.body[0]).toMatch(/^Some of the thousands of soldiers/);
  });

  it('keeps 004\'s all-caps subhead as its own paragraph', () => {
    const a = parseSeed(read('seeds/004_39c164ef8ecf0c18.txt'));
    expect(a.body).toContain('PREVENTING POTENTIAL ALIENATION');
  });

  it('gives the same text the same id and different text a different id', () => {
    const text = read('seeds/000_ad88b24e68561673.txt');
    expect(parseSeed(text).id).toBe(parseSeed(text).id);
    expect(parseSeed(text).id).toMatch(/^[0-9a-f]{12}$/);
    expect(parseSeed(text.replace('Kimchaek', 'Chongjin')).id).not.toBe(parseSeed(text).id);
    expect(parseSeed(text, { sourceId: 'other' }).id).not.toBe(parseSeed(text).id);
  });

  it('handles CRLF, a BOM and non-breaking spaces like plain newlines and spaces', () => {
    const text = read('seeds/003_4856145c56ddfbf7.txt');
    const a = parseSeed(text);
    const b = parseSeed('\uFEFF' + text.replace(/\n/g, '\r\n'));
    expect(b.body).toEqual(a.body);
    expect(b.byline).toBe('Moon Sung Whui');
  });

  it.each([
    ['empty', '', 'seed "x.txt": empty'],
    ['only whitespace', '  \n\n \t\n', 'seed "x.txt": empty'],
    ['only boilerplate', 'Read in Korean\n\nLeave a Reply\n', 'seed "x.txt": no article text left after removing boilerplate'],
    ['binary', 'abc\u0000def', 'seed "x.txt": not a text file'],
  ])('refuses %s input with a clear message', (_name, input, message) => {
    expect(() => parseSeed(input, { fileName: 'x.txt' })).toThrow(UserError);
    expect(() => parseSeed(input, { fileName: 'x.txt' })).toThrow(message);
  });
});

describe('deriveTitle', () => {
  it.each([
    ['drops the attribution tail', 'Families were ordered to write letters, Daily NK has learned.', 'Families were ordered to write letters'],
    ['drops a reporting tail after a quote', 'Kim told officials to “provide encouragement,” Daily NK has learned.', 'Kim told officials to “provide encouragement”'],
    ['keeps a short lead as is', 'Rain fell on Pyongyang.', 'Rain fell on Pyongyang'],
    ['drops "media reported"', 'Soldiers were sent to Russia, South Korean media reported.', 'Soldiers were sent to Russia'],
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
});

describe('loadSeedDir', () => {
  it('loads every seed in name order', async () => {
    const { articles, problems } = await loadSeedDir(path.join(ROOT, 'seeds'));
    expect(problems).toEqual([]);
    expect(articles.map((a) => a.fileName)).toEqual(fs.readdirSync(path.join(ROOT, 'seeds')).sort());
  });

  it('reports bad files as problems without failing the others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seeds-'));
    try {
      fs.copyFileSync(path.join(ROOT, 'seeds/000_ad88b24e68561673.txt'), path.join(dir, 'a.txt'));
      fs.writeFileSync(path.join(dir, 'b.txt'), '');
      fs.writeFileSync(path.join(dir, 'c.txt'), Buffer.from([0x00, 0xff, 0x10, 0x00, 0x42]));
      fs.writeFileSync(path.join(dir, 'ignored.md'), '# not a seed');
      const { articles, problems } = await loadSeedDir(dir);
      expect(articles.map((a) => a.fileName)).toEqual(['a.txt']);
      expect(problems).toEqual([
        { fileName: 'b.txt', message: 'seed "b.txt": empty' },
        { fileName: 'c.txt', message: 'seed "c.txt": not a text file' },
      ]);
      const missing = await loadSeedDir(path.join(dir, 'nope'));
      expect(missing.problems[0]!.message).toMatch(/^seeds directory ".*nope" cannot be read/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
