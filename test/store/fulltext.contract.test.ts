// The store contract for full text: pending pages, failures, coverage (see contract-harness.ts).
import { beforeEach, expect, it } from 'vitest';
import type { AsyncStore } from '../../src/core/store/async-store.ts';
import { contractSuite, addSourceTo, type SourceOptions, item } from './contract-harness.ts';

contractSuite('fulltext', (live) => {
  let store: AsyncStore;
  beforeEach(() => {
    ({ store } = live());
  });

  const addSource = (guildId: string, url?: string, over?: SourceOptions) => addSourceTo(store, guildId, url, over);

  it('tracks full text: pending pages, failures, a fetched page kept over a changed teaser, coverage', async () => {
    const s = await addSource('g1', 'https://ft/feed', { fullText: true });
    await store.ingest(s.id, [
      item('p1', { id: 'p1', url: 'https://ft/1', body: ['Teaser one.'] }, 'h1', 'summary'),
      item('p2', { id: 'p2', url: 'https://ft/2', body: ['Teaser two.'] }, 'h2', 'summary'),
      item('p3', { id: 'p3', url: null, body: ['No link.'] }, 'h3', 'summary'),
      item('f1', { id: 'f1' }, 'h4'),
    ], { announce: true });
    expect(await store.pendingFullText(s.id, 3, 10)).toEqual([{ id: 'p2', url: 'https://ft/2' }, { id: 'p1', url: 'https://ft/1' }]);
    expect(await store.sourcesWithPendingFullText(3)).toEqual([s.id]);
    expect(await store.fullTextCoverage(s.id, 3)).toEqual({ total: 4, complete: 1, pending: 2, failed: 1, lastError: null });
    const page = await store.setFullText('p1', ['Whole paragraph one.', 'Whole paragraph two.'], 'Jane Roe');
    expect(page).toMatchObject({ id: 'p1', body: ['Whole paragraph one.', 'Whole paragraph two.'], byline: 'Jane Roe' });
    expect(await store.setFullText('gone', ['x'], null)).toBeUndefined();
    for (let i = 0; i < 3; i++) await store.recordFullTextFailure('p2', `page "https://ft/2": HTTP 503 (try ${i + 1})`);
    expect(await store.fullTextCoverage(s.id, 3)).toEqual({ total: 4, complete: 2, pending: 0, failed: 2, lastError: 'page "https://ft/2": HTTP 503 (try 3)' });
    expect(await store.sourcesWithPendingFullText(3)).toEqual([]);
    await store.resetFullTextFailures(s.id);
    expect(await store.pendingFullText(s.id, 3, 10)).toEqual([{ id: 'p2', url: 'https://ft/2' }]);
    // The feed changes p1's teaser: the fetched page text stays, marked stale.
    const r = await store.ingest(s.id, [item('p1', { id: 'p1', url: 'https://ft/1', title: 'New title', body: ['New teaser.'] }, 'h1b', 'summary')], { announce: true });
    expect(r.updated.map((a) => [a.id, a.title, a.body])).toEqual([['p1', 'New title', ['Whole paragraph one.', 'Whole paragraph two.']]]);
    expect((await store.getArticle('p1'))!.body).toEqual(['Whole paragraph one.', 'Whole paragraph two.']);
    expect(await store.pendingFullText(s.id, 3, 10)).toEqual([{ id: 'p2', url: 'https://ft/2' }, { id: 'p1', url: 'https://ft/1' }]);
  });
});
