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

/** The rules, as functions of a file's text: the checks below and their self-test use these very ones. */
const importsDiscord = (text: string) => /from\s+['"](discord\.js|@discordjs\/[^'"]+|discord-api-types[^'"]*)['"]|import\(\s*['"]discord/.test(text);
const readsEnv = (text: string) => /process\.env/.test(text);

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

  it('commands/index.ts lists every command file explicitly', () => {
    const index = fs.readFileSync(path.join(root, 'commands/index.ts'), 'utf8');
    const files = fs.readdirSync(path.join(root, 'commands')).filter((f) => f.endsWith('.ts') && !['index.ts', 'choices.ts'].includes(f) && !f.startsWith('_'));
    for (const f of files) expect(index, `commands/index.ts should import ${f}`).toContain(`./${f}`);
  });
});
