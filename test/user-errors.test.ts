import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/core/errors.ts';
import { USER_ERROR_WORDING, userErrorText } from '../src/replies/user-errors.ts';

const root = path.resolve(import.meta.dirname, '..');
function coreText(dir = path.join(root, 'src/core')): string {
  let out = '';
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out += coreText(p);
    else if (e.name.endsWith('.ts')) out += fs.readFileSync(p, 'utf8');
  }
  return out;
}

describe('user error wording at the edge', () => {
  it('every worded id is one core raises (no stale entries)', () => {
    const core = coreText();
    const stale = Object.keys(USER_ERROR_WORDING).filter((id) => !core.includes(`id: '${id}'`));
    expect(stale).toEqual([]);
  });

  it.each([
    [new UserError('No alert with id "a1" in this server.', { id: 'alert.not-found', values: { id: 'a1' } }), 'No alert with id "a1" in this server. /alert list shows them.'],
    [new UserError('x', { id: 'filters.min-words', values: { minWords: -1 } }), 'min_words: must be a whole number from 0 to 10000 (got -1).'],
    [new UserError('No source with id "s1".', { id: 'source.not-found', values: { sourceId: 's1' } }), 'No source with id "s1".'],
    [new UserError('No source with id or name "x" in this server.', { id: 'source.not-found', values: { wanted: 'x' } }), 'No source with id or name "x" in this server. /source list shows them.'],
    [new UserError('Plain words.', { id: 'query.too-long' }), 'Plain words.'],
    [new UserError('No id at all.'), 'No id at all.'],
  ])('%#: words %j for the user', (err, text) => {
    expect(userErrorText(err)).toBe(text);
  });
});
