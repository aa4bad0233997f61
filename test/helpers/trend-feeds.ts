/**
 * Seven outlets' RSS feeds over half a year, deterministic, for /trend and /trending end to end
 * (and docs/trend-example.png): everyday coverage that mentions Pyongyang now and then;
 * "troops" coverage that begins with one Daily NK report on 2024-10-09, peaks in late
 * October and fades; a steady trickle about defectors; and, in the last 24 hours before
 * TREND_NOW, a burst of reports on Kim Yo Jong (seen once in the month before; some also call
 * her just "Kim") — while Choe Son Hui is named in just two of the day's reports.
 */

/** The bot's clock in these tests. */
export const TREND_NOW = Date.parse('2024-12-20T12:00:00Z');
const START = Date.parse('2024-07-01T00:00:00Z');
const DAY = 86_400_000;

export const OUTLETS = ['Daily NK', 'NK News', 'Yonhap', 'Radio Free Asia', 'Korea Herald', 'Seoul Tribune', 'Border Wire'] as const;
/** How much each outlet covers the troops story (the first five are charted, the rest are "other"). */
const TROOPS_WEIGHT = [1, 0.8, 0.7, 0.5, 0.4, 0.25, 0.2];

export interface TrendItem {
  outlet: string;
  guid: string;
  title: string;
  paragraphs: string[];
  /** Epoch ms. */
  published: number;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EVERYDAY: Array<[string, string[]]> = [
  ['Rice prices climb in Hyesan markets', ['Rice prices climbed again this week in markets in Hyesan, traders in the city said.', 'A kilogram now costs more than it did a month ago, according to sellers in Pyongyang and Hyesan.']],
  ['Border guards rotated near Sinuiju', ['Border guards along the river near Sinuiju were rotated this week, residents said.', 'The new units arrived from Pyongyang with fresh orders on smuggling.']],
  ['Heavy rain floods farmland in the south', ['Heavy rain flooded farmland in two southern counties, state media reported.', 'Officials in Pyongyang ordered farm workers to repair the embankments.']],
  ['Factory workers told to meet new quotas', ['Workers at a textile factory were told to meet higher quotas before the end of the year.', 'Managers cited instructions from the party on light industry.']],
  ['Schools shorten winter break', ['Schools in several provinces will shorten the winter break this year, teachers said.', 'Students are to join construction work instead, according to a notice from Pyongyang.']],
  ['Fuel shortages hit bus routes', ['Bus routes between provincial towns were cut as fuel ran short, commuters said.', 'Drivers said deliveries from Pyongyang had slowed since the autumn.']],
];

const TROOPS: Array<[string, string[]]> = [
  ['Troops sent to Russia, families told', ['Families of soldiers were told their sons had been sent abroad, as troops left for Russia by rail.', 'Officers gave no date for the troops to return.']],
  ['More troops leave for the front', ['A second group of troops left for Russia this week, sources said.', 'The troops were drawn from special forces units.']],
  ['Rumours of casualties among troops', ['Rumours spread of casualties among the troops sent to Russia, residents said.', 'Authorities warned families against spreading talk about the troops.']],
];

const DEFECTORS: [string, string[]] = ['Defectors describe the journey south', ['Two defectors who arrived in Seoul this month described crossing the river at night.', 'Defectors said the border had become harder to cross.']];

const KIM_YO_JONG: Array<[string, string[]]> = [
  ['Kim Yo Jong warns Seoul over leaflets', ['Kim Yo Jong warned Seoul on Thursday over leaflets sent across the border, state media said.', 'In the statement, Kim said the leaflets were a provocation.']],
  ['Kim Yo Jong statement targets defectors', ['A statement from Kim Yo Jong called defectors who send leaflets "human trash".', 'It was her second statement this week, and Kim said more would follow.']],
  ['Analysts read Kim Yo Jong’s words as a warning', ['Analysts said the words of Kim Yo Jong signalled a harder line toward the South.', 'Kim has spoken for her brother on relations with Seoul before.']],
];

/** Every item of every feed, oldest first. */
export function trendItems(): TrendItem[] {
  const r = rng(2024);
  const items: TrendItem[] = [];
  const troopsStart = Date.parse('2024-10-09T00:00:00Z');
  const troopsPeak = Date.parse('2024-10-24T00:00:00Z');
  for (let day = START; day < TREND_NOW - DAY; day += DAY) {
    OUTLETS.forEach((outlet, o) => {
      // Everyday coverage: about one article every three days per outlet.
      if (r() < 0.35) {
        const [title, paras] = EVERYDAY[Math.floor(r() * EVERYDAY.length)]!;
        items.push({ outlet, guid: `${o}-e-${day}`, title, paragraphs: paras, published: day + Math.floor(r() * 20) * 3_600_000 });
      }
      if (day > START + 2 * DAY && r() < 0.03) items.push({ outlet, guid: `${o}-d-${day}`, title: DEFECTORS[0], paragraphs: DEFECTORS[1], published: day + 9 * 3_600_000 });
      // Troops: from the first Daily NK report, rising to a peak, then fading.
      if (day > troopsStart) {
        const weeks = (day - troopsPeak) / (7 * DAY);
        const level = day < troopsPeak ? 0.3 + (0.9 * (day - troopsStart)) / (troopsPeak - troopsStart) : 1.2 * Math.exp(-Math.max(0, weeks) / 3);
        if (r() < level * TROOPS_WEIGHT[o]!) {
          const [title, paras] = TROOPS[Math.floor(r() * TROOPS.length)]!;
          items.push({ outlet, guid: `${o}-t-${day}`, title, paragraphs: paras, published: day + 10 * 3_600_000 + Math.floor(r() * 8) * 3_600_000 });
        }
      }
    });
    if (day === troopsStart) items.push({ outlet: 'Daily NK', guid: '0-t-first', title: 'Troops ordered to prepare for deployment', paragraphs: ['Troops in an elite unit were ordered to prepare for deployment abroad, a source told Daily NK.', 'The troops received new uniforms.'], published: day + 6 * 3_600_000 });
  }
  // Kim Yo Jong once in the month before, then six reports in the last day.
  items.push({ outlet: 'Yonhap', guid: '2-k-base', title: 'Statement by Kim Yo Jong on drills', paragraphs: ['Kim Yo Jong criticised joint drills in a short statement, state media said.'], published: TREND_NOW - 12 * DAY });
  for (let i = 0; i < 6; i++) {
    const [title, paras] = KIM_YO_JONG[i % KIM_YO_JONG.length]!;
    items.push({ outlet: OUTLETS[i]!, guid: `${i}-k-${i}`, title, paragraphs: paras, published: TREND_NOW - (20 - 3 * i) * 3_600_000 });
  }
  // A name in two of the day's reports only: seen twice is not a trend.
  for (let i = 0; i < 2; i++) items.push({ outlet: OUTLETS[i + 2]!, guid: `c-${i}`, title: 'Foreign ministry briefing', paragraphs: ['Foreign minister Choe Son Hui met visiting officials, the ministry said.'], published: TREND_NOW - (10 + i) * 3_600_000 });
  return items.sort((a, b) => a.published - b.published);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One outlet's feed (RSS 2.0 with full text), newest first. */
export function trendFeed(outlet: string, items: TrendItem[] = trendItems()): string {
  const mine = items.filter((i) => i.outlet === outlet).reverse();
  const body = mine
    .map((i) => `<item><guid isPermaLink="false">${i.guid}</guid><title>${esc(i.title)}</title><link>https://${outlet.toLowerCase().replace(/\s+/g, '-')}.example/${i.guid}</link><pubDate>${new Date(i.published).toUTCString()}</pubDate><content:encoded><![CDATA[${i.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}]]></content:encoded></item>`)
    .join('\n');
  return `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>${esc(outlet)}</title>\n${body}\n</channel></rss>`;
}

/** The feed's path on the test feed server. */
export const feedPath = (outlet: string) => `/trend/${outlet.toLowerCase().replace(/\s+/g, '-')}.xml`;
