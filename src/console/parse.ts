import type { CommandDef, OptionDef, OptionValue } from '../command.ts';
import { UserError } from '../core/errors.ts';
import { stripSurroundingQuotes } from '../core/text/unquote.ts';

export interface ParsedLine {
  name: string;
  subcommand?: string;
  options: Record<string, OptionValue>;
}

/**
 * Parses a console line with the same option syntax Discord shows: `/search query:troops since:2024`
 * or, for the first required option, plain text: `/search troops`. An option's value runs until the
 * next `name:` of the same command, so values may contain spaces and colons (URLs).
 */
export function parseCommandLine(line: string, find: (name: string) => CommandDef | undefined): ParsedLine {
  const trimmed = line.trim();
  const m = /^\/?([\w-]+)\s*([\s\S]*)$/.exec(trimmed);
  if (!m) throw new UserError(`Commands look like /search troops — type /help for the list.`, { id: 'console.not-a-command', values: { line: trimmed } });
  const name = m[1]!.toLowerCase();
  const def = find(name);
  if (!def) throw new UserError(`Unknown command /${name}. Type /help for the list.`, { id: 'console.unknown-command', values: { name } });
  let rest = m[2]!;
  let optionDefs: OptionDef[] = def.options ?? [];
  let subcommand: string | undefined;
  if (def.subcommands?.length) {
    const sm = /^([\w-]+)\s*([\s\S]*)$/.exec(rest);
    const sub = sm ? def.subcommands.find((s) => s.name === sm[1]!.toLowerCase()) : undefined;
    if (!sub) {
      const names = def.subcommands.map((s) => s.name).join(', ');
      throw new UserError(`/${name} needs one of: ${names} — e.g. ${def.example}`, { id: 'console.unknown-subcommand', values: { name, subcommands: names } });
    }
    subcommand = sub.name;
    optionDefs = sub.options ?? [];
    rest = sm![2]!;
  }
  const options: Record<string, OptionValue> = {};
  const names = optionDefs.map((o) => o.name);
  const raw: Array<{ name: string; value: string }> = [];
  if (names.length) {
    const marker = new RegExp(`(?:^|\\s)(${names.map(escapeRe).join('|')}):`, 'gi');
    const hits = [...rest.matchAll(marker)];
    const lead = (hits.length ? rest.slice(0, hits[0]!.index) : rest).trim();
    if (lead) {
      const first = optionDefs.find((o) => o.required) ?? optionDefs[0]!;
      raw.push({ name: first.name, value: lead });
    }
    hits.forEach((h, i) => {
      const start = h.index + h[0].length;
      const end = i + 1 < hits.length ? hits[i + 1]!.index : rest.length;
      raw.push({ name: h[1]!.toLowerCase(), value: rest.slice(start, end).trim() });
    });
  } else if (rest.trim()) {
    throw new UserError(`/${name}${subcommand ? ` ${subcommand}` : ''} takes no options.`, { id: 'console.no-options', values: { name, subcommand } });
  }
  for (const { name: optName, value } of raw) {
    const opt = optionDefs.find((o) => o.name === optName)!;
    if (optName in options) throw new UserError(`Option ${optName} is given twice.`, { id: 'console.option-twice', values: { option: optName } });
    options[optName] = convert(opt, value);
  }
  for (const opt of optionDefs) {
    if (opt.required && !(opt.name in options)) {
      // The command's example shows one subcommand; another subcommand gets its own shape.
      const example = subcommand && !def.example.startsWith(`/${name} ${subcommand}`)
        ? `/${name} ${subcommand} ${optionDefs.filter((o) => o.required).map((o) => `${o.name}:…`).join(' ')}`
        : def.example;
      throw new UserError(`/${name}${subcommand ? ` ${subcommand}` : ''} needs ${opt.name}: — e.g. ${example}`, {
        id: 'console.option-missing',
        values: { name, subcommand, option: opt.name },
      });
    }
  }
  return { name, ...(subcommand ? { subcommand } : {}), options };
}

function convert(opt: OptionDef, value: string): OptionValue {
  if (!value) throw new UserError(`Option ${opt.name} is empty.`, { id: 'console.option-empty', values: { option: opt.name } });
  switch (opt.type) {
    case 'integer':
    case 'number': {
      const n = Number(value);
      if (!Number.isFinite(n) || (opt.type === 'integer' && !Number.isInteger(n))) {
        throw new UserError(`Option ${opt.name} must be ${opt.type === 'integer' ? 'a whole number' : 'a number'} (got "${value}").`, {
          id: 'console.option-not-a-number',
          values: { option: opt.name, type: opt.type, value },
        });
      }
      if (opt.minValue !== undefined && n < opt.minValue) {
        throw new UserError(`Option ${opt.name} must be at least ${opt.minValue} (got ${n}).`, { id: 'console.option-too-small', values: { option: opt.name, min: opt.minValue, value: n } });
      }
      if (opt.maxValue !== undefined && n > opt.maxValue) {
        throw new UserError(`Option ${opt.name} must be at most ${opt.maxValue} (got ${n}).`, { id: 'console.option-too-large', values: { option: opt.name, max: opt.maxValue, value: n } });
      }
      return n;
    }
    case 'boolean': {
      const v = value.toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(v)) return true;
      if (['false', 'no', '0', 'off'].includes(v)) return false;
      throw new UserError(`Option ${opt.name} must be true or false (got "${value}").`, { id: 'console.option-not-boolean', values: { option: opt.name, value } });
    }
    case 'channel':
    case 'role': {
      // Discord sends ids; in the console a mention-like <#123>/<@&123> or a bare id is accepted.
      // Typed names keep no # or @ of their own (`channel:#newsroom` is the channel "newsroom").
      const id = /^<[#@]&?(\d+)>$/.exec(value)?.[1] ?? value.replace(/^[#@]+/, '');
      return id;
    }
    default: {
      if (opt.maxLength !== undefined && value.length > opt.maxLength) {
        throw new UserError(`Option ${opt.name} is ${value.length} characters; the limit is ${opt.maxLength}.`, {
          id: 'console.option-too-long',
          values: { option: opt.name, length: value.length, max: opt.maxLength },
        });
      }
      // The dispatcher strips quotes around free text (optionValues); a quoted choice is that choice.
      const bare = opt.quotesAreSyntax ? value : stripSurroundingQuotes(value);
      if (opt.choices && !opt.choices.some((c) => String(c.value) === bare)) {
        throw new UserError(`Option ${opt.name} must be one of: ${opt.choices.map((c) => c.value).join(', ')} (got "${value}").`, {
          id: 'console.option-not-a-choice',
          values: { option: opt.name, choices: opt.choices.map((c) => c.value).join(', '), value },
        });
      }
      return value;
    }
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
