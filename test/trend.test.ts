import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { inlineChartRenderer } from '../src/core/charts/renderer.ts';
import { barSpec, subtitleLines, timeSeriesSpec } from '../src/core/charts/specs.ts';
import { loadSeedDir } from '../src/core/seeds/loader.ts';
import { dayFromString, foldDays, intervalStart, nextInterval } from '../src/core/store/archive/text-counts.ts';
import { mentionsIn } from '../src/core/trend/phrases.ts';
import { groupRising, logLikelihood, riseOf } from '../src/core/trend/trending.ts';
import { autoInterval, splitQueries } from '../src/core/trend/trends.ts';
import { formatReply } from '../src/discord/format.ts';
import { ROOT } from './helpers/bot-process.ts';

const { articles: seeds } = await loadSeedDir(path.join(ROOT, 'seeds'));
const seed = (n: string) => seeds.find((s) => s.fileName.startsWith(n))!.article;

describe('intervals: the same calendar in both stores', () => {
  it.each([
    ['2024-10-09', 'day', '2024-10-09', '2024-10-10'],
    ['2024-10-09', 'week', '2024-10-07', '2024-10-14'],
    ['2024-10-07', 'week', '2024-10-07', '2024-10-14'],
    ['2024-10-06', 'week', '2024-09-30', '2024-10-07'],
    ['1969-12-31', 'week', '1969-12-29', '1970-01-05'],
    ['2024-12-31', 'week', '2024-12-30', '2025-01-06'],
    ['2024-02-29', 'month', '2024-02-01', '2024-03-01'],
    ['2024-12-15', 'month', '2024-12-01', '2025-01-01'],
  ] as const)('%s in its %s starts %s, the next %s', (day, interval, start, next) => {
    const s = intervalStart(dayFromString(day), interval);
    expect(new Date(s * 86_400_000).toISOString().slice(0, 10)).toBe(start);
    expect(new Date(nextInterval(s, interval) * 86_400_000).toISOString().slice(0, 10)).toBe(next);
  });

  it('folds days into intervals, oldest first, keys in code-point order and null last', () => {
    const d = dayFromString;
    expect(foldDays([{ day: d('2024-10-09'), key: 'b', count: 1 }, { day: d('2024-10-08'), key: null, count: 2 }, { day: d('2024-10-10'), key: 'B', count: 3 }, { day: d('2024-10-01'), key: 'b', count: 4 }, { day: d('2024-10-11'), key: 'b', count: 5 }], 'week')).toEqual([
      { bucket: '2024-09-30', key: 'b', count: 4 },
      { bucket: '2024-10-07', key: 'B', count: 3 },
      { bucket: '2024-10-07', key: 'b', count: 6 },
      { bucket: '2024-10-07', key: null, count: 2 },
    ]);
  });
});

describe('/trend queries and ranges', () => {
  it.each([
    ['troops', ['troops']],
    ['troops, defectors', ['troops', 'defectors']],
    ['"troops, defectors"', ['troops', 'defectors']],
    ['“troops, Kim Yo Jong” ', ['troops', 'Kim Yo Jong']],
    ['"human trash", leaflets', ['"human trash"', 'leaflets']],
    ['troops, Troops,, ', ['troops']],
    ['"human trash"', ['"human trash"']],
  ])('%j → %j', (raw, queries) => {
    expect(splitQueries(raw)).toEqual(queries);
  });

  it.each([[1, 'day'], [45, 'day'], [46, 'week'], [3 * 366, 'week'], [3 * 366 + 1, 'month']] as const)('%i days are read by %s', (days, interval) => {
    expect(autoInterval(days)).toBe(interval);
  });
});

describe('/trending candidates: names and phrases of real articles', () => {
  it('finds names as written, with their mentions, and drops sentence openers, titles in title case and stop words', () => {
    const m = mentionsIn(seed('004').title, seed('004').body);
    expect(m.get('kim yo jong')).toMatchObject({ kind: 'name', shown: 'Kim Yo Jong' });
    expect(m.get('kim yo jong')!.count).toBe(3);
    expect(m.get('kim jong un')).toMatchObject({ kind: 'name', shown: 'Kim Jong Un' });
    expect(m.get('daily nk')).toMatchObject({ kind: 'name', shown: 'Daily NK' });
    // "Comrade Kim Yo Jong" is a title and a name; the capitalised sentence opener "The" is not.
    expect([...m.keys()].filter((k) => k.startsWith('the ') || k === 'comrade')).toEqual([]);
    expect(m.get('human trash')).toMatchObject({ kind: 'phrase' });
  });

  it.each([
    ['In the statement, Kim said the leaflets were a provocation.', ['kim'], []],
    ['Analysts read Kim Yo Jong’s words as a warning.', ['kim yo jong'], []],
    ['Rice prices climbed in Hyesan markets this week.', ['hyesan'], ['prices climbed']],
    ['Comrade Kim Yo Jong issued an order, and Foreign Minister Choe Son Hui agreed.', ['kim yo jong', 'choe son hui'], []],
    ['Officials in Pyongyang and the Democratic People’s Republic of Korea met on Monday.', ['pyongyang', 'democratic people republic of korea'], []],
    ['Kim-Yo Jong spoke.', ['kim yo jong'], []],
    ['Pyongyang said nothing.', [], []],
    ['He met Choe Son Hui, Kim Jong Un and Moon Sung Whui.', ['choe son hui', 'kim jong un', 'moon sung whui'], []],
  ])('%s', (text, names, phrases) => {
    const m = mentionsIn('', [text]);
    expect([...m].filter(([, v]) => v.kind === 'name').map(([k]) => k)).toEqual(names);
    expect([...m].filter(([, v]) => v.kind === 'phrase').map(([k]) => k)).toEqual(phrases);
  });

  it('ignores capitals in a headline written in title case', () => {
    expect([...mentionsIn('Kim Yo Jong Orders Families Of Defectors Treated Kindly', []).keys()]).toEqual([]);
    expect([...mentionsIn('Kim Yo Jong orders families of defectors treated kindly', []).keys()]).toContain('kim yo jong');
  });
});

describe('/trending: what counts as rising', () => {
  it('agrees with the log-likelihood ratio by hand', () => {
    // 10 of 100 against 10 of 1,000: expected 1.82 and 18.18; G² = 2(10 ln(10/1.818) + 10 ln(10/18.18)).
    expect(logLikelihood(10, 100, 10, 1000)).toBeCloseTo(2 * (10 * Math.log(10 / (20 / 11)) + 10 * Math.log(10 / (200 / 11))), 9);
    expect(logLikelihood(0, 100, 0, 1000)).toBe(0);
  });

  it.each([
    ['never seen, 3 of 100 against none of 3,000', 3, 100, 0, 3000, true],
    ['seen twice: never a trend', 2, 100, 0, 3000, false],
    ['as common as usual', 30, 100, 900, 3000, false],
    ['less common than usual', 10, 100, 900, 3000, false],
    ['a rise too small to be sure of', 4, 100, 60, 3000, false],
    ['a large rise of a common word', 60, 100, 900, 3000, true],
  ])('%s', (_label, r, nR, b, nB, rising) => {
    expect(riseOf(r, nR, b, nB).rising).toBe(rising);
  });

  it('scores thirty mentions of a name seen before above three of a new one (smoothed log-ratio)', () => {
    const fresh = riseOf(3, 100, 0, 3000);
    const strong = riseOf(30, 100, 6, 3000);
    expect(fresh.rising && strong.rising).toBe(true);
    expect(strong.score).toBeGreaterThan(fresh.score);
    expect([fresh.rise, strong.rise]).toEqual([null, 150]);
  });

  it('folds a short name into the longer rising name that holds it', () => {
    const c = (name: string, score: number) => ({ name, tokens: name.toLowerCase().split(' '), score });
    const grouped = groupRising([c('Kim', 3), c('Kim Yo Jong', 2.5), c('Kim Jong Un', 1), c('Yo Jong', 0.5), c('human trash', 2), c('Pyongyang', 0.2)]);
    expect(grouped.map((g) => [g.name, g.also])).toEqual([
      ['Kim Yo Jong', ['Kim', 'Yo Jong']],
      ['human trash', []],
      ['Kim Jong Un', []],
      ['Pyongyang', []],
    ]);
  });
});

describe('charts', () => {
  it('breaks a long subtitle at its parts, then at spaces, into at most three lines', () => {
    expect(subtitleLines('First: Daily NK, 2024-10-09 · peak week of 2024-10-21 (38 articles) · 4 outlets', 60)).toEqual(['First: Daily NK, 2024-10-09', 'peak week of 2024-10-21 (38 articles) · 4 outlets']);
    expect(subtitleLines('First: Daily NK, 2024-10-09 · 4 outlets', 60)).toEqual(['First: Daily NK, 2024-10-09 · 4 outlets']);
    expect(subtitleLines('a '.repeat(200).trim(), 20)).toHaveLength(3);
  });

  it('renders a PNG of the spec: the size asked for, inked, one colour per series', async () => {
    const buckets = ['2024-10-07', '2024-10-14', '2024-10-21', '2024-10-28'];
    const spec = timeSeriesSpec({ title: 'Coverage', interval: 'week', buckets, stacked: true, yTitle: 'articles', series: [{ name: 'A', counts: [1, 4, 9, 3] }, { name: 'B', counts: [0, 2, 5, 1] }, { name: 'other', counts: [1, 1, 1, 1], other: true }], volume: [10, 12, 20, 11], marker: { date: '2024-10-09', label: 'First: A, 2024-10-09' }, width: 400, height: 200 });
    const chart = await inlineChartRenderer.render(spec);
    const png = decode(chart.png);
    expect([png.width, png.height]).toEqual([chart.width, chart.height]);
    // 400 px of plot plus axes, legend and padding, at twice the CSS size.
    expect(png.width).toBeGreaterThan(800);
    expect(png.width).toBeLessThan(1200);
    const colours = new Set<string>();
    for (let i = 0; i < png.width * png.height; i++) colours.add(Array.from(png.data.slice(i * png.channels, i * png.channels + 3)).join(','));
    expect(colours.size).toBeGreaterThan(50);
    const bars = await inlineChartRenderer.render(barSpec({ title: 'By outlet', bars: [{ name: 'A', count: 3 }, { name: 'other', count: 1, other: true }], xTitle: 'articles' }));
    expect(decode(bars.png).height).toBeLessThan(decode(chart.png).height);
  }, 30_000);
});

describe('attached pictures in Discord messages', () => {
  const png = { name: 'trend.png', contentType: 'image/png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'), encoding: 'base64' as const, description: 'A chart' };
  it('uploads the bytes a base64 attachment holds, with its alt text, and keeps the card picture that names it', () => {
    const [m] = formatReply({ content: 'x', cards: [{ title: 'T', image: 'attachment://trend.png' }], attachments: [png] });
    expect(m!.files).toEqual([{ attachment: Buffer.from([0x89, 0x50, 0x4e, 0x47]), name: 'trend.png', description: 'A chart' }]);
    expect(m!.embeds[0]!.image).toEqual({ url: 'attachment://trend.png' });
  });

  it('drops a card picture whose file is missing, too large to send, or in a later message', () => {
    expect(formatReply({ cards: [{ title: 'T', image: 'attachment://trend.png' }] })[0]!.embeds[0]!.image).toBeUndefined();
    const huge = { ...png, data: Buffer.alloc(11 * 1024 * 1024).toString('base64') };
    expect(formatReply({ cards: [{ title: 'T', image: 'attachment://trend.png' }], attachments: [huge] })[0]!.embeds[0]!.image).toBeUndefined();
    const many = formatReply({ cards: [...Array.from({ length: 10 }, (_, i) => ({ title: `c${i}` })), { title: 'last', image: 'attachment://trend.png' }], attachments: [png] });
    expect(many).toHaveLength(2);
    expect(many[1]!.embeds[0]!.image).toBeUndefined();
    expect(formatReply({ cards: [{ title: 'T', image: 'attachment://no good.png' }], attachments: [png] })[0]!.embeds[0]!.image).toBeUndefined();
  });
});

describe('the match reader (counting\'s full-text reads on their own thread)', () => {
  it('counts as the main connection does, and lets a process end once the store is closed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'match-reader-'));
    try {
      const script = path.join(dir, 'count.mts');
      fs.writeFileSync(
        script,
        `import path from 'node:path';
import { silentLog } from '${ROOT}/src/core/deps.ts';
import { importSeeds } from '${ROOT}/src/core/seeds/import.ts';
import { parseQuery } from '${ROOT}/src/core/search/query.ts';
import { openStore } from '${ROOT}/src/core/store/index.ts';
import { fromSqlite } from '${ROOT}/src/core/store/sqlite-async.ts';
const sqlite = openStore({ path: path.join('${dir}', 'nd.db'), clock: { now: () => new Date('2026-03-01T10:00:00Z') }, log: silentLog });
const store = fromSqlite(sqlite);
await importSeeds({ store, log: silentLog }, '${ROOT}/seeds');
const q = parseQuery('troops');
const viaReader = await store.countText(q, {}, { interval: 'day', by: 'outlet' });
console.log(JSON.stringify([viaReader, sqlite.countText(q, {}, { interval: 'day', by: 'outlet' })]));
await store.close();
console.log('closed');
`,
      );
      // Without the reader held while it closes, the process would end first (exit code 13).
      const out = execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }).trim().split('\n');
      const [viaReader, inline] = JSON.parse(out[0]!);
      expect(viaReader).toEqual(inline);
      expect(viaReader.total).toBe(4);
      expect(out[1]).toBe('closed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
