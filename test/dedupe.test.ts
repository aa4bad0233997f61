import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../src/core/feeds/charset.ts';
import { contentHash, dedupeKey, normalizeLink, type DedupeFields } from '../src/core/feeds/dedupe.ts';
import { parseFeed } from '../src/core/feeds/parse-feed.ts';

const CORPORA = path.resolve(import.meta.dirname, '../../shared/corpora');
const NOW = new Date('2030-01-01T00:00:00Z');

describe('normalizeLink', () => {
  it.each([
    ['lower-cases the host and drops www.', 'https://WWW.Example.ORG/Path/Case', 'https://example.org/Path/Case'],
    ['drops the fragment', 'https://example.org/a#comments', 'https://example.org/a'],
    ['drops utm_* and click IDs, keeps the rest', 'https://example.org/a?utm_source=rss&utm_medium=feed&id=2&fbclid=abc&gclid=x&msclkid=y', 'https://example.org/a?id=2'],
    ['drops newsletter and referral markers', 'https://example.org/a?mc_cid=1&mc_eid=2&ref=twitter&_hsenc=p&at_medium=RSS&at_campaign=KARANGA', 'https://example.org/a'],
    ['sorts the remaining parameters', 'https://example.org/?b=2&a=1&a=0', 'https://example.org/?a=0&a=1&b=2'],
    ['keeps parameters that can select the page', 'https://example.org/view?source=123&share=x&p=4', 'https://example.org/view?p=4&share=x&source=123'],
    ['drops default ports and folds http into https', 'http://example.org:80/a', 'https://example.org/a'],
    ['drops the https default port', 'https://example.org:443/a', 'https://example.org/a'],
    ['keeps other ports', 'https://example.org:8443/a', 'https://example.org:8443/a'],
    ['drops a trailing slash on a path', 'https://example.org/news/story/', 'https://example.org/news/story'],
    ['keeps the root slash', 'https://example.org', 'https://example.org/'],
    ['drops credentials', 'https://user:pw@example.org/a', 'https://example.org/a'],
    ['drops an empty query', 'https://example.org/a?', 'https://example.org/a'],
    ['drops a trailing dot on the host', 'https://example.org./a', 'https://example.org/a'],
    ['punycodes international hosts', 'https://BÜCHER.example/a', 'https://xn--bcher-kva.example/a'],
    ['trims what is not a URL', '  not a url  ', 'not a url'],
    ['leaves non-web schemes alone', 'urn:uuid:1234', 'urn:uuid:1234'],
  ])('%s', (_what, input, expected) => {
    expect(normalizeLink(input)).toBe(expected);
  });

  it('maps every tracking variant of a real feed link to one key', () => {
    const base = 'https://www.theguardian.com/world/2017/jun/01/story';
    const variants = [base, `${base}?utm_source=rss`, `${base}#comments`, `${base}/`, base.replace('https:', 'http:'), `${base}?CMP=share&utm_campaign=x`.replace('CMP=share&', '')];
    expect(new Set(variants.map(normalizeLink))).toEqual(new Set(['https://theguardian.com/world/2017/jun/01/story']));
  });
});

describe('dedupeKey', () => {
  const item = (over: Partial<DedupeFields>): DedupeFields => ({ guid: null, url: null, title: 'Title', body: ['Body text.'], summary: null, ...over });

  it('prefers the GUID, then the normalised link, then a hash of title and text', () => {
    expect(dedupeKey(item({ guid: ' g1 ', url: 'https://x.example/1' }))).toBe('guid:g1');
    expect(dedupeKey(item({ url: 'https://www.x.example/1?utm_medium=rss#top' }))).toBe('link:https://x.example/1');
    // sha256 of the normalised (lower-cased, whitespace-collapsed) title and text.
    const sha = createHash('sha256').update('title\u0000body text.').digest('hex');
    expect(dedupeKey(item({}))).toBe(`hash:${sha.slice(0, 32)}`);
  });

  it('treats an empty GUID or link as absent', () => {
    expect(dedupeKey(item({ guid: '   ', url: 'https://x.example/1' }))).toBe('link:https://x.example/1');
    expect(dedupeKey(item({ guid: '', url: '  ' }))).toMatch(/^hash:[0-9a-f]{32}$/);
  });

  it('keeps the hash key through cosmetic edits (case, spacing, full-width forms) and changes it for real ones', () => {
    const key = dedupeKey(item({ title: 'Breaking: Rates Rise', body: ['The bank  raised rates.', 'More soon.'] }));
    expect(dedupeKey(item({ title: '  breaking: rates rise ', body: ['The bank raised rates.\nMore soon.'] }))).toBe(key);
    expect(dedupeKey(item({ title: 'Ｂreaking: Rates Rise', body: ['The bank raised rates.', 'More soon.'] }))).toBe(key);
    expect(dedupeKey(item({ title: 'Breaking: Rates Fall', body: ['The bank raised rates.', 'More soon.'] }))).not.toBe(key);
  });

  it('falls back to the summary when there is no body', () => {
    expect(dedupeKey(item({ body: [], summary: 'Body text.' }))).toBe(dedupeKey(item({})));
  });

  it('hashes hostile, very long GUIDs and links instead of storing them', () => {
    expect(dedupeKey(item({ guid: 'g'.repeat(5000) }))).toMatch(/^guid#[0-9a-f]{40}$/);
    expect(dedupeKey(item({ url: `https://x.example/${'a'.repeat(5000)}` }))).toMatch(/^link#[0-9a-f]{40}$/);
    expect(dedupeKey(item({ guid: 'g'.repeat(5000) }))).not.toBe(dedupeKey(item({ guid: `${'g'.repeat(4999)}h` })));
  });

  it('gives duplicate GUIDs in a real feed one key, and GUID-less items their link', () => {
    const doc = `<rss version="2.0"><channel><title>t</title>
      <item><title>Story</title><guid isPermaLink="false">abc-1</guid><link>https://n.example/story?utm_source=rss</link></item>
      <item><title>Story (updated)</title><guid isPermaLink="false">abc-1</guid><link>https://n.example/story</link></item>
      <item><title>No GUID</title><link>https://www.n.example/other/?utm_campaign=feed#x</link></item>
      <item><title>No GUID again</title><link>http://n.example/other</link></item>
      <item><title>Neither</title><description>Only text</description></item>
    </channel></rss>`;
    const keys = parseFeed(doc, { url: 'https://n.example/feed', now: NOW }).items.map(dedupeKey);
    expect(keys.slice(0, 4)).toEqual(['guid:abc-1', 'guid:abc-1', 'link:https://n.example/other', 'link:https://n.example/other']);
    expect(keys[4]).toMatch(/^hash:[0-9a-f]{32}$/);
  });

  it('gives every item of the real corpus feeds a distinct key', () => {
    for (const file of ['guardian.rss', 'heise.atom', 'reddit.rss', 'craigslist.rss', 'giantbomb-podcast.rss']) {
      const bytes = fs.readFileSync(path.join(CORPORA, 'feeds/rss-parser/input', file));
      const items = parseFeed(decodeBody(bytes, null).text, { url: 'https://x.example/feed', now: NOW }).items;
      expect(new Set(items.map(dedupeKey)).size, file).toBe(items.length);
    }
  });
});

describe('contentHash', () => {
  const base: DedupeFields = { guid: 'g', url: 'https://x.example/1', title: 'T', body: ['a', 'b'], summary: 's' };

  it('is stable for the same content', () => {
    expect(contentHash({ ...base })).toBe(contentHash({ ...base, body: ['a', 'b'] }));
    expect(contentHash(base)).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each<[string, Partial<DedupeFields>]>([
    ['title', { title: 'T2' }],
    ['body', { body: ['a', 'c'] }],
    ['paragraph split', { body: ['ab'] }],
    ['summary', { summary: 'other' }],
    ['link', { url: 'https://x.example/2' }],
  ])('changes when the %s changes, while the key stays', (_what, change) => {
    expect(contentHash({ ...base, ...change })).not.toBe(contentHash(base));
    expect(dedupeKey({ ...base, ...change })).toBe(dedupeKey(base));
  });
});
