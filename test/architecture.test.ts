import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (/\.(ts|js|mjs)$/.test(entry.name)) out.push(p);
  }
  return out;
}

/** Path relative to the repository, with forward slashes (the form the rules below take and print). */
const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');

/** Relative module paths a file imports: `import … from`, `export … from`, `import '…'` and `import('…')`. */
function importSpecifiers(text: string): string[] {
  return [...text.matchAll(/\b(?:from\s*|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
}

/**
 * The folders a file belongs to: its directory and every parent below `src/<x>` or `src/core/<x>`
 * (so `src/core/store/postgres/a.ts` is in `src/core/store/postgres` and in `src/core/store`).
 * The root files of `src/` and of `src/core/` are folders of their own, `src/*.ts` and `src/core/*.ts`.
 */
const ENTRY = 'src/main.ts';
function foldersOf(file: string): string[] {
  // The entry point: no file imports it, so it closes no cycle — it is a node of its own.
  if (file === ENTRY) return [ENTRY];
  const dir = path.posix.dirname(file);
  if (dir === 'src' || dir === 'src/core') return [`${dir}/*.ts`];
  const parts = dir.split('/');
  const top = dir.startsWith('src/core/') ? 3 : dir.startsWith('src/') ? 2 : 1;
  const out: string[] = [];
  for (let n = parts.length; n >= top; n--) out.push(parts.slice(0, n).join('/'));
  return out;
}

/** folder → folder it imports → the file imports behind that edge. Imports inside one folder (or a folder and its subfolder) are no edge. */
type FolderGraph = Map<string, Map<string, string[]>>;

function folderGraph(files: Map<string, string>): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const [file, text] of files) {
    for (const spec of importSpecifiers(text)) {
      const target = [spec, spec.replace(/\.js$/, '.ts'), `${spec}.ts`, `${spec}/index.ts`]
        .map((s) => path.posix.join(path.posix.dirname(file), s))
        .find((p) => files.has(p));
      if (!target) continue;
      for (const a of foldersOf(file)) {
        for (const b of foldersOf(target)) {
          if (a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) continue;
          const out = graph.get(a) ?? graph.set(a, new Map()).get(a)!;
          const why = out.get(b) ?? out.set(b, []).get(b)!;
          why.push(`${file} → ${target}`);
        }
      }
    }
  }
  return graph;
}

/** Pairs of folders that import each other, as "a <-> b" (a < b). */
function twoWayImports(graph: FolderGraph): string[] {
  const pairs = new Set<string>();
  for (const [a, out] of graph) for (const b of out.keys()) if (graph.get(b)?.has(a)) pairs.add(a < b ? `${a} <-> ${b}` : `${b} <-> ${a}`);
  return [...pairs].sort();
}

/** Longer cycles: the folders of each strongly connected component left once the two-way pairs' edges are set aside. */
function folderCycles(graph: FolderGraph): string[][] {
  const twoWay = new Set(twoWayImports(graph));
  const next = (a: string) => [...(graph.get(a)?.keys() ?? [])].filter((b) => !twoWay.has(a < b ? `${a} <-> ${b}` : `${b} <-> ${a}`));
  // Tarjan's algorithm; the graph has a few dozen folders, so recursion is fine.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) out.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

const MAX_LINES = 600;
const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/**
 * Violations other branches are removing. The test fails when one of these is fixed, so the list
 * only shrinks: delete the entry as the branch that fixes it merges.
 */
const KNOWN_TWO_WAY: string[] = [];
const KNOWN_LONG: string[] = [];

/** The rules, as functions of a file's text: the checks below and their self-test use these very ones. */
const importsDiscord = (text: string) => /from\s+['"](discord\.js|@discordjs\/[^'"]+|discord-api-types[^'"]*)['"]|import\(\s*['"]discord/.test(text);
const readsEnv = (text: string) => /process\.env/.test(text);

/** Each `new UserError(...)` call's text, up to its closing parenthesis (balanced, string-aware enough for our code). */
function userErrorCalls(text: string): string[] {
  const out: string[] = [];
  let at = text.indexOf('new UserError(');
  while (at >= 0) {
    let depth = 0;
    let end = at + 'new UserError'.length;
    for (; end < text.length; end++) {
      const c = text[end];
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    out.push(text.slice(at, end + 1));
    at = text.indexOf('new UserError(', end);
  }
  return out;
}
/** Relative imports of a file's text (static, type-only and dynamic), resolved against its path. */
function relativeImports(file: string, text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => path.resolve(path.dirname(file), m[1]!));
}

/** The import cycles among the given files (each as the files on it, in order), by depth-first search. */
function importCycles(files: ReadonlyMap<string, string>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const dep of relativeImports(f, files.get(f)!)) {
      if (!files.has(dep)) continue;
      if (state.get(dep) === 'open') cycles.push(stack.slice(stack.indexOf(dep)));
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

/** What an index fails to import: each `.ts` file (but itself, `choices.ts`, `_helpers.ts`) and each folder's index. */
function unlisted(index: string, entries: ReadonlyArray<{ name: string; dir: boolean }>): string[] {
  return entries
    .filter((e) => e.dir || (e.name.endsWith('.ts') && !['index.ts', 'choices.ts'].includes(e.name) && !e.name.startsWith('_')))
    .map((e) => (e.dir ? `./${e.name}/index.ts` : `./${e.name}`))
    .filter((spec) => !index.includes(`'${spec}'`));
}

/** A `new UserError(...)` call that names its kind: `{ id: 'area.what-went-wrong' }`. */
const hasUserErrorId = (call: string) => /\bid: '[a-z-]+\.[a-z.-]+'/.test(call);
const COMMANDS = ['search', 'quote', 'article', 'story', 'cite', 'changes', 'digest', 'alert', 'source', 'stats', 'help', 'trend', 'trending'];
/** A slash command (`/alert list`) or an option written as Discord shows it (`source:` in backticks). */
const namesACommand = (call: string) =>
  new RegExp(`(^|[\\s(\`'"])/(${COMMANDS.join('|')})\\b`).test(call) || /`[a-z_]+:`/.test(call);

describe('architecture rules', () => {
  const core = filesUnder(path.join(root, 'src/core'));

  it('finds the core files', () => {
    expect(core.length).toBeGreaterThan(10);
  });

  it('src/core never imports discord.js (or its sub-packages)', () => {
    const offenders = core.filter((f) => importsDiscord(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });

  it('src/core never reads process.env', () => {
    const offenders = core.filter((f) => readsEnv(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });

  it.each([
    ["import { Client } from 'discord.js';", true, false],
    ['import { REST } from "@discordjs/rest";', true, false],
    ["import type { APIUser } from 'discord-api-types/v10';", true, false],
    ["const d = await import('discord.js');", true, false],
    ['const token = process.env.DISCORD_TOKEN;', false, true],
    ["import { z } from 'zod';\nconst discordId = 1; // about discord.js", false, false],
  ])('the rules catch an offender and only offenders: %j', (text, discord, env) => {
    expect([importsDiscord(text), readsEnv(text)]).toEqual([discord, env]);
  });

  it('every UserError raised in src/core has an id, and its words name no slash command', () => {
    const missing: string[] = [];
    const commandWords: string[] = [];
    for (const f of core) {
      const text = fs.readFileSync(f, 'utf8');
      for (const call of userErrorCalls(text)) {
        const where = `${path.relative(root, f)}: ${call.slice(0, 90)}`;
        if (!hasUserErrorId(call)) missing.push(where);
        if (namesACommand(call)) commandWords.push(where);
      }
    }
    expect(missing).toEqual([]);
    expect(commandWords).toEqual([]);
  });

  it('every UserError raised at the edges (commands/, src/ outside core) has an id; their words may name commands', () => {
    const missing: string[] = [];
    const edges = [...filesUnder(path.join(root, 'commands')), ...filesUnder(path.join(root, 'src')).filter((f) => !f.startsWith(path.join(root, 'src/core') + path.sep))];
    expect(edges.length).toBeGreaterThan(20);
    for (const f of edges) {
      for (const call of userErrorCalls(fs.readFileSync(f, 'utf8'))) {
        if (!hasUserErrorId(call)) missing.push(`${path.relative(root, f)}: ${call.slice(0, 90)}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each([
    ["throw new UserError(`No alert with id \"${id}\".`, { id: 'alert.not-found', values: { id } });", 1, false],
    ["throw new UserError('Use /alert list to see them.', { id: 'alert.x' });", 1, true],
    ["throw new UserError('add `source:` to follow it', { id: 'alert.y' });", 1, true],
    ["const e = 1; // no call here", 0, false],
  ])('the UserError rule finds calls and slash-command names: %j', (text, calls, names) => {
    const found = userErrorCalls(text);
    expect(found.length).toBe(calls);
    expect(found.some(namesACommand)).toBe(names);
  });

  describe('folders and file sizes (src/ and commands/)', () => {
    const files = new Map([...filesUnder(path.join(root, 'src')), ...filesUnder(path.join(root, 'commands'))]
      .filter((f) => f.endsWith('.ts'))
      .map((f) => [rel(f), fs.readFileSync(f, 'utf8')] as const));
    const graph = folderGraph(files);
    const pairs = twoWayImports(graph);
    const because = (pair: string) => {
      const [a, b] = pair.split(' <-> ') as [string, string];
      return `${pair}:\n  ${graph.get(a)!.get(b)!.join('\n  ')}\n  --\n  ${graph.get(b)!.get(a)!.join('\n  ')}`;
    };

    it('sees the imports between folders', () => {
      expect(graph.get('src/core/alerts')?.has('src/core/store')).toBe(true);
    });

    it(`nothing imports the entry point ${ENTRY} (so it is a node of its own)`, () => {
      const importers = [...graph].filter(([, out]) => out.has(ENTRY)).map(([from]) => from);
      expect(importers).toEqual([]);
    });

    it('no folder imports a folder that imports it back', () => {
      const fresh = pairs.filter((p) => !KNOWN_TWO_WAY.includes(p));
      expect(fresh, fresh.map(because).join('\n')).toEqual([]);
    });

    it('every KNOWN two-way import is still one (delete the entry once it is fixed)', () => {
      expect(KNOWN_TWO_WAY.filter((p) => !pairs.includes(p))).toEqual([]);
    });

    it('no longer cycle of folders either', () => {
      expect(folderCycles(graph)).toEqual([]);
    });

    it(`no file in src/ is over ${MAX_LINES} lines`, () => {
      const long = [...files].filter(([f, text]) => f.startsWith('src/') && lineCount(text) > MAX_LINES).map(([f]) => f);
      expect(long.filter((f) => !KNOWN_LONG.includes(f))).toEqual([]);
      expect(KNOWN_LONG.filter((f) => !long.includes(f)), 'now short enough: delete from KNOWN_LONG').toEqual([]);
    });

    it.each<[string, Record<string, string>, string[], string[][]]>([
      ['two folders importing each other', { 'src/core/a/x.ts': "import { y } from '../b/y.ts';", 'src/core/b/y.ts': "export { x } from '../a/x.ts';" }, ['src/core/a <-> src/core/b'], []],
      ['a subfolder counts as its parent; dynamic import', {
        'src/core/store/postgres/p.ts': "import type { S } from '../../search/s.ts';",
        'src/core/store/t.ts': 'export type T = 1;',
        'src/core/search/s.ts': "const t = await import('../store/t.ts');",
      }, ['src/core/search <-> src/core/store'], []],
      ['a folder and its own subfolder are one', { 'src/core/store/postgres/p.ts': "import '../t.ts';", 'src/core/store/t.ts': "import { p } from './postgres/p.ts';" }, [], []],
      ['root files are a folder of their own', { 'src/core/deps.ts': "import { a } from './alerts/a.ts';", 'src/core/alerts/a.ts': "import type { Clock } from '../deps.ts';" }, ['src/core/*.ts <-> src/core/alerts'], []],
      ['one way only; packages and missing files are no edge', {
        'src/core/a/x.ts': "import MiniSearch from 'minisearch';\nimport { y } from '../b/y.ts';\nimport { z } from '../b/gone.ts';",
        'src/core/b/y.ts': "import { w } from 'node:fs';",
      }, [], []],
      ['a three-folder cycle', { 'src/core/a/x.ts': "import '../b/y.ts';", 'src/core/b/y.ts': "import '../c/z.ts';", 'src/core/c/z.ts': "import '../a/x.ts';" }, [], [['src/core/a', 'src/core/b', 'src/core/c']]],
    ])('the folder rules: %s', (_name, sources, twoWay, cycles) => {
      const graph = folderGraph(new Map(Object.entries(sources)));
      expect(twoWayImports(graph)).toEqual(twoWay);
      expect(folderCycles(graph)).toEqual(cycles);
    });

    it.each([
      ['a\n'.repeat(MAX_LINES), false],
      ['a\n'.repeat(MAX_LINES + 1), true],
      ['a\n'.repeat(MAX_LINES) + 'a', true],
    ])('the size rule counts lines as wc -l does (%#)', (text, tooLong) => {
      expect(lineCount(text) > MAX_LINES).toBe(tooLong);
    });
  });

  it('no file in src/ or commands/ imports itself back through the files it imports', () => {
    const files = new Map([...filesUnder(path.join(root, 'src')), ...filesUnder(path.join(root, 'commands'))].map((f) => [f, fs.readFileSync(f, 'utf8')]));
    expect(files.size).toBeGreaterThan(50);
    expect(importCycles(files).map((c) => c.map((f) => path.relative(root, f)).join(' → '))).toEqual([]);
  });

  it.each([
    ['a two-file cycle', { '/r/a.ts': "import { b } from './b.ts';", '/r/b.ts': "import type { A } from './a.ts';" }, ['/r/a.ts → /r/b.ts']],
    ['a cycle through a folder and a dynamic import', { '/r/main.ts': "import { x } from './x/index.ts';", '/r/x/index.ts': "const m = await import('../main.ts');" }, ['/r/main.ts → /r/x/index.ts']],
    ['a chain without a cycle', { '/r/a.ts': "import { b } from './b.ts';", '/r/b.ts': "import { z } from 'zod';" }, []],
  ])('the cycle rule finds %s', (_name, texts, want) => {
    expect(importCycles(new Map(Object.entries(texts))).map((c) => c.join(' → '))).toEqual(want);
  });

  it('commands/index.ts lists every command file and folder; each folder index lists its handlers', () => {
    const dir = path.join(root, 'commands');
    const entries = (d: string) => fs.readdirSync(d, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
    const folders = entries(dir).filter((e) => e.dir);
    expect(folders.length).toBeGreaterThan(0);
    expect(unlisted(fs.readFileSync(path.join(dir, 'index.ts'), 'utf8'), entries(dir))).toEqual([]);
    for (const f of folders) {
      const sub = path.join(dir, f.name);
      expect(unlisted(fs.readFileSync(path.join(sub, 'index.ts'), 'utf8'), entries(sub)), `commands/${f.name}/index.ts`).toEqual([]);
    }
  });

  it.each([
    ['every file and folder imported', "import { a } from './a.ts';\nimport { b } from './b/index.ts';", [], ['a.ts', 'b/', 'choices.ts', '_shared.ts']],
    ['a command file missing', "import { b } from './b/index.ts';", ['./a.ts'], ['a.ts', 'b/']],
    ['a command folder missing', "import { a } from './a.ts';", ['./b/index.ts'], ['a.ts', 'b/']],
    ['a name that only prefixes another', "import { trending } from './trending.ts';", ['./trend.ts'], ['trend.ts', 'trending.ts']],
  ])('the index rule catches what is not imported: %s', (_name, index, missing, names) => {
    expect(unlisted(index, names.map((n) => ({ name: n.replace(/\/$/, ''), dir: n.endsWith('/') })))).toEqual(missing);
  });

  it('a command with subcommands is a folder with one handler file per subcommand; the others are one file', async () => {
    const { commandList } = await import('../commands/index.ts');
    const misplaced: string[] = [];
    for (const { definition: d } of commandList()) {
      const wanted = d.subcommands?.length ? d.subcommands.map((s) => `commands/${d.name}/${s.name}.ts`) : [`commands/${d.name}.ts`];
      misplaced.push(...wanted.filter((f) => !fs.existsSync(path.join(root, f))));
    }
    expect(misplaced).toEqual([]);
  });

  it("a subcommand the dispatch table lacks is answered with the table's names, which are the definition's", async () => {
    const { commandList } = await import('../commands/index.ts');
    const { isUserError } = await import('../src/core/errors.ts');
    const answers: Array<[string, string, string]> = [];
    for (const { definition: d, run } of commandList()) {
      if (!d.subcommands?.length) continue;
      const names = d.subcommands.map((s) => s.name);
      const err = await Promise.resolve()
        .then(() => run({} as never, { subcommand: 'nuke', options: {} } as never))
        .then(() => null, (e: unknown) => e);
      expect(isUserError(err)).toBe(true);
      const expected = `Use /${d.name} ${names.slice(0, -1).join(', ')} or ${names.at(-1)}.`;
      answers.push([d.name, (err as Error).message, expected]);
      expect(err).toMatchObject({ id: 'command.unknown-subcommand', values: { command: d.name, subcommands: names.join(', ') } });
    }
    expect(answers.map(([name]) => name).sort()).toEqual(['alert', 'digest', 'source']);
    for (const [, got, expected] of answers) expect(got).toBe(expected);
  });
});
