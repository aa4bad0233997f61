import type { Command, OptionDef, OptionType } from '../command.ts';
import { LIMITS } from './limits.ts';

/** Discord's application-command option type numbers. */
const OPTION_TYPE: Record<OptionType, number> = {
  string: 3,
  integer: 4,
  boolean: 5,
  channel: 7,
  role: 8,
  number: 10,
};
const SUBCOMMAND = 1;
const GUILD_TEXT_CHANNELS = [0, 5]; // text and announcement channels can receive posts

export interface ApiCommandOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  min_length?: number;
  max_length?: number;
  min_value?: number;
  max_value?: number;
  channel_types?: number[];
  options?: ApiCommandOption[];
}

export interface ApiCommand {
  type: 1;
  name: string;
  description: string;
  options?: ApiCommandOption[];
  default_member_permissions?: string | null;
  contexts: number[];
}

function toOption(o: OptionDef): ApiCommandOption {
  const out: ApiCommandOption = { type: OPTION_TYPE[o.type], name: o.name, description: o.description };
  if (o.required) out.required = true;
  if (o.autocomplete) out.autocomplete = true;
  if (o.choices) out.choices = o.choices;
  if (o.minLength !== undefined) out.min_length = o.minLength;
  if (o.maxLength !== undefined) out.max_length = o.maxLength;
  if (o.minValue !== undefined) out.min_value = o.minValue;
  if (o.maxValue !== undefined) out.max_value = o.maxValue;
  if (o.type === 'channel') out.channel_types = GUILD_TEXT_CHANNELS;
  return out;
}

/** Discord requires required options before optional ones. */
function ordered(options: OptionDef[]): OptionDef[] {
  return [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
}

/**
 * The JSON Discord's PUT /applications/:id/(guilds/:id/)commands expects for our commands.
 * Throws when a definition breaks Discord's rules, so a mistake fails tests, not registration.
 */
export function toApiCommands(commands: Command[]): ApiCommand[] {
  return commands.map(({ definition: d }) => {
    const api: ApiCommand = { type: 1, name: d.name, description: d.description, contexts: [0] };
    if (d.subcommands?.length) {
      api.options = d.subcommands.map((s) => ({
        type: SUBCOMMAND,
        name: s.name,
        description: s.description,
        ...(s.options?.length ? { options: ordered(s.options).map(toOption) } : {}),
      }));
    } else if (d.options?.length) {
      api.options = ordered(d.options).map(toOption);
    }
    if (d.defaultMemberPermissions) api.default_member_permissions = d.defaultMemberPermissions;
    validate(api);
    return api;
  });
}

const NAME_RE = /^[-_\p{L}\p{N}]{1,32}$/u;

function validate(cmd: ApiCommand): void {
  const check = (what: string, name: string, description: string) => {
    if (!NAME_RE.test(name) || name !== name.toLowerCase()) throw new Error(`${what} "${name}": invalid name`);
    if (description.length < 1 || description.length > LIMITS.commandDescription) {
      throw new Error(`${what} "${name}": description must be 1–100 characters (is ${description.length})`);
    }
  };
  check('command', cmd.name, cmd.description);
  const walk = (opts: ApiCommandOption[] | undefined, path: string) => {
    if (!opts) return;
    if (opts.length > LIMITS.options) throw new Error(`${path}: more than 25 options`);
    for (const o of opts) {
      check('option', `${path} ${o.name}`.split(' ').pop()!, o.description);
      walk(o.options, `${path} ${o.name}`);
    }
  };
  walk(cmd.options, cmd.name);
}
