import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Article } from '../src/core/article.ts';
import { placeholderValues, renderTemplate, validateTemplate } from '../src/core/alerts/templates.ts';
import { escapeDiscord, escapeInline, maskedLink, safeUrl, stripInvisible, truncate } from '../src/core/text/escape.ts';

describe('escapeDiscord', () => {
  it.each([
    ['@everyone', '@\u200beveryone'],
    ['hi @here!', 'hi @\u200bhere!'],
    ['<@123456789012345678>', '\\<@123456789012345678\\>'],
    ['<@&42> role', '\\<@&42\\> role'],
    ['<#99> <t:1700000000:R> <:pog:1>', '\\<#99\\> \\<t:1700000000:R\\> \\<:pog:1\\>'],
    ['**bold** _it_ ~~s~~ ||spoiler|| `code`', '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\`'],
    ['[click](javascript:alert(1))', '\\[click\\]\\(javascript:alert\\(1\\)\\)'],
    ['>>> quote all', '\\>\\>\\> quote all'],
    ['> quote', '\\> quote'],
    ['-# tiny', '\\-# tiny'],
    ['# Heading', '\\# Heading'],
    ['- item\n1. one', '\\- item\n1\\. one'],
    ['```js\nx\n```', '\\`\\`\\`js\nx\n\\`\\`\\`'],
    ['right\u202Eto left', 'rightto left'],
    ['zero\u200Bwidth\u200D joiner\uFEFF', 'zerowidth joiner'],
    ['bad \uD800 surrogate', 'bad \uFFFD surrogate'],
    ['back\\slash', 'back\\\\slash'],
    ['plain text, with “quotes” and 10,000 troops.', 'plain text, with “quotes” and 10,000 troops.'],
  ])('%j', (input, expected) => {
    expect(escapeDiscord(input)).toBe(expected);
  });

  it('escapeInline keeps one line', () => {
    expect(escapeInline('Title\n> with quote\n@everyone')).toBe('Title \\> with quote @\u200beveryone');
  });

  it('stripInvisible removes control characters but keeps newlines and tabs', () => {
    expect(stripInvisible('a\u0007b\tc\nd\u0085e\r\nf')).toBe('ab\tc\nde\nf');
  });

  it('never lets a mention, ping or bidi control through (property)', () => {
    const hostile = fc.string({ unit: fc.constantFrom('@', 'everyone', 'here', '<', '>', '@&', '#', '*', '_', '`', '|', '~', '[', ']', '(', ')', '\n', ' ', '-', '\u202E', '\u200B', '\u2066', 'a', '1', ':', '\\', '\uD800') });
    fc.assert(
      fc.property(hostile, (s) => {
        const out = escapeDiscord(s);
        expect(out).not.toMatch(/@(everyone|here)/i);
        expect(out).not.toMatch(/(?<!\\)<[@#:t/]/);
        expect(out).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F]/);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        // Every markdown character is escaped by an odd run of backslashes.
        for (const m of out.matchAll(/(\\*)([*_~`|[\]()<>])/g)) expect(m[1]!.length % 2).toBe(1);
      }),
      { numRuns: 500 },
    );
  });
});

describe('truncate', () => {
  it.each([
    ['short', 10, 'short'],
    ['alpha beta gamma', 12, 'alpha beta…'],
    ['averyveryverylongword', 8, 'averyve…'],
    ['ab \\*\\*\\*\\*', 7, 'ab \\*…'],
  ])('%j to %i', (input, max, expected) => {
    expect(truncate(input, max)).toBe(expected);
    expect(truncate(input, max).length).toBeLessThanOrEqual(max);
  });
});

/**
 * A link from a feed is text we do not control: whatever it holds, it renders as one link to one
 * address — it cannot close the masked link it sits in, open another, or format what follows.
 */
describe('links from feeds stay one link', () => {
  // The address Discord would follow from `[text](…)`: up to the first unescaped ")".
  const target = (md: string) => /^\[[^\]]*\]\(([^)]*)\)$/.exec(md)?.[1] ?? null;

  it.each([
    ['a second link after a closing parenthesis', 'https://ok.example/)**bold**||spoiler||https://phish.example'],
    ['a masked link inside the path', 'https://ok.example/a[click](https://phish.example)'],
    ['angle brackets and spaces', 'https://ok.example/<script> x'],
    ['quotes and marks', "https://ok.example/it's*_~`|!\"x"],
    ['non-ASCII', 'https://ok.example/Pyongyang-평양'],
  ])('%s', (_what, url) => {
    const md = maskedLink('Title', url);
    const inside = target(md);
    expect(inside).not.toBeNull();
    expect(inside).toMatch(/^https:\/\/ok\.example\/[A-Za-z0-9\-.:/?#@&=+,;%$]*$/);
    expect(decodeURIComponent(new URL(inside!).pathname)).toBe(decodeURIComponent(new URL(url).pathname));
  });

  it.each([['javascript:alert(1)'], ['data:text/html,x'], ['ftp://x.example/'], ['https://'], ['not a url']])('refuses %s as a link (plain text instead)', (url) => {
    expect(safeUrl(url)).toBeNull();
    expect(maskedLink('Title [x]', url)).toBe('Title \\[x\\]');
  });

  it('holds for any path a feed could send (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (path) => {
        const md = maskedLink('T', `https://ok.example/${path}`);
        const inside = target(md);
        return inside !== null && /^https:\/\/ok\.example\/[A-Za-z0-9\-.:/?#@&=+,;%$]*$/.test(inside);
      }),
      { numRuns: 500 },
    );
  });

  it('{link} in a template cannot close the template\'s own masked link, and {date} is never <t:NaN>', () => {
    const a = { id: 'x', sourceId: 's', title: 'T', body: ['b'], url: 'https://ok.example/)[evil](https://phish.example', outlet: null, byline: null, publishedAt: 'not a date', tags: [] } as unknown as Article;
    const values = placeholderValues(a, 'lead', 'Outlet');
    expect(values.date).toBe('');
    const out = renderTemplate(validateTemplate('[{title}]({link}) {date}'), values);
    expect(target(out.trim())).toBe('https://ok.example/%29%5Bevil%5D%28https://phish.example');
  });
});
