import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../src/core/article.ts';
import { ArticleIndex, type SearchFilters } from '../src/core/search/article-index.ts';
import { loadSnapshot, writeSnapshot } from '../src/core/search/hot-snapshot.ts';
import { parseQuery } from '../src/core/search/query.ts';
import { tokenize } from '../src/core/text/tokenize.ts';
import { seedArticles } from './helpers/seed-articles.ts';

const seeds = seedArticles();
const byId = new Map<string, Article>();
for (const a of seeds.values()) byId.set(a.id, a);
const fileOf = (id: string) => [...seeds.entries()].find(([, a]) => a.id === id)![0];

function indexWith(extra: Article[] = [], firstSeenAt = '2026-01-10T00:00:00Z'): ArticleIndex {
  for (const a of extra) byId.set(a.id, a);
  const index = new ArticleIndex((id) => byId.get(id));
  index.addMany([...seeds.values(), ...extra].map((article) => ({ article, firstSeenAt })));
  return index;
}
const index = indexWith();
const top = (q: string, i = index) => i.search(parseQuery(q)).hits.map((h) => fileOf(h.id));

describe('relevance: realistic reporter queries → expected top article', () => {
  it.each([
    ['letters of encouragement', '000'],
    ['Kimchaek party committee', '000'],
    ['unfamiliar voices phone calls', '000'],
    ['captured soldiers rumors', '001'],
    ['Military Security Command', '001'],
    ['General Political Bureau', '001'],
    ['ideological inspection families', '001'],
    ['Storm Corps', '002'],
    ['death notices', '002'],
    ['guilt by association', '002'],
    ['French travel blogger', '002'],
    ['Zelenskyy', '002'],
    ['Pentagon 10,000 troops', '003'],
    ['Kim Il Sung University', '003'],
    ['Pyongyang University of Music and Dance', '003'],
    ['Moon Sung Whui', '003'],
    ['Kim Yo Jong defectors', '004'],
    ['"human trash"', '004'],
    ['pork candy alcohol', '004'],
    ['propaganda leaflets', '004'],
    ['troop deployment rumours', '001'],
  ])('%s → %s', (query, expected) => {
    expect(top(query)[0]).toBe(expected);
  });
});

describe('ArticleIndex', () => {
  it('ranks articles with every term before those with some', () => {
    const hits = index.search(parseQuery('Kimchaek Pentagon'), {}, { limit: 10 }).hits;
    expect(hits.every((h) => !h.allTerms)).toBe(true);
    const both = index.search(parseQuery('troops Ukraine'), {}, { limit: 10 });
    const flags = both.hits.map((h) => h.allTerms);
    expect(flags.indexOf(false) === -1 || flags.slice(flags.indexOf(false)).every((f) => !f)).toBe(true);
    expect(both.hits[0]!.allTerms).toBe(true);
  });

  it('matches quoted phrases only as consecutive words', () => {
    expect(top('"human trash"')).toEqual(['004']);
    expect(top('"trash human"')).toEqual([]);
    expect(top('"Kim Il Sung University"')).toEqual(['003']);
  });

  it('excludes -words', () => {
    const all = top('troops');
    const without = top('troops -Pentagon');
    expect(all).toContain('003');
    expect(without).not.toContain('003');
  });

  it('finds prefix and fuzzy matches and reports the document forms that matched', () => {
    const hit = index.search(parseQuery('rumours')).hits[0]!;
    expect(hit.terms[0]!.query).toBe('rumours');
    expect(hit.terms[0]!.forms).toEqual(expect.arrayContaining(['rumours', 'rumors']));
    const prefix = index.search(parseQuery('encourag'), {}, { limit: 10 }).hits;
    expect(prefix.map((h) => fileOf(h.id)).sort()).toEqual(['000', '004']);
    expect(prefix[0]!.terms[0]!.forms).toEqual(expect.arrayContaining(['encouragement']));
  });

  it('pages results and counts them all', () => {
    const page1 = index.search(parseQuery('North Korea'), {}, { offset: 0, limit: 2 });
    const page2 = index.search(parseQuery('North Korea'), {}, { offset: 2, limit: 2 });
    // Capitalised words are names, matched as typed: "Korea", not "Korean" (4 of the 5 seeds).
    expect(page1.total).toBe(4);
    expect(page1.hits).toHaveLength(2);
    expect(page2.hits.map((h) => h.id)).not.toEqual(page1.hits.map((h) => h.id));
  });

  it('filters by outlet or source id, and by date', () => {
    const wire: Article = { ...seeds.get('000')!, id: 'wire1', sourceId: 'g1-src', outlet: 'Border Wire', publishedAt: '2025-06-01T00:00:00Z', title: 'Troops seen at the border' };
    const i = indexWith([wire]);
    expect(i.search(parseQuery('troops'), { source: 'radio free asia' }).hits.map((h) => fileOf(h.id)).sort()).toEqual(['002', '003']);
    expect(i.search(parseQuery('troops'), { source: 'g1-src' }).hits.map((h) => h.id)).toEqual(['wire1']);
    expect(i.search(parseQuery('troops'), { since: new Date('2025-01-01'), until: new Date('2025-12-31') }).hits.map((h) => h.id)).toEqual(['wire1']);
    // Seeds have no publication date: their first-seen time stands in.
    expect(i.search(parseQuery('troops'), { since: new Date('2026-01-01') }).total).toBe(4);
    expect(i.search(parseQuery('troops'), { until: new Date('2024-12-31') }).total).toBe(0);
  });

  it('hides sources a server cannot see', () => {
    const secret: Article = { ...seeds.get('000')!, id: 'secret1', sourceId: 'guild-a-src', outlet: 'Zanzibar Wire', title: 'Zanzibar troops story', body: ['Troops landed in Zanzibar.'] };
    const i = indexWith([secret]);
    expect(i.search(parseQuery('zanzibar'), { visibleSources: new Set(['seeds']) }).total).toBe(0);
    expect(i.search(parseQuery('zanzibar'), { visibleSources: new Set(['seeds', 'guild-a-src']) }).total).toBe(1);
    expect(i.suggest('zanz', { visibleSources: new Set(['seeds']) })).toEqual([]);
    expect(i.suggest('zanz', { visibleSources: new Set(['seeds', 'guild-a-src']) })).toEqual(['zanzibar']);
    expect(i.titles('zanzibar', { visibleSources: new Set(['seeds']) })).toEqual([]);
    expect(i.outlets({ visibleSources: new Set(['seeds']) })).toEqual(['Daily NK', 'Radio Free Asia']);
  });

  it('removes and re-adds documents', () => {
    const i = indexWith();
    const id = seeds.get('002')!.id;
    i.remove(id);
    expect(top('Storm Corps', i)).toEqual([]);
    expect(i.size).toBe(4);
    i.add(seeds.get('002')!);
    expect(top('Storm Corps', i)).toEqual(['002']);
    i.add({ ...seeds.get('002')!, body: ['Replaced body about submarines.'] });
    expect(top('Storm Corps', i)).toEqual([]);
    expect(top('submarines', i)).toEqual(['002']);
    expect(i.size).toBe(5);
  });

  it('removing, replacing and evicting documents leaves exactly the postings of a fresh index over what remains', async () => {
    /** Every posting as (term, field, article id, frequency), independent of internal document numbers. */
    const postings = (i: ArticleIndex) => {
      const m = i.engine;
      const out: string[] = [];
      for (const [term, fields] of m.vocabulary) for (const [field, docs] of fields) for (const [short, n] of docs) out.push(`${term}|${field}|${m.idOfShort(short)}|${n}`);
      return { postings: out.sort(), dirt: m.dirtCount, terms: i.termCount };
    };
    const list = [...seeds.values()];
    const extra = list.map((a, k) => ({ ...a, id: `${a.id}-copy`, title: `${a.title} (wire ${k})`, body: [...a.body.slice(0, 2), `Unique word zq${k}x appears once.`] }));
    const churned = new ArticleIndex((id) => byId.get(id));
    [...list, ...extra].forEach((article, k) => churned.add(article, { seq: k + 1 }));
    churned.remove(extra[1]!.id);
    churned.add({ ...extra[2]!, body: ['Replaced body about submarines.'] }, { seq: 8 });
    churned.evictOldest(3);
    const remaining = [...list.slice(3), extra[0]!, { ...extra[2]!, body: ['Replaced body about submarines.'] }, ...extra.slice(3)];
    const fresh = new ArticleIndex((id) => byId.get(id));
    for (const article of remaining) fresh.add(article);
    expect(postings(churned)).toEqual(postings(fresh));
    expect(postings(churned).dirt).toBe(0);
    // Words only the removed documents had are gone from the vocabulary.
    expect(postings(churned).postings.some((p) => p.startsWith('zq1x|'))).toBe(false);
    expect(churned.search(parseQuery('submarines')).hits.map((h) => h.id)).toEqual([extra[2]!.id]);

    // After a snapshot round trip: documents from the snapshot leave through MiniSearch's vacuum,
    // documents added since are removed exactly.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-postings-'));
    try {
      await writeSnapshot(path.join(dir, 'hot'), churned, { generation: 1, floor: 0, maxSeq: 10 });
      const loaded = new ArticleIndex((id) => byId.get(id));
      expect((await loadSnapshot(path.join(dir, 'hot'), loaded, { generation: 1, check: () => null })).ok).toBe(true);
      expect(postings(loaded)).toEqual(postings(fresh));
      loaded.evictOldest(2);
      fresh.remove(remaining[0]!.id);
      fresh.remove(remaining[1]!.id);
      await loaded.engine.vacuum();
      expect(postings(loaded)).toEqual(postings(fresh));
      const late = { ...list[0]!, id: 'late', body: ['A late report on zqlatex.'] };
      loaded.add(late, { seq: 20 });
      loaded.remove(remaining[2]!.id);
      fresh.remove(remaining[2]!.id);
      await loaded.engine.vacuum();
      loaded.remove('late');
      expect(postings(loaded)).toEqual(postings(fresh));
      expect(postings(loaded).dirt).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ranks from postings exactly as a fresh index after a window churned by evictions, under every filter', async () => {
    const { streamCorpus } = await import('../bench/corpus.ts');
    // 3,000 articles through a window of 400 (one eviction per add past it): thousands of removals,
    // so the per-document maps and common terms' postings are copied afresh along the way. Three
    // paragraphs of each are enough for that (common words are in every one), at a fraction of the work.
    const stream = [...streamCorpus(3000).articles].map((a, k) => ({ ...a, body: a.body.slice(0, 3), sourceId: `src${k % 4}` }));
    const churned = new ArticleIndex(() => undefined);
    stream.forEach((a, k) => {
      churned.add(a, { seq: k + 1 });
      if (churned.size > 400) churned.evictOldest(1);
    });
    const kept = stream.slice(-400);
    const fresh = new ArticleIndex(() => undefined);
    kept.forEach((a, k) => fresh.add(a, { seq: stream.length - 400 + k + 1 }));
    const outlet = kept[7]!.outlet!;
    const mid = Date.parse(kept[200]!.publishedAt!);
    // Each filter with what it means, written out over the articles themselves.
    const filters: Array<[SearchFilters | undefined, (a: Article) => boolean]> = [
      [undefined, () => true],
      [{ visibleSources: new Set(['src1', 'src3']) }, (a) => a.sourceId === 'src1' || a.sourceId === 'src3'],
      [{ source: outlet.toUpperCase() }, (a) => a.outlet === outlet],
      [{ source: 'src2' }, (a) => a.sourceId === 'src2'],
      [{ since: new Date(mid) }, (a) => Date.parse(a.publishedAt!) >= mid],
      [{ until: new Date(mid), visibleSources: new Set(['src0', 'src1', 'src2']) }, (a) => Date.parse(a.publishedAt!) <= mid && a.sourceId !== 'src3'],
    ];
    const words = [...new Set(kept.slice(0, 40).flatMap((a) => a.title.toLowerCase().split(/\W+/)).filter((w) => w.length > 4))].slice(0, 12);
    // Each article's words, read once (tokenising every article again per word and filter was most of this test's time).
    const wordsOf = new Map(kept.map((a) => [a.id, new Set([a.title, ...a.body, a.byline ?? '', a.tags.join(' '), a.outlet ?? ''].flatMap((t) => tokenize(t)))]));
    const holds = (a: Article, w: string) => wordsOf.get(a.id)!.has(w);
    const check = (i: ArticleIndex, docs: Article[]) => {
      let compared = 0;
      for (const w of words) {
        for (const [f, keep] of filters) {
          const got = i.rankExact(parseQuery(w), f, 1000);
          const want = new Set(docs.filter((a) => keep(a) && holds(a, w)).map((a) => a.id));
          expect(got.total).toBe(want.size);
          expect(new Set(got.hits.map((h) => h.id))).toEqual(want);
          const b = fresh.rankExact(parseQuery(w), f, 1000);
          if (docs === kept) for (const [k, h] of got.hits.entries()) expect(h.score).toBeCloseTo(b.hits[k]!.score, 9);
          compared += want.size;
        }
      }
      // The filters matched something: not an agreement over empty results.
      expect(compared).toBeGreaterThan(500);
    };
    check(churned, kept);
    check(fresh, kept);
    // Loaded from a snapshot, evicted documents leave their postings to MiniSearch's vacuum: still never ranked.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-rank-'));
    try {
      await writeSnapshot(path.join(dir, 'hot'), churned, { generation: 1, floor: 0, maxSeq: 3000 });
      const loaded = new ArticleIndex(() => undefined);
      expect((await loadSnapshot(path.join(dir, 'hot'), loaded, { generation: 1, check: () => null })).ok).toBe(true);
      check(loaded, kept);
      loaded.evictOldest(100);
      check(loaded, kept.slice(100));
      // A deleted article inside the window (above the floor) likewise.
      loaded.remove(kept[150]!.id);
      check(loaded, kept.slice(100).filter((a) => a.id !== kept[150]!.id));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // CPU-bound (a few seconds alone on a core): on a busy machine it gets a share of one.
  }, 120_000);

  it('suggests completions for autocomplete', () => {
    expect(index.suggest('tro').slice(0, 2)).toEqual(['troops', 'troop']);
    expect(index.suggest('kim yo j')[0]).toBe('kim yo jong');
    expect(index.suggest('storm c')[0]).toBe('storm corps');
    expect(index.suggest('')).toEqual([]);
    for (const s of index.suggest('a')) expect(s.length).toBeLessThanOrEqual(100);
    expect(index.suggest('a').length).toBeLessThanOrEqual(25);
  });

  it('finds titles for /article autocomplete', () => {
    expect(index.titles('hunting source').map((t) => t.title)).toEqual(['North Korea Hunting For Source Of Reports On Soldier Deployment To Ukraine Conflict']);
    expect(index.titles('', undefined, 3)).toHaveLength(3);
  });
});
