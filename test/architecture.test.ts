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

describe('architecture rules', () => {
  const core = filesUnder(path.join(root, 'src/core'));

  it('finds the core files', () => {
    expect(core.length).toBeGreaterThan(10);
  });

  it('src/core never imports discord.js (or its sub-packages)', () => {
    const offenders = core.filter((f) => /from\s+['"](discord\.js|@discordjs\/[^'"]+|discord-api-types[^'"]*)['"]|import\(\s*['"]discord/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });

  it('src/core never reads process.env', () => {
    const offenders = core.filter((f) => /process\.env/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });

  it('the rule test itself would catch an offender', () => {
    const sample = "import { Client } from 'discord.js';";
    expect(/from\s+['"](discord\.js|@discordjs\/[^'"]+)['"]/.test(sample)).toBe(true);
  });

  it('commands/index.ts lists every command file explicitly', () => {
    const index = fs.readFileSync(path.join(root, 'commands/index.ts'), 'utf8');
    const files = fs.readdirSync(path.join(root, 'commands')).filter((f) => f.endsWith('.ts') && !['index.ts', 'choices.ts'].includes(f) && !f.startsWith('_'));
    for (const f of files) expect(index, `commands/index.ts should import ${f}`).toContain(`./${f}`);
  });
});
