/**
 * Property tests over random and adversarial strings. Bounded here; `npm run fuzz` runs the same
 * properties with FUZZ_RUNS=<n> (default here: 150 per property).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildExcerpt } from '../src/core/excerpt.ts';
import { decodeBody } from '../src/core/feeds/charset.ts';
import { extractPage } from '../src/core/feeds/extract-page.ts';
import { FeedParseError, parseFeed } from '../src/core/feeds/parse-feed.ts';
import { findQuotations, matchQuotations } from '../src/core/quotes/index.ts';
import { parseQuery } from '../src/core/search/query.ts';
import { parseSeed } from '../src/core/seeds/parser.ts';
import { UserError } from '../src/core/errors.ts';
import { escapeDiscord } from '../src/core/text/escape.ts';
import { formatReply } from '../src/discord/format.ts';
import { renderSearchReply } from '../src/replies/search-reply.ts';
import { renderQuoteReply } from '../src/replies/quote-reply.ts';
import { tokenize } from '../src/core/text/tokenize.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const NASTY = ['@everyone', '@here', '<@&123>', '<@1>', '**', '__', '~~', '||', '`', '```', '>>> ', '> ', '-# ', '# ', '[x](javascript:1)', '\u202E', '\u200B', '\u2066', '\uFEFF', '\uD800', '\uDFFF', '\u0000', '\u0007', '“', '”', '"', '’', '.', '. ', 'U.S.', 'Mr.', '\n', '\n\n', '\r\n', ' ', 'By ', 'RELATED STORIES', 'Read in Korean', 'Edited by ', 'troops', 'Kim', '10,000', 'é', '김정은', '😀'];
const nasty = fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 80 }).map((xs) => xs.join(''));
const huge = fc.constantFrom('x'.repeat(200_000), 'word '.repeat(40_000), '“'.repeat(10_000), '.'.repeat(50_000), '<'.repeat(30_000), '\u202E'.repeat(5000));

const PINGS = /(?<!\\)<@|@everyone|@here/;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

function textOfMessages(messages: ReturnType<typeof formatReply>): string {
  return messages.map((m) => [m.content ?? '', ...m.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', e.footer?.text ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])].join('\n')).join('\n');
}

describe('fuzzing: parsers never throw unexpectedly', () => {
  it('seed parser: an Article or a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(nasty, huge), (s) => {
        try {
          const a = parseSeed(s);
          expect(a.body.length).toBeGreaterThan(0);
          expect(a.title.length).toBeLessThanOrEqual(300);
        } catch (err) {
          expect(err).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('feed parser: a feed or a FeedParseError', () => {
    const xmlish = fc.array(fc.constantFrom('<rss version="2.0">', '<channel>', '<item>', '<title>', '</title>', '</item>', '</channel>', '</rss>', '<feed>', '<entry>', '</entry>', '<![CDATA[', ']]>', '&amp;', '&lol;', '<!DOCTYPE x [<!ENTITY lol "lol">]>', '{"items":[', ']}', 'text', '<', '>', '"'), { maxLength: 60 }).map((x) => x.join(''));
    fc.assert(
      fc.property(fc.oneof(xmlish, nasty), (s) => {
        try {
          parseFeed(s, { url: 'http://x/', now: new Date('2026-03-02T06:00:00Z') });
        } catch (err) {
          expect(err).toBeInstanceOf(FeedParseError);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('charset decoding never throws', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.option(fc.string({ maxLength: 40 })), (bytes, ct) => void decodeBody(bytes, ct)), { numRuns: RUNS });
  });

  it('page extraction: an article or a FeedParseError', () => {
    const htmlish = fc.array(fc.constantFrom('<html>', '<body>', '<article>', '<p>', '</p>', '<div>', '</div>', '<script>alert(1)</script>', '<h1>T</h1>', 'Some words of text here. ', '<a href="javascript:x">l</a>', '<img src=x onerror=y>'), { maxLength: 60 }).map((x) => x.join(''));
    fc.assert(
      fc.property(fc.oneof(htmlish, nasty), (s) => {
        try {
          const p = extractPage(s, 'http://x/');
          expect(JSON.stringify(p)).not.toMatch(/<script|onerror=/);
        } catch (err) {
          expect(err).toBeInstanceOf(FeedParseError);
        }
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('query parser: a query or a UserError', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        try {
          const q = parseQuery(s);
          // A word typed with a trailing * is a prefix query on its own.
          expect(q.terms.length + q.phrases.length + (q.prefixes?.length ?? 0)).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzzing: excerpts and quotes', () => {
  it('excerpts stay within 300 characters, are article substrings modulo marking, and carry no live markdown', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(nasty, huge), { minLength: 1, maxLength: 4 }), nasty, (body, q) => {
        const words = tokenize(q).slice(0, 4);
        const e = buildExcerpt({ title: 't', body }, words.map((w) => ({ query: w, forms: [w] })));
        expect(e.plain.length).toBeLessThanOrEqual(300);
        const core = e.plain.replace(/^…/, '').replace(/…$/, '');
        const clean = body.map((p) => p);
        expect(clean.some((p) => p.includes(core))).toBe(true);
        expect(e.text).not.toMatch(PINGS);
        expect(e.text).not.toMatch(BIDI);
      }),
      { numRuns: RUNS },
    );
  });

  it('quotations are found without throwing and marked safely', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(nasty, huge), { maxLength: 4 }), (body) => {
        findQuotations({ body });
        for (const q of matchQuotations({ body }, [{ query: 'troops', forms: ['troops'] }])) expect(q.marked).not.toMatch(PINGS);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzzing: everything the bot posts stays within Discord limits and pings no one', () => {
  it('search and quote replies built from hostile articles', () => {
    const article = fc.record({ title: fc.oneof(nasty, huge), outlet: fc.option(nasty), byline: fc.option(nasty), body: fc.array(fc.oneof(nasty, huge), { minLength: 1, maxLength: 3 }), url: fc.option(fc.constantFrom('https://x.example/a', 'javascript:alert(1)', 'https://x.example/(a)')) });
    fc.assert(
      fc.property(fc.array(article, { minLength: 1, maxLength: 5 }), nasty, (arts, rawQuery) => {
        const items = arts.map((a, i) => {
          const full = { id: `id${i}`, sourceId: 's', dateline: null, tags: [], caption: null, editors: [], publishedAt: null, ...a, outlet: a.outlet ?? null, byline: a.byline ?? null, url: a.url ?? null };
          return { rank: i + 1, article: full, excerpt: buildExcerpt(full, [{ query: 'troops', forms: ['troops'] }]), allTerms: true, terms: [] };
        });
        const query = rawQuery.slice(0, 60) || 'x';
        const results = { query: { raw: query, terms: [], phrases: [], excluded: [] }, items, total: 99, approximate: false, page: 0, pageCount: 20, pageSize: 5, suggestions: [], filters: {} };
        for (const reply of [renderSearchReply(results, '1', query), renderQuoteReply(query, items.map((i) => ({ article: i.article, quote: { text: 'x', attribution: i.article.byline, speaker: i.article.byline, told: null, paragraphIndex: 0, covered: 1, marked: escapeDiscord(i.article.title) } })))]) {
          const messages = formatReply(reply);
          for (const m of messages) {
            expect(m.content?.length ?? 0).toBeLessThanOrEqual(2000);
            expect(m.embeds.length).toBeLessThanOrEqual(10);
            for (const e of m.embeds) {
              expect(e.title?.length ?? 0).toBeLessThanOrEqual(256);
              expect(e.description?.length ?? 0).toBeLessThanOrEqual(4096);
              if (e.url) expect(e.url).toMatch(/^https?:\/\//);
            }
            expect(m.allowed_mentions).toEqual({ parse: [] });
          }
          const text = textOfMessages(messages);
          expect(text).not.toMatch(PINGS);
          expect(text).not.toMatch(BIDI);
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
