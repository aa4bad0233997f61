import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeDiscord, escapeInline, stripInvisible, truncate } from '../src/core/text/escape.ts';

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
