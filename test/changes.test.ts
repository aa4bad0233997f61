import { describe, expect, it } from 'vitest';
import type { Article } from '../src/core/article.ts';
import { classifyChange, findCorrectionNote } from '../src/core/changes/compare.ts';
import { diffWords, renderDiff, splitWords } from '../src/core/changes/word-diff.ts';
import { silentLog } from '../src/core/deps.ts';
import { openStore } from '../src/core/store/index.ts';
import { renderChangesReply } from '../src/replies/changes-reply.ts';
import { seedArticles } from './helpers/seed-articles.ts';

const seeds = seedArticles();
/** Seed 003 (Daily NK, with a byline): a real article to edit the way newsrooms do. */
const base: Article = { ...seeds.get('003')!, url: 'https://www.dailynk.com/english/hunting-source/', publishedAt: '2024-11-05T09:00:00Z' };

function edit(patch: Partial<Article>): Article {
  return { ...base, ...patch };
}

describe('classifying a change between two versions', () => {
  const p0 = base.body[0]!;
  it.each([
    ['whitespace only', edit({ title: `  ${base.title.replace(/ /g, '  ')} `, body: base.body.map((p) => p.replace(/ /g, ' \n ')) }), null],
    ['markup only', edit({ body: [`<p>${p0.replace('North Korea', '<b>North Korea</b>')}</p>`, ...base.body.slice(1)] }), null],
    ['tracking parameters only', edit({ url: `${base.url}?utm_source=rss&utm_medium=feed&fbclid=abc` }), null],
    ['curly vs straight quotes only', edit({ body: base.body.map((p) => p.replace(/[“”]/g, '"').replace(/[‘’]/g, "'")) }), null],
    ['the same date written differently', edit({ publishedAt: '2024-11-05T18:00:00+09:00' }), null],
    ['headline', edit({ title: 'North Korea hunts leakers of soldier deployment reports' }), { kinds: ['headline'], share: 0, note: null }],
    ['byline', edit({ byline: 'Moon Sung Whui and Jeong Tae Joo' }), { kinds: ['byline'], share: 0, note: null }],
    ['date', edit({ publishedAt: '2024-11-06T09:00:00Z' }), { kinds: ['date'], share: 0, note: null }],
  ] as Array<[string, Article, unknown]>)('%s', (_name, after, expected) => {
    expect(classifyChange(base, after)).toEqual(expected);
  });

  it('measures a body edit as the share of words changed', () => {
    const after = edit({ body: [p0.replace('searching for the source', 'hunting down the source'), ...base.body.slice(1)] });
    const c = classifyChange(base, after)!;
    expect(c.kinds).toEqual(['body']);
    // 2 words removed + 2 added over the old and new word counts (534 + 534).
    expect(c.share.toFixed(4)).toBe('0.0037');
    expect(renderDiff(diffWords(splitWords(base.body.join(' ')), splitWords(after.body.join(' '))), 500)).toBe(
      'Authorities in North Korea are ~~searching for~~ **hunting down** the source of reports that North …',
    );
  });

  it.each([
    ['Correction: An earlier version of this story misstated the date of the deployment.', 'Correction: An earlier version of this story misstated the date of the deployment.'],
    ['CLARIFICATION — This article was updated to say the figures are estimates.', 'CLARIFICATION — This article was updated to say the figures are estimates.'],
    ["Editor's note: This story has been updated with comment from the ministry.", "Editor's note: This story has been updated with comment from the ministry."],
    ['The report was filed on Monday. This story has been updated to include the ministry response.', 'This story has been updated to include the ministry response.'],
    ['An earlier version of this article incorrectly named the province.', 'An earlier version of this article incorrectly named the province.'],
    ['[정정] 본지 11월 5일자 기사에서 파병 시기를 바로잡습니다.', '[정정] 본지 11월 5일자 기사에서 파병 시기를 바로잡습니다.'],
    ['정정: 기사 중 병력 규모를 1만 명으로 바로잡습니다.', '정정: 기사 중 병력 규모를 1만 명으로 바로잡습니다.'],
    ['이 기사는 11월 6일 오전 수정되었습니다.', '이 기사는 11월 6일 오전 수정되었습니다.'],
  ])('finds the correction note in %j', (paragraph, note) => {
    const after = edit({ body: [...base.body, paragraph] });
    const c = classifyChange(base, after)!;
    expect(c.kinds).toEqual(['correction', 'body']);
    expect(c.note).toBe(note);
  });

  it.each([
    'The ministry issued a correction of its earlier figures on Tuesday.',
    'Officials said the update to the law would take effect next year.',
    '정부는 수정안을 다음 주에 발표할 예정이다.',
  ])('does not take a story mentioning corrections for a correction note: %j', (paragraph) => {
    expect(findCorrectionNote([paragraph])).toBeNull();
    expect(classifyChange(base, edit({ body: [...base.body, paragraph] }))!.kinds).toEqual(['body']);
  });
});

describe('word diffs for Discord', () => {
  it.each([
    ['Troops gather at Wonsan', 'Troops mass near Wonsan port', 'Troops ~~gather at~~ **mass near** Wonsan **port**'],
    ['Kim said **nothing** about ~~it~~', 'Kim said @everyone nothing about it', 'Kim said ~~\\*\\*nothing\\*\\*~~ **@\u200beveryone nothing** about ~~\\~\\~it\\~\\~~~ **it**'],
    ['a b c d e f g h i j k l m n o p q r s t', 'a b c d e f g h i j X l m n o p q r s t', '… e f g h i j ~~k~~ **X** l m n o p q …'],
  ])('%j → %j', (before, after, expected) => {
    expect(renderDiff(diffWords(splitWords(before), splitWords(after)), 500)).toBe(expected);
  });

  it('stops within its budget and says how many changes it left out', () => {
    const before = base.body.join(' ');
    const after = before.replace(/\bthe\b/g, 'THE-EDITED');
    const out = renderDiff(diffWords(splitWords(before), splitWords(after)), 400);
    expect(out.length).toBeLessThanOrEqual(400);
    expect(out).toMatch(/… \(\d+ more changes\)$/);
  });
});

describe('versions in the store', () => {
  it('keeps each earlier version, and marks a deleted item with its last version', () => {
    let now = Date.parse('2026-11-29T08:00:00Z');
    const clock = { now: () => new Date(now) };
    const store = openStore({ path: ':memory:', clock, log: silentLog });
    const source = store.createSource({ guildId: 'g', channelId: null, addedBy: null, url: 'https://dailynk.example/feed', feedUrl: null, name: 'Daily NK', kind: 'rss', intervalMinutes: 30, fullText: false, nextFetchAt: null });
    const ingest = (a: Article, hash: string) => store.ingest(source.id, [{ article: a, dedupeKey: 'guid:1', contentHash: hash }], { announce: true });
    const first = ingest(base, 'h1').inserted[0]!;
    now += 3_600_000;
    expect(ingest(edit({ body: base.body.map((p) => ` ${p} `) }), 'h2').changes).toBeUndefined();
    now += 3_600_000;
    const changed = ingest(edit({ title: 'North Korea hunts leakers of soldier deployment reports' }), 'h3');
    expect(changed.changes).toEqual([{ articleId: first.id, versionId: 1, kinds: ['headline'] }]);
    now += 3_600_000;
    const deleted = store.markDeleted(first.id)!;
    expect(deleted.kinds).toEqual(['deleted']);
    const versions = store.listVersions(first.id);
    expect(versions.map((v) => [v.version, v.title, v.seenAt, v.replacedAt, v.kinds])).toEqual([
      [1, base.title, '2026-11-29T08:00:00.000Z', '2026-11-29T10:00:00.000Z', ['headline']],
      [2, 'North Korea hunts leakers of soldier deployment reports', '2026-11-29T10:00:00.000Z', '2026-11-29T11:00:00.000Z', ['deleted']],
    ]);
    expect(store.articleState(first.id)).toMatchObject({ edits: 1, deletedAt: '2026-11-29T11:00:00.000Z', versionSeenAt: '2026-11-29T10:00:00.000Z' });
    const reply = renderChangesReply({ article: store.getArticle(first.id)!, seenAt: '2026-11-29T10:00:00.000Z', deletedAt: '2026-11-29T11:00:00.000Z' }, versions, 0);
    expect(reply.content).toBe('**North Korea hunts leakers of soldier deployment reports** — edited 1 time, then deleted at the source');
    expect(reply.cards![0]!.description).toBe(
      `v1 · 2026-11-29 08:00 UTC · ${base.title}\nv2 · 2026-11-29 10:00 UTC · North Korea hunts leakers of soldier deployment reports\ndeleted · 2026-11-29 11:00 UTC`,
    );
    const ids = reply.buttons!.flat().map((b) => b.id);
    expect(ids).toEqual([`ch:${first.id}:0:p`, `ch:${first.id}:1:n`]);
    store.close();
  });

  it('versions the text of a full-text article when its page, fetched again after the item changed, reads differently', () => {
    const clock = { now: () => new Date('2026-11-29T08:00:00Z') };
    const store = openStore({ path: ':memory:', clock, log: silentLog });
    const source = store.createSource({ guildId: 'g', channelId: null, addedBy: null, url: 'https://dailynk.example/feed', feedUrl: null, name: 'Daily NK', kind: 'rss', intervalMinutes: 30, fullText: true, nextFetchAt: null });
    const teaser = edit({ body: [base.body[0]!.slice(0, 120)] });
    const id = store.ingest(source.id, [{ article: teaser, dedupeKey: 'guid:1', contentHash: 'h1', textOrigin: 'summary' }], { announce: true }).inserted[0]!.id;
    store.setFullText(id, base.body, null);
    expect(store.listVersions(id)).toEqual([]); // the first page replaces a teaser: not an edit
    store.ingest(source.id, [{ article: { ...teaser, body: [`${teaser.body[0]} (updated)`] }, dedupeKey: 'guid:1', contentHash: 'h2', textOrigin: 'summary' }], { announce: true });
    expect(store.listVersions(id)).toEqual([]); // the page text is kept until fetched again
    store.setFullText(id, [...base.body, 'Correction: An earlier version of this story misspelled the reporter’s name.'], null);
    expect(store.listVersions(id).map((v) => [v.version, v.kinds, v.note])).toEqual([[1, ['correction', 'body'], 'Correction: An earlier version of this story misspelled the reporter’s name.']]);
    store.close();
  });
});

describe('a diff once shown stays the diff of those two versions', () => {
  it('compares a version with the text it was compared with, not the full text that replaced it since', () => {
    const store = openStore({ path: ':memory:', clock: { now: () => new Date('2026-11-29T10:00:00Z') }, log: silentLog });
    const source = store.createSource({ guildId: 'g', channelId: null, addedBy: null, url: 'https://desk.example/feed', feedUrl: null, name: 'Desk', kind: 'rss', intervalMinutes: 30, fullText: true, nextFetchAt: null });
    const teaser = { ...base, body: ['Rice prices climbed in Hyesan, traders said.'] };
    const id = store.ingest(source.id, [{ article: teaser, dedupeKey: 'guid:rice', contentHash: 'h1', textOrigin: 'summary' }], { announce: true }).inserted[0]!.id;
    const corrected = { ...teaser, body: [...teaser.body, 'Correction: An earlier version misstated the price.'] };
    store.ingest(source.id, [{ article: corrected, dedupeKey: 'guid:rice', contentHash: 'h2', textOrigin: 'summary' }], { announce: true });
    const before = renderChangesReply({ article: store.getArticle(id)!, seenAt: '2026-11-29T10:00:00.000Z', deletedAt: null }, store.listVersions(id), 0);
    expect(before.cards![1]!.description).toContain('**¶ Correction: An earlier version misstated the price.**');
    store.setFullText(id, ['Market traders in Hyesan said on Tuesday that the price of rice had risen sharply.'], null);
    const after = renderChangesReply({ article: store.getArticle(id)!, seenAt: '2026-11-29T10:00:00.000Z', deletedAt: null }, store.listVersions(id), 0);
    expect(after.cards![1]).toEqual(before.cards![1]);
  });
});
