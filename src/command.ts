import type { Alerts } from './core/alerts/index.ts';
import type { ChangeAlerts } from './core/alerts/change-alerts.ts';
import type { Digests } from './core/digest/digests.ts';
import type { Newsroom } from './core/newsroom/index.ts';
import type { Outbox } from './core/outbox/index.ts';
import type { Sources } from './core/sources/index.ts';
import type { Trends } from './core/trend/trends.ts';
import type { Choice, Reply } from './core/reply.ts';
import type { GuildAccess } from './core/policy/access.ts';
import { Perm } from './core/policy/permissions.ts';
import type { Limits } from './core/policy/limits.ts';
import { checkCreate, type ChannelAccess, type CreateCheck } from './core/policy/posting.ts';
import { UserError } from './core/errors.ts';
import { refusalText } from './replies/refusals.ts';
import { stripSurroundingQuotes } from './core/text/unquote.ts';

/**
 * Slash commands as data. The shapes mirror Discord's application-command JSON closely enough
 * that `src/discord/register.ts` maps them one to one, and the console parses the same options.
 */
export type OptionType = 'string' | 'integer' | 'number' | 'boolean' | 'channel' | 'role';

export interface OptionDef {
  name: string;
  description: string;
  type: OptionType;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  /**
   * Quotation marks in this string option mean something (a search's "exact phrase"), so they are
   * kept. Every other string option has one surrounding pair of quotes removed before the command
   * sees it (see `optionValues`): people type `name:"Desk Wire"` in Discord and the console alike.
   */
  quotesAreSyntax?: boolean;
}

export interface SubcommandDef {
  name: string;
  description: string;
  options?: OptionDef[];
}

export interface CommandDef {
  name: string;
  description: string;
  options?: OptionDef[];
  subcommands?: SubcommandDef[];
  /** Discord permission bitfield (decimal string) a member needs to see the command, e.g. Manage Guild. */
  defaultMemberPermissions?: string;
  /** One-line example for /help and the README, e.g. `/search query:troops since:2024-01-01`. */
  example: string;
}

export type OptionValue = string | number | boolean;

/** The option definitions of a command, or of one of its subcommands. */
export function optionDefs(def: CommandDef, subcommand?: string): OptionDef[] {
  if (!def.subcommands?.length) return def.options ?? [];
  return def.subcommands.find((s) => s.name === subcommand)?.options ?? [];
}

/**
 * Option values as the command should see them, the same for Discord and the console: free-text
 * string options lose one matching pair of surrounding quotes (straight or curly) — a quoted
 * `exclude:"sport, weather"` is the two words, not `"sport` and `weather"`. Options whose quotes
 * are syntax (`quotesAreSyntax`, the search queries) are left as typed.
 */
export function optionValues(def: CommandDef, subcommand: string | undefined, options: Record<string, OptionValue>): Record<string, OptionValue> {
  const defs = optionDefs(def, subcommand);
  let out: Record<string, OptionValue> | null = null;
  for (const [name, value] of Object.entries(options)) {
    if (typeof value !== 'string') continue;
    const opt = defs.find((o) => o.name === name);
    if (!opt || opt.type !== 'string' || opt.quotesAreSyntax) continue;
    const stripped = stripSurroundingQuotes(value);
    if (stripped !== value) (out ??= { ...options })[name] = stripped;
  }
  return out ?? options;
}

/** Who invoked a command, where, and with what — the same for Discord and the console. */
export interface Invocation {
  user: { id: string; name: string };
  /** The Discord server; the console acts as one local server. */
  guildId: string;
  channelId: string;
  /** Member permission bitfield; the console user has every permission. */
  permissions: bigint;
  roles: string[];
  subcommand?: string;
  options: Record<string, OptionValue>;
  /** The bot's permissions in this channel (Discord's app_permissions); absent where unknown (the console). */
  appPermissions?: bigint;
  /** Channel options as Discord resolved them: each with the member's computed permissions there. */
  channels?: Record<string, { name: string; permissions: bigint | null }>;
  /** Role options as Discord resolved them. */
  resolvedRoles?: Record<string, { name: string; mentionable: boolean }>;
}

/** The option the user is typing, for autocomplete. */
export interface Focused {
  name: string;
  value: string;
}

/** A button press: its custom_id and the user who pressed it. */
export interface ButtonPress {
  customId: string;
  user: { id: string; name: string };
  guildId: string;
  channelId: string;
  permissions: bigint;
  roles: string[];
  /** Who ran the command that produced the message, when Discord tells us. */
  originalUserId?: string;
}

/** What a button handler returns: a new reply, either replacing the message or sent separately. */
export interface ButtonResult extends Reply {
  /** true: edit the message the button is on (paging); false: send a new (usually ephemeral) reply. */
  update: boolean;
}

export interface CommandContext {
  newsroom: Newsroom;
  sources: Sources;
  digests: Digests;
  alerts: Alerts;
  /** Headline-change and correction alerts (`/alert add kind:changes`); optional so older wiring still builds. */
  changeAlerts?: ChangeAlerts;
  /** Coverage over time (`/trend`, `/trending`); optional so older wiring still builds. */
  trends?: Trends;
  outbox: Outbox;
  /** The role that counts as moderator besides Manage Guild (MODERATOR_ROLE_ID). */
  moderatorRoleId: string | null;
  /** What one member and one server may create (LIMIT_* settings; the defaults when absent). */
  limits?: Limits;
  /** Permissions outside the interaction (the bot's in another channel); absent in the console. */
  access?: GuildAccess;
}

export interface Command {
  definition: CommandDef;
  /** Work that may exceed Discord's ~1 s comfort zone: the adapter defers before running it. */
  slow?: boolean | ((inv: Invocation) => boolean);
  /** Cheap checks (permissions) run before any deferral, so a refusal is private and instant. */
  guard?(ctx: CommandContext, inv: Invocation): void;
  run(ctx: CommandContext, inv: Invocation): Promise<Reply> | Reply;
  autocomplete?(ctx: CommandContext, inv: Invocation, focused: Focused): Promise<Choice[]> | Choice[];
  /** custom_id prefixes this command's buttons use (each ends at the first ':'). */
  buttonPrefixes?: string[];
  button?(ctx: CommandContext, press: ButtonPress): Promise<ButtonResult> | ButtonResult;
}

/** One subcommand's handler; each lives in its own file, `commands/<command>/<subcommand>.ts`. */
export type SubcommandRun = (ctx: CommandContext, inv: Invocation) => Promise<Reply> | Reply;

/**
 * The `run` of a command with subcommands: a table from subcommand name to its handler. Any other
 * name (a client with an older command list) is told the ones there are, in the table's order.
 */
export function runSubcommand(command: string, table: Readonly<Record<string, SubcommandRun>>): Command['run'] {
  const names = Object.keys(table);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');
  return async (ctx, inv) => {
    const run = inv.subcommand !== undefined && Object.hasOwn(table, inv.subcommand) ? table[inv.subcommand] : undefined;
    if (!run) throw new UserError(`Use /${command} ${list}.`, { id: 'command.unknown-subcommand', values: { command, subcommands: names.join(', ') } });
    return run(ctx, inv);
  };
}

/** Discord's Manage Guild permission bit. */
export const MANAGE_GUILD = Perm.ManageGuild;
/** Discord's Administrator permission bit (implies every permission). */
export const ADMINISTRATOR = Perm.Administrator;

/** True when the member may manage sources, digests and role alerts. */
export function isModerator(ctx: CommandContext, who: { permissions: bigint; roles: string[] }): boolean {
  if ((who.permissions & (MANAGE_GUILD | ADMINISTRATOR)) !== 0n) return true;
  return ctx.moderatorRoleId !== null && who.roles.includes(ctx.moderatorRoleId);
}

/**
 * What the member and the bot may do in a channel the command names (or this one): from the
 * interaction where Discord sent it, else asked of the front end; unknown (null) in the console.
 */
export async function channelAccess(ctx: CommandContext, inv: Invocation, channelId: string): Promise<ChannelAccess> {
  if (channelId === inv.channelId) {
    return { channelId, member: ctx.access ? inv.permissions : null, bot: inv.appPermissions ?? (await ctx.access?.botPermissions(inv.guildId, channelId)) ?? null };
  }
  const resolved = inv.channels?.[channelId]?.permissions ?? null;
  const member = resolved ?? (ctx.access ? await ctx.access.memberPermissions(inv.guildId, channelId, inv.user.id) : null);
  // Where the front end can tell but did not (an error, a member who left), nothing is allowed.
  const known = member === 'gone' || (member === null && ctx.access) ? 0n : member;
  return { channelId, member: known, bot: (await ctx.access?.botPermissions(inv.guildId, channelId)) ?? null };
}

/** Runs the posting policy for a command and turns a refusal into the member's message. */
export function requireAllowed(check: CreateCheck): void {
  const refused = checkCreate(check);
  if (refused) throw new UserError(refusalText(refused), { id: 'limit.reached' });
}
