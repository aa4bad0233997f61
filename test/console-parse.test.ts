import { describe, expect, it } from 'vitest';
import { commandList } from '../commands/index.ts';
import { parseCommandLine } from '../src/console/parse.ts';
import { UserError } from '../src/core/errors.ts';

const find = (name: string) => commandList().find((c) => c.definition.name === name)?.definition;

/** What a console line the parser refuses is: the kind (id), what it is about, and the words shown. */
function refusal(line: string): { id: string; values: unknown; message: string } {
  try {
    parseCommandLine(line, find);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { id: err.id, values: err.values, message: err.message };
  }
  throw new Error(`parsed: ${line}`);
}

describe('console parse errors carry an id and the values they are about', () => {
  it.each([
    ['???', 'console.not-a-command', { line: '???' }, 'Commands look like /search troops — type /help for the list.'],
    ['/frobnicate x', 'console.unknown-command', { name: 'frobnicate' }, 'Unknown command /frobnicate. Type /help for the list.'],
    ['/source nuke', 'console.unknown-subcommand', { name: 'source', subcommands: 'add, list, remove, pause, resume, refresh, edit, health' }, /^\/source needs one of: add, list/],
    ['/stats now', 'console.no-options', { name: 'stats', subcommand: undefined }, '/stats takes no options.'],
    ['/source list x', 'console.no-options', { name: 'source', subcommand: 'list' }, '/source list takes no options.'],
    ['/search troops query:rumor', 'console.option-twice', { option: 'query' }, 'Option query is given twice.'],
    ['/source remove', 'console.option-missing', { name: 'source', subcommand: 'remove', option: 'id' }, '/source remove needs id: — e.g. /source remove id:…'],
    ['/digest preview', 'console.option-missing', { name: 'digest', subcommand: 'preview', option: 'id' }, '/digest preview needs id: — e.g. /digest preview id:…'],
    ['/source add', 'console.option-missing', { name: 'source', subcommand: 'add', option: 'url' }, '/source add needs url: — e.g. /source add url:https://www.example-news.org/'],
    ['/search query:', 'console.option-empty', { option: 'query' }, 'Option query is empty.'],
    ['/source add url:https://a.example/ interval:ten', 'console.option-not-a-number', { option: 'interval', type: 'integer', value: 'ten' }, 'Option interval must be a whole number (got "ten").'],
    ['/source add url:https://a.example/ interval:1', 'console.option-too-small', { option: 'interval', min: 5, value: 1 }, 'Option interval must be at least 5 (got 1).'],
    ['/source add url:https://a.example/ interval:9999', 'console.option-too-large', { option: 'interval', max: 1440, value: 9999 }, 'Option interval must be at most 1440 (got 9999).'],
    ['/source add url:https://a.example/ backfill:maybe', 'console.option-not-boolean', { option: 'backfill', value: 'maybe' }, 'Option backfill must be true or false (got "maybe").'],
    [`/source add url:https://a.example/ name:${'x'.repeat(101)}`, 'console.option-too-long', { option: 'name', length: 101, max: 100 }, 'Option name is 101 characters; the limit is 100.'],
  ])('%s → %s', (line, id, values, message) => {
    const got = refusal(line);
    expect(got.id).toBe(id);
    expect(got.values).toEqual(values);
    if (typeof message === 'string') expect(got.message).toBe(message);
    else expect(got.message).toMatch(message);
  });

  it('a choice outside the list names the choices', () => {
    const withChoices = commandList()
      .flatMap((c) => [...(c.definition.options ?? []), ...(c.definition.subcommands ?? []).flatMap((s) => s.options ?? [])].map((o) => ({ c, o })))
      .find(({ o }) => o.choices?.length && o.type === 'string');
    expect(withChoices).toBeDefined();
    const { c, o } = withChoices!;
    const sub = c.definition.subcommands?.find((s) => s.options?.includes(o));
    const required = (sub?.options ?? c.definition.options ?? []).filter((x) => x.required && x !== o).map((x) => ` ${x.name}:x`).join('');
    const got = refusal(`/${c.definition.name}${sub ? ` ${sub.name}` : ''}${required} ${o.name}:nope`);
    expect(got.id).toBe('console.option-not-a-choice');
    expect(got.values).toEqual({ option: o.name, choices: o.choices!.map((x) => x.value).join(', '), value: 'nope' });
  });
});
