import { describe, expect, it } from 'vitest';
import { UserError } from '../src/core/errors.ts';
import { parseQuery } from '../src/core/search/query.ts';

describe('parseQuery', () => {
  it.each([
    ['troops', { terms: ['troops'], phrases: [], excluded: [] }],
    ['  Kim Yo Jong defectors ', { terms: ['kim', 'yo', 'jong', 'defectors'], phrases: [], excluded: [] }],
    ['"human trash"', { terms: [], phrases: [['human', 'trash']], excluded: [] }],
    ['“human trash” defectors', { terms: ['defectors'], phrases: [['human', 'trash']], excluded: [] }],
    ['troops -russia', { terms: ['troops'], phrases: [], excluded: ['russia'] }],
    ['Pentagon 10,000 troops', { terms: ['pentagon', '10000', 'troops'], phrases: [], excluded: [] }],
    ['Moscow’s war', { terms: ['moscow', 'war'], phrases: [], excluded: [] }],
    ['letters of encouragement', { terms: ['letters', 'encouragement'], phrases: [], excluded: [] }],
    ['the of', { terms: ['the', 'of'], phrases: [], excluded: [] }],
    ['Café  CAFÉ', { terms: ['cafe'], phrases: [], excluded: [] }],
    ['"unclosed phrase here', { terms: [], phrases: [['unclosed', 'phrase', 'here']], excluded: [] }],
    ['"single"', { terms: ['single'], phrases: [], excluded: [] }],
    ['김정은 troops', { terms: ['김정은', 'troops'], phrases: [], excluded: [] }],
    ['“human trash', { terms: [], phrases: [['human', 'trash']], excluded: [] }],
    ['"human trash” -pork Kim', { terms: ['kim'], phrases: [['human', 'trash']], excluded: ['pork'] }],
    ['troops -"Kim"', { terms: ['troops'], phrases: [], excluded: ['kim'] }],
    ['troops-russia', { terms: ['troops', 'russia'], phrases: [], excluded: [] }],
    ['"Kim  Jong-un" said', { terms: ['said'], phrases: [['kim', 'jong', 'un']], excluded: [] }],
    ['Kim "" troops', { terms: ['kim', 'troops'], phrases: [], excluded: [] }],
    ['sec* tro* bor* kim*', { terms: [], phrases: [], excluded: [], prefixes: ['sec', 'tro', 'bor', 'kim'] }],
    // Markdown bold is not a wildcard.
    ['**x** troops', { terms: ['x', 'troops'], phrases: [], excluded: [] }],
    [Array.from({ length: 24 }, (_, i) => `w${i}`).join(' '), { terms: Array.from({ length: 24 }, (_, i) => `w${i}`), phrases: [], excluded: [] }],
  ])('%j', (raw, expected) => {
    const { strict: _strict, ...parsed } = parseQuery(raw);
    expect(parsed).toEqual({ raw: raw.normalize('NFC').trim(), ...expected });
  });

  // Names (capitalised as typed) and words of up to 4 letters are searched as typed first.
  it.each([
    ['Obama', ['obama']],
    ['bold', ['bold']],
    ['@everyone bold', ['bold']],
    ['Kim Yo Jong defectors', ['kim', 'yo', 'jong']],
    ['troops -russia', undefined],
    ['"human trash" war', ['war']],
    ['encourag', undefined],
  ])('strict terms of %j', (raw, strict) => {
    expect(parseQuery(raw).strict).toEqual(strict);
  });

  it.each([
    ['', 'Your search has no words to look for — try e.g. `troops` or `"human trash"`.'],
    ['   ', 'Your search has no words to look for — try e.g. `troops` or `"human trash"`.'],
    ['!!! ??? ...', 'Your search has no words to look for — try e.g. `troops` or `"human trash"`.'],
    ['-russia', 'Your search only excludes words; add at least one word to look for, e.g. `troops -russia`.'],
    ['troops -"human trash"', 'Excluding a phrase (-"human trash") is not supported; exclude single words instead, e.g. `-trash`.'],
    ['"', 'Your search has no words to look for — try e.g. `troops` or `"human trash"`.'],
    ['x'.repeat(301), 'Your search is 301 characters long; the limit is 300. Use the most distinctive words.'],
    // What a search may cost: wildcards need three letters, at most four of them, at most 24 words.
    ['a* b* c* d* e* f* g* h* i* j* k* l* m* n* o* p* q* r* s* t*', 'The wildcard `a*` is too short: type at least 3 letters before the *, e.g. `secur*`.'],
    ['troops se*', 'The wildcard `se*` is too short: type at least 3 letters before the *, e.g. `secur*`.'],
    ['sec* tro* bor* kim* arm*', 'Your search has 5 wildcards; the limit is 4. Keep the ones that matter, e.g. `sec* tro*`.'],
    [Array.from({ length: 25 }, (_, i) => `w${i}`).join(' '), 'Your search has 25 words to look for; the limit is 24. Use the most distinctive ones.'],
    [`"${Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ')}" x1 x2 x3 x4 x5`, 'Your search has 25 words to look for; the limit is 24. Use the most distinctive ones.'],
  ])('refuses %j', (raw, message) => {
    expect(() => parseQuery(raw)).toThrow(UserError);
    expect(() => parseQuery(raw)).toThrow(message);
  });
});
