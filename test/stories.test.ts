import { describe, expect, it } from 'vitest';
import { loadLabelled, scorePairs, wireCopies } from '../bench/stories-eval.ts';
import { composeDigest, type DigestEntry } from '../src/core/digest/compose.ts';
import { whatEachAdds } from '../src/core/stories/adds.ts';
import { extractEntities } from '../src/core/stories/entities.ts';
import { StoryIndex, type StoryDoc } from '../src/core/stories/story-index.ts';
import { DEFAULT_THRESHOLDS } from '../src/core/stories/thresholds.ts';

const labelled = loadLabelled();
const byStory = (name: string) => labelled.filter((d) => d.story === name).map((d) => d.doc);

describe('story grouping on the hand-labelled set (real pages, test/data/stories-labelled.json)', () => {
  it('scores pairwise precision 1.000 and recall 0.758 on independent reports of the same event (0.545 with shingles alone)', () => {
    const s = scorePairs(labelled);
    expect({ ...s, precision: s.precision.toFixed(3), recall: s.recall.toFixed(3) }).toEqual({
      docs: 151,
      positives: 33,
      predicted: 25,
      truePositives: 25,
      precision: '1.000',
      recall: '0.758',
    });
    // Words and titles only (the grouping before entities): 18 of the 33 pairs.
    const shingles = scorePairs(labelled, { ...DEFAULT_THRESHOLDS, scoreLink: Infinity });
    expect([shingles.truePositives, shingles.predicted]).toEqual([18, 18]);
    // Under the labels before the written rule (the Stadia reviews and benchmarks as two stories): 25 of 29.
    const before = scorePairs(loadLabelled({ previous: true }));
    expect([before.positives, before.truePositives, before.precision.toFixed(3), before.recall.toFixed(3)]).toEqual([29, 25, '1.000', '0.862']);
  });

  it('scores precision 1.000 and recall 0.930 with syndicated copies added', () => {
    const s = scorePairs([...labelled, ...wireCopies(labelled.filter((d) => d.story === null))]);
    expect([s.docs, s.positives, s.truePositives, s.precision.toFixed(3), s.recall.toFixed(3)]).toEqual([212, 114, 106, '1.000', '0.930']);
  });

  it('groups the four reports of the South Dakota meth campaign and keeps the story id of the first added', () => {
    const index = new StoryIndex();
    const meth = byStory('south-dakota-meth-campaign');
    expect(meth.map((d) => d.sourceId)).toEqual(['thehill.com', 'nj.com', 'usatoday.com', 'spokesman.com']);
    const changes = meth.map((d) => index.add(d));
    expect(changes[0]).toEqual([[meth[0]!.id, meth[0]!.id]]);
    expect(new Set(meth.map((d) => index.storyOf(d.id)))).toEqual(new Set([meth[0]!.id]));
    expect(index.storyMembers(meth[0]!.id)).toEqual(meth.map((d) => d.id));
  });

  it('groups the same with room reserved up front, and then never grows while the reserved articles are added', () => {
    const docs = labelled.map((l) => l.doc);
    const plain = new StoryIndex();
    const reserved = new StoryIndex();
    reserved.reserve(docs.length);
    const internals = reserved as unknown as { sigs: Uint32Array; current: { keys: Uint32Array }; parent: Int32Array };
    const [sigs, keys, parent] = [internals.sigs, internals.current.keys, internals.parent];
    for (const d of docs) expect(reserved.add(d)).toEqual(plain.add(d));
    expect(internals.sigs).toBe(sigs);
    expect(internals.current.keys).toBe(keys);
    expect(internals.parent).toBe(parent);
    for (const d of docs) expect(reserved.storyOf(d.id)).toBe(plain.storyOf(d.id));
  });

  it('never links two articles of one source directly, and reports are only linked within the time window', () => {
    const [a, b] = byStory('omar-threat-guilty-plea');
    const index = new StoryIndex();
    index.add({ ...a!, sourceId: 'one' });
    index.add({ ...b!, sourceId: 'one' });
    expect(index.storyOf(b!.id)).toBe(b!.id);
    const later = new StoryIndex();
    later.add({ ...a!, time: 0 });
    later.add({ ...b!, time: 4 * 24 * 3_600_000 });
    expect(later.storyOf(b!.id)).toBe(b!.id);
    const within = new StoryIndex();
    within.add({ ...a!, time: 0 });
    within.add({ ...b!, time: 2 * 24 * 3_600_000 });
    expect(within.storyOf(b!.id)).toBe(a!.id);
  });

  it('merges two stories when an article links them, reporting every moved article', () => {
    const [a, b] = byStory('doobie-brothers-50th-anniversary-tour');
    const index = new StoryIndex();
    const unrelated = labelled.find((d) => d.story === null)!.doc;
    index.add(unrelated);
    index.add(a!);
    const copy = { ...a!, id: 'copy-of-a', sourceId: 'wire.example' };
    // b alone may or may not match a; a verbatim copy of a that also carries b's text links both.
    index.add(b!);
    const merged = index.add({ ...copy, body: [...a!.body, ...b!.body] });
    const story = index.storyOf(a!.id)!;
    expect(story).toBe(a!.id);
    expect(index.storyOf(b!.id)).toBe(story);
    expect(index.storyOf(copy.id)).toBe(story);
    expect(merged.find(([id]) => id === copy.id)).toEqual([copy.id, story]);
    expect(index.storyOf(unrelated.id)).toBe(unrelated.id);
  });
});

describe('independently written reports (real pages of the extraction benchmark)', () => {
  const page = (host: string, story: string) => labelled.find((d) => d.doc.sourceId === host && d.story === story)!.doc;
  const linked = (a: StoryDoc, b: StoryDoc, thresholds = DEFAULT_THRESHOLDS) => {
    const index = new StoryIndex(thresholds);
    index.add(a);
    index.add(b);
    return index.storyOf(b.id) === a.id;
  };
  const shinglesOnly = { ...DEFAULT_THRESHOLDS, scoreLink: Infinity };

  // Each pair shares too few words to be linked as a copy; what links it is the names, figures and
  // dates both report (with some words and title words in common), on the same day.
  it.each([
    ['doobie-brothers-50th-anniversary-tour', 'cleveland.com', 'billboard.com'],
    ['doobie-brothers-50th-anniversary-tour', 'cleveland.com', 'rollingstone.com'],
    ['plague-cases-china-nov-2019', 'thesun.co.uk', 'express.co.uk'],
    ['plague-cases-china-nov-2019', 'express.co.uk', 'smithsonianmag.com'],
  ])('links two reports of %s (%s, %s) by what they name, which shingles alone did not', (story, a, b) => {
    expect(linked(page(a, story), page(b, story), shinglesOnly)).toBe(false);
    expect(linked(page(a, story), page(b, story))).toBe(true);
  });

  // Same day, the same topic, people or places — different happenings (or a round-up beside one).
  it.each([
    ['ctpost.com', 'New SUVs', 'slashgear.com', 'The VW ID. SPACE VIZZION'],
    ['ctpost.com', 'New SUVs', 'slashgear.com', '2020 Audi e-tron'],
    ['venturebeat.com', 'New York State Attorney General', 'therealdeal.com', 'WeWork employees'],
    ['ign.com', 'Daily Deals', 'bgr.com', 'The 10 best early Black Friday'],
    ['9to5mac.com', 'MacBook sale', 'ign.com', 'Daily Deals'],
    ['cbssports.com', 'Browns player', 'dawgsbynature.com', 'Browns’ defensive snap counts'],
    ['cbssports.com', 'Browns player', 'wsj.com', 'Opinion | Is Football Violence'],
    ['express.co.uk', 'Hong Kong chaos', 'washingtonexaminer.com', 'Why Beijing'],
    ['deccanherald.com', 'Beijing tariff demands', 'cnn.com', 'US-China trade war'],
    ['macrumors.com', '13-Inch MacBook Pro', 'appleinsider.com', '16-inch MacBook Pro review'],
  ])('keeps %s "%s…" and %s "%s…" apart', (hostA, titleA, hostB, titleB) => {
    const find = (host: string, title: string) => labelled.find((d) => d.doc.sourceId === host && d.doc.title.startsWith(title))!.doc;
    expect(linked(find(hostA, titleA), find(hostB, titleB))).toBe(false);
  });

  it('counts the time between two reports: a pair linked three hours apart is not linked a day apart', () => {
    const [a, b] = [page('thesun.co.uk', 'plague-cases-china-nov-2019'), page('express.co.uk', 'plague-cases-china-nov-2019')];
    expect(linked({ ...a, time: 0 }, { ...b, time: 3 * 3_600_000 })).toBe(true);
    expect(linked({ ...a, time: 0 }, { ...b, time: 24 * 3_600_000 })).toBe(false);
  });

  it('keeps apart reports whose headlines are about different people, though they share the place, the competition and the day', () => {
    // (The real case is in the fresh set, whose text is not committed: the 2022 Wimbledon men's and
    // women's finals, a day apart.) Here: a real pair, then the same second report under a headline
    // about people the first report never names — what the text shares no longer makes one story.
    const [a, b] = [page('thesun.co.uk', 'plague-cases-china-nov-2019'), page('express.co.uk', 'plague-cases-china-nov-2019')];
    expect(linked(a, b)).toBe(true);
    expect(linked(a, b, { ...DEFAULT_THRESHOLDS, minHeadline: 0 })).toBe(true);
    const renamed = { ...b, title: 'Bubonic plague: Rybakina Jabeur Kyrgios case confirmed' };
    expect(linked(a, renamed)).toBe(false);
    expect(linked(a, renamed, { ...DEFAULT_THRESHOLDS, minHeadline: 0 })).toBe(true);
  });

  it('reads names, figures and dates from the text, not capitals at sentence openings or in a title-case headline', () => {
    const keys = extractEntities('At Least 5 Dead As Major Earthquake Rocks Mexico\'s West Coast', [
      'A major earthquake measuring 7.4 in magnitude struck along Mexico\'s west coast off the state of Oaxaca Tuesday, killing at least five people.',
      'Oaxaca Gov. Alejandro Murat said rescue crews were trying to reach a mountain village. The U.S. Geological Survey said the quake struck on June 23 at 10:29 a.m.',
      'Dead or alive, the major question remains. The Dow fell 2,997.10 points; the score was 104-94.',
    ]).map((e) => e.key);
    expect(keys).toEqual(expect.arrayContaining(['n:mexico', 'n:oaxaca', 'N:alejandro murat', 'N:u.s geological survey', '#:7.4', 'd:6-23', 'n:dow', '#:2997.10', '#:104-94']));
    // "Dead", "Major", "Earthquake" and "West" are capitalised only in the headline or at an opening, and written in lower case elsewhere.
    for (const word of ['dead', 'major', 'earthquake', 'west', 'coast', 'the', 'a']) expect(keys).not.toContain(`n:${word}`);
    // Single digits are in every report.
    expect(keys).not.toContain('#:5');
  });
});

describe('undated items (issue 23: a syndicated copy fetched a week later)', () => {
  const [hill, nbc] = byStory('omar-threat-guilty-plea');
  const DAY = 24 * 3_600_000;
  const copy: StoryDoc = { ...hill!, id: 'wire-copy', sourceId: 'wire.example', title: `${hill!.title} | Wire`, body: hill!.body.slice(0, -1) };
  const storyOfSecond = (first: StoryDoc, second: StoryDoc) => {
    const index = new StoryIndex();
    index.add(first);
    index.add(second);
    return index.storyOf(second.id);
  };

  it('links a near-identical copy without a date to its story however long after it was first seen', () => {
    expect(storyOfSecond({ ...hill!, time: 0 }, { ...copy, time: 7 * DAY, dated: false })).toBe(hill!.id);
    expect(storyOfSecond({ ...hill!, time: 0 }, { ...copy, time: 40 * DAY, dated: false })).toBe(hill!.id);
    // …and the other way round: an undated original, a dated copy seen a week later.
    expect(storyOfSecond({ ...hill!, time: 0, dated: false }, { ...copy, time: 7 * DAY })).toBe(hill!.id);
  });

  it('keeps the time window for dated reports, and for undated ones that are not copies', () => {
    expect(storyOfSecond({ ...hill!, time: 0 }, { ...copy, time: 7 * DAY })).toBe('wire-copy');
    expect(storyOfSecond({ ...hill!, time: 0 }, { ...nbc!, time: 7 * DAY, dated: false })).toBe(nbc!.id);
    // Within the window an undated independent report is linked as any other.
    expect(storyOfSecond({ ...hill!, time: 0 }, { ...nbc!, time: DAY, dated: false })).toBe(hill!.id);
  });
});

describe('the link window', () => {
  const docs = labelled.map((l) => l.doc);

  it('groups exactly as an unbounded index while the articles fit in the window', () => {
    const wide = new StoryIndex(undefined, { linkWindow: 1 << 20 });
    const fitting = new StoryIndex(undefined, { linkWindow: 256 });
    for (const d of docs) expect(fitting.add(d)).toEqual(wide.add(d));
  });

  it('links a new report only to the newest articles, keeps every story id, and stops growing at the window', () => {
    const meth = byStory('south-dakota-meth-campaign');
    const others = labelled.filter((l) => l.story !== 'south-dakota-meth-campaign').map((l) => l.doc);
    const index = new StoryIndex(undefined, { linkWindow: 8 });
    index.add(meth[0]!);
    index.add(meth[1]!);
    expect(index.storyOf(meth[1]!.id)).toBe(meth[0]!.id);
    const internals = index as unknown as { sigs: Uint32Array; next: Int32Array };
    // Eight other reports push both out of the window.
    for (const d of others.slice(0, 8)) index.add(d);
    const [sigs, next] = [internals.sigs, internals.next];
    expect(sigs.length).toBe(8 * 60);
    expect(index.similarity(meth[0]!.id, meth[1]!.id)).toBe(0);
    expect(index.signatureBytes(meth[0]!.id)).toBeUndefined();
    // A third report of the story can no longer link to them: it founds a story of its own.
    expect(index.add(meth[2]!)).toEqual([[meth[2]!.id, meth[2]!.id]]);
    // The old ones keep their story; a fourth links to the third, inside the window.
    expect(index.storyOf(meth[1]!.id)).toBe(meth[0]!.id);
    expect(index.storyMembers(meth[0]!.id)).toEqual([meth[0]!.id, meth[1]!.id]);
    expect(index.add(meth[3]!)).toEqual([[meth[3]!.id, meth[2]!.id]]);
    for (const d of others.slice(8, 40)) index.add(d);
    expect(internals.sigs).toBe(sigs);
    expect(internals.next).toBe(next);
    expect(index.size).toBe(44);
  });

  it('groups a long stream the same as an unbounded index when copies arrive within the window, never rehashing a bucket table', async () => {
    const { streamCorpus } = await import('../bench/corpus.ts');
    // 3,000 articles, every third followed 5 articles later by a copy from a wire: far more
    // positions than the window, so slots are reused and bucket generations come and go. One every
    // 15 minutes: the 3-day link window spans 288 of them, fewer positions than the 512 kept.
    const stream = streamCorpus(3000).articles;
    const docs: StoryDoc[] = [];
    const copies: StoryDoc[] = [];
    let i = 0;
    for (const a of stream) {
      const doc = { id: a.id, sourceId: a.outlet ?? 'x', title: a.title, body: a.body, time: i * 15 * 60_000 };
      docs.push(doc);
      if (i % 3 === 0) copies.push({ ...doc, id: `${a.id}-wire`, sourceId: 'wire', time: doc.time + 5 * 60_000 });
      if (i >= 5 && (i - 5) % 3 === 0) docs.push(copies.shift()!);
      i++;
    }
    const wide = new StoryIndex(undefined, { linkWindow: 1 << 16 });
    const narrow = new StoryIndex(undefined, { linkWindow: 512 });
    // A window the whole stream fits in, its ring doubling only up to 1,024 slots, then taking the whole window.
    const jumping = new StoryIndex(undefined, { linkWindow: 4096, ringDoublingMax: 1024 });
    const rings = new Set<number>();
    const tables = new Set<Uint32Array>();
    const internals = narrow as unknown as { generations: Array<{ keys: Uint32Array; used: number }> };
    let mostGenerations = 0;
    for (const d of docs) {
      const grouped = wide.add(d);
      expect(narrow.add(d)).toEqual(grouped);
      expect(jumping.add(d)).toEqual(grouped);
      rings.add((jumping as unknown as { sigs: Uint32Array }).sigs.length / 60);
      for (const g of internals.generations) tables.add(g.keys);
      mostGenerations = Math.max(mostGenerations, internals.generations.length);
    }
    expect([...rings]).toEqual([1024, 4096]);
    const wired = docs.filter((d) => d.sourceId === 'wire');
    expect(wired.length).toBe(999);
    expect(wired.filter((d) => narrow.storyOf(d.id) === narrow.storyOf(d.id.replace(/-wire$/, ''))).length).toBe(999);
    // Each generation's table is filled once, never replaced by a bigger copy of itself: a generation is
    // dropped whole, so the tables seen are at most one per 256 articles plus the growing first ones.
    expect(tables.size).toBeLessThan(docs.length / 256 + 12);
    expect(mostGenerations).toBeLessThanOrEqual(8);
    for (const g of internals.generations) expect(g.used * 2).toBeLessThanOrEqual(g.keys.length);
    // 12,000 adds of long articles: a generous bound for a busy machine (no timing is asserted).
  }, 180_000);

  it('restores articles older than the window into their stories without keeping their signatures', () => {
    const [a, b, c] = byStory('feather-duvet-lung-case');
    const restored = new StoryIndex();
    expect(restored.restore(a!.id, a!.id)).toEqual([]);
    expect(restored.restore(b!.id, a!.id)).toEqual([]);
    expect(restored.storyMembers(a!.id)).toEqual([a!.id, b!.id]);
    expect(restored.signatureBytes(b!.id)).toBeUndefined();
    // A report restored with its signature joins the same story.
    const live = new StoryIndex();
    for (const d of [a!, b!, c!]) live.add(d);
    expect(restored.add(c!, live.signatureBytes(c!.id), a!.id)).toEqual([]);
    expect(restored.storyOf(c!.id)).toBe(a!.id);
  });
});

describe('restoring stories at start-up', () => {
  it('uses the stored story ids, and re-founds a story whose first article is gone', () => {
    const docs = byStory('feather-duvet-lung-case');
    const live = new StoryIndex();
    for (const d of docs) live.add(d);
    const restored = new StoryIndex();
    // The founder (docs[0]) was deleted: the next member founds the story and the rest move to it.
    const moved = docs.slice(1).flatMap((d) => restored.add(d, live.signatureBytes(d.id), live.storyOf(d.id)));
    expect(moved).toEqual(docs.slice(1).map((d) => [d.id, docs[1]!.id]));
    expect(docs.slice(1).map((d) => restored.storyOf(d.id))).toEqual(docs.slice(1).map(() => docs[1]!.id));
    // A new report still finds the restored story through the stored signatures.
    const copy = { ...docs[2]!, id: 'new-copy', sourceId: 'wire.example' };
    expect(restored.add(copy)).toEqual([['new-copy', docs[1]!.id]]);
  });
});

describe('what each report adds', () => {
  it('is the first report\'s opening, then the sentence with the most new words, or nothing for a copy', () => {
    const [first, second] = byStory('omar-threat-guilty-plea');
    const adds = whatEachAdds([first!, second!, first!]);
    expect(adds).toEqual([
      'A New York man pleaded guilty to charges he threatened to kill Rep. Ilhan Omar (D-Minn.), the U.S. Attorney’s Office for the Western District of New York announced Monday.',
      'Carlineo is a convicted felon and possessed a loaded .45-caliber handgun, three rifles, two shotguns and hundreds of rounds of ammunition at his home, prosecutors said.',
      null,
    ]);
  });
});

describe('digests use the story ids', () => {
  const entry = (title: string, outlet: string, storyId: string | null): DigestEntry => ({
    article: { id: title.slice(0, 8), sourceId: outlet, title, byline: null, outlet, dateline: null, tags: [], caption: null, body: [`${title}.`], editors: [], url: null, publishedAt: null },
    firstSeenAt: '2026-11-28T08:00:00.000Z',
    storyId,
  });
  const input = (entries: DigestEntry[]) => ({ entries, timezone: 'UTC', windowStart: new Date('2026-11-28T00:00:00Z'), windowEnd: new Date('2026-11-29T00:00:00Z'), missedRuns: 1, query: null, maxItems: 10, scheduleLabel: 'daily 08:00' });

  it('groups reports with one story id from different outlets, whatever their titles', () => {
    const reply = composeDigest(input([entry('Floods force thousands from homes', 'Alpha Times', 's1'), entry('Kaesong evacuations after river breach', 'Beta Post', 's1'), entry('Rice prices climb', 'Desk Wire', 's2')]))!;
    expect(reply.cards!.map((c) => c.title)).toEqual(['Story: Floods force thousands from homes', 'Desk Wire']);
  });

  it('does not group similar titles that the story index kept apart', () => {
    const reply = composeDigest(input([entry('Troops gather at Wonsan port', 'Alpha Times', 's1'), entry('Troops gather at Wonsan port again', 'Beta Post', 's2')]))!;
    expect(reply.cards!.map((c) => c.title)).toEqual(['Alpha Times', 'Beta Post']);
  });
});

describe('story ids in the store', () => {
  it('are stored as articles arrive and rebuilt the same at start-up from stored signatures', async () => {
    const { openStore } = await import('../src/core/store/index.ts');
    const { Newsroom } = await import('../src/core/newsroom/index.ts');
    const { silentLog } = await import('../src/core/deps.ts');
    const clock = { now: () => new Date('2026-11-29T08:00:00Z') };
    const store = openStore({ path: ':memory:', clock, log: silentLog });
    const docs = byStory('feather-duvet-lung-case');
    const { fromSqlite } = await import('../src/core/store/sqlite-async.ts');
    const first = new Newsroom({ store: fromSqlite(store), clock, log: silentLog });
    await first.buildIndex();
    for (const d of docs) {
      const source = store.createSource({ guildId: 'g', channelId: null, addedBy: null, url: `https://${d.sourceId}/feed`, feedUrl: null, name: d.sourceId, kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
      const { inserted } = store.ingest(source.id, [{ article: { id: d.id, sourceId: source.id, title: d.title, byline: null, outlet: d.sourceId, dateline: null, tags: [], caption: null, body: d.body, editors: [], url: null, publishedAt: null }, dedupeKey: `guid:${d.id}`, contentHash: d.id }], { announce: true });
      await first.indexArticles(inserted.map((article) => ({ article, firstSeenAt: '2026-11-29T08:00:00.000Z' })));
    }
    await first.storiesStored();
    const stored = store.db.prepare('SELECT id, story_id, length(story_sig) AS sig, length(story_entities) AS ents FROM articles WHERE source_id <> ? ORDER BY seq').all('seeds') as Array<{ id: string; story_id: string; sig: number; ents: number }>;
    expect(stored.map((r) => [r.id, r.story_id, r.sig])).toEqual(docs.map((d) => [d.id, docs[0]!.id, 240]));
    // Each article's entity signature: up to 16 hashes of 4 bytes.
    for (const r of stored) expect([r.ents > 0, r.ents % 4, r.ents <= 64]).toEqual([true, 0, true]);
    const restarted = new Newsroom({ store: fromSqlite(store), clock, log: silentLog });
    await restarted.buildIndex();
    expect(docs.map((d) => restarted.stories.storyOf(d.id))).toEqual(docs.map(() => docs[0]!.id));
    expect((await restarted.story({ guildId: 'g' }, docs[2]!.id)).members.map((m) => m.article.id)).toEqual(docs.map((d) => d.id));
    // With a link window smaller than the archive, the older articles only rejoin their stories.
    const narrow = new Newsroom({ store: fromSqlite(store), clock, log: silentLog, storyLinkWindow: 2 });
    await narrow.buildIndex();
    expect(docs.map((d) => narrow.stories.storyOf(d.id))).toEqual(docs.map(() => docs[0]!.id));
    expect(docs.map((d) => narrow.stories.signatureBytes(d.id) !== undefined)).toEqual(docs.map((_, i) => i >= docs.length - 2));
    store.close();
  });

  it('links a report after a restart by the entities stored with an earlier one, reading no text, and groups an undated copy seen a week later', async () => {
    const { openStore } = await import('../src/core/store/index.ts');
    const { Newsroom } = await import('../src/core/newsroom/index.ts');
    const { silentLog } = await import('../src/core/deps.ts');
    const { fromSqlite } = await import('../src/core/store/sqlite-async.ts');
    let now = new Date('2026-11-29T08:00:00Z');
    const clock = { now: () => now };
    const store = openStore({ path: ':memory:', clock, log: silentLog });
    const page = (host: string) => labelled.find((d) => d.doc.sourceId === host && d.story === 'plague-cases-china-nov-2019')!.doc;
    const ingest = async (newsroom: InstanceType<typeof Newsroom>, d: StoryDoc, publishedAt: string | null, guid = d.id) => {
      const source = store.createSource({ guildId: 'g', channelId: null, addedBy: null, url: `https://${d.sourceId}/feed`, feedUrl: null, name: d.sourceId, kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
      const { inserted } = store.ingest(source.id, [{ article: { id: d.id, sourceId: source.id, title: d.title, byline: null, outlet: d.sourceId, dateline: null, tags: [], caption: null, body: d.body, editors: [], url: null, publishedAt }, dedupeKey: `guid:${guid}`, contentHash: d.id }], { announce: true });
      await newsroom.indexArticles(inserted.map((article) => ({ article, firstSeenAt: now.toISOString() })));
      await newsroom.storiesStored();
    };
    const first = new Newsroom({ store: fromSqlite(store), clock, log: silentLog });
    await first.buildIndex();
    const sun = page('thesun.co.uk');
    await ingest(first, sun, '2026-11-29T07:00:00.000Z');
    // A restart: the store gives back signatures, entities and story ids; no article's text is read.
    const reads: string[] = [];
    const counting = fromSqlite(store);
    const getArticle = counting.getArticle.bind(counting);
    counting.getArticle = (id: string) => {
      reads.push(id);
      return getArticle(id);
    };
    const restarted = new Newsroom({ store: counting, clock, log: silentLog });
    await restarted.buildIndex();
    expect(reads).toEqual([]);
    // An independent report of the same cases, a few hours later, shares too few words to be a copy:
    // it joins the story through the names and figures stored with the first.
    now = new Date('2026-11-29T11:00:00Z');
    const express = page('express.co.uk');
    await ingest(restarted, express, '2026-11-29T10:00:00.000Z');
    expect(restarted.stories.storyOf(express.id)).toBe(sun.id);
    // An undated syndicated copy of the first, fetched a week later, is the same story.
    now = new Date('2026-12-06T11:00:00Z');
    const copy = { ...sun, id: 'plague-wire-copy', sourceId: 'wire.example', title: `${sun.title} | Wire` };
    await ingest(restarted, copy, null);
    expect(restarted.stories.storyOf(copy.id)).toBe(sun.id);
    expect(store.db.prepare('SELECT story_id FROM articles WHERE id = ?').get(copy.id)).toEqual({ story_id: sun.id });
    store.close();
  });
});
