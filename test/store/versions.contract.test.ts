// The store contract for versions and deletions (see contract-harness.ts).
import { beforeEach, expect, it } from 'vitest';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import { contractSuite, addSourceTo, type SourceOptions, FakeClock, item, type Harness } from './contract-harness.ts';

contractSuite('versions', (live) => {
  let kind: 'sqlite' | 'postgres';
  let store: AsyncStore;
  let h: Harness;
  let clock: FakeClock;
  beforeEach(() => {
    ({ kind, store, h, clock } = live());
  });

  const addSource = (guildId: string, url?: string, over?: SourceOptions) => addSourceTo(store, guildId, url, over);

  it('keeps every earlier version a reader could tell apart, deletions, and lists changes after a watermark', async () => {
    const s = await addSource('g1');
    const other = await addSource('g2', 'https://example.org/elsewhere');
    await store.ingest(s.id, [item('a', { id: 'art', title: 'Troops sent to Russia' })], { announce: true });
    await store.ingest(other.id, [item('b', { id: 'other', title: 'Elsewhere' })], { announce: true });
    expect(await store.maxVersionId()).toBe(0);
    // Only whitespace differs: a new hash, not a new version.
    clock.advance(60_000);
    const cosmetic = await store.ingest(s.id, [item('a', { id: 'art', title: 'Troops  sent to Russia ' }, 'h-a2')], { announce: true });
    expect(cosmetic.changes).toBeUndefined();
    clock.advance(60_000);
    const edited = await store.ingest(s.id, [item('a', { id: 'art', title: 'Troops recalled from Russia' }, 'h-a3')], { announce: true });
    expect(edited.changes).toEqual([{ articleId: 'art', versionId: 1, kinds: ['headline'] }]);
    await store.ingest(other.id, [item('b', { id: 'other', title: 'Elsewhere, again' }, 'h-b2')], { announce: true });
    const versions = await store.listVersions('art');
    expect(versions).toEqual([
      {
        id: 1, articleId: 'art', version: 1, title: 'Troops  sent to Russia ', byline: null, publishedAt: '2026-02-28T08:00:00.000Z',
        body: ['First paragraph.', 'Second paragraph.'], url: 'https://example.org/a', seenAt: '2026-03-01T10:00:00.000Z', replacedAt: '2026-03-01T10:02:00.000Z',
        kinds: ['headline'], share: 0, note: null, afterBody: null,
      },
    ]);
    expect(await store.articleState('art')).toEqual({ firstSeenAt: '2026-03-01T10:00:00.000Z', versionSeenAt: '2026-03-01T10:02:00.000Z', deletedAt: null, storyId: null, edits: 1 });
    expect(await store.maxVersionId()).toBe(2);
    const changes = await store.changesAfter([s.id], 0, 2);
    expect(changes.map((c) => [c.version.id, c.article.id, c.article.title])).toEqual([[1, 'art', 'Troops recalled from Russia']]);
    expect(await store.changesAfter([s.id], 1, 2)).toEqual([]);
    expect(await store.changesAfter([], 0, 2)).toEqual([]);
    // Deleted at the source: its last version kept as "deleted", once.
    expect(await store.vanishedItems(s.id, new Set(['zzz']), '2026-03-01T00:00:00.000Z', 5)).toEqual([{ id: 'art', url: 'https://example.org/a' }]);
    expect(await store.vanishedItems(s.id, new Set(['a']), '2026-03-01T00:00:00.000Z', 5)).toEqual([]);
    clock.advance(60_000);
    const gone = await store.markDeleted('art');
    expect(gone).toMatchObject({ id: 3, version: 2, title: 'Troops recalled from Russia', kinds: ['deleted'], seenAt: '2026-03-01T10:02:00.000Z', replacedAt: '2026-03-01T10:03:00.000Z' });
    expect(await store.markDeleted('art')).toBeUndefined();
    expect(await store.articleState('art')).toMatchObject({ deletedAt: '2026-03-01T10:03:00.000Z', edits: 1 });
    expect(await store.vanishedItems(s.id, new Set(), '2026-03-01T00:00:00.000Z', 5)).toEqual([]);
    await store.markGoneChecked('other');
    expect(await store.vanishedItems(other.id, new Set(), '2026-03-01T00:00:00.000Z', 5)).toEqual([]);
    expect(await store.articleState('nothing')).toBeUndefined();
  });

  it('keeps a re-fetched page that reads differently as a new version', async () => {
    const s = await addSource('g1', undefined, { fullText: true });
    await store.ingest(s.id, [item('a', { id: 'p', body: ['Teaser.'] }, 'h1', 'summary')], { announce: true });
    await store.setFullText('p', ['The whole page text about troops.'], null);
    // The teaser changed: the page text is kept, marked stale, until the page is fetched again.
    await store.ingest(s.id, [item('a', { id: 'p', body: ['Another teaser.'] }, 'h2', 'summary')], { announce: true });
    expect(await store.listVersions('p')).toEqual([]);
    clock.advance(1000);
    await store.setFullText('p', ['The whole page text about troops, corrected and rewritten entirely.'], null);
    const v = await store.listVersions('p');
    expect(v.map((x) => [x.version, x.body, x.kinds])).toEqual([[1, ['The whole page text about troops.'], ['body']]]);
    expect((await store.articleState('p'))!.versionSeenAt).toBe('2026-03-01T10:00:01.000Z');
  });

  it('keeps the text a change was compared with when the page\'s full text replaces it later', async () => {
    const s = await addSource('g1', undefined, { fullText: true });
    await store.ingest(s.id, [item('a', { id: 'f', title: 'Rice prices climb', body: ['Rice prices climbed.'] }, 'h1', 'summary')], { announce: true });
    clock.advance(1000);
    await store.ingest(s.id, [item('a', { id: 'f', title: 'Rice prices climb', body: ['Rice prices climbed.', 'Correction: an earlier version misstated the price.'] }, 'h2', 'summary')], { announce: true });
    expect((await store.listVersions('f')).map((v) => v.afterBody)).toEqual([null]);
    // The first page fetch replaces the feed's text: not an edit, but the diff must not change.
    await store.setFullText('f', ['The whole page, which words things differently.'], null);
    const [v1] = await store.listVersions('f');
    expect(v1!.body).toEqual(['Rice prices climbed.']);
    expect(v1!.afterBody).toEqual(['Rice prices climbed.', 'Correction: an earlier version misstated the price.']);
    await store.setFullText('f', ['Fetched again.'], null);
    expect((await store.listVersions('f'))[0]!.afterBody).toEqual(['Rice prices climbed.', 'Correction: an earlier version misstated the price.']);
  });
});
