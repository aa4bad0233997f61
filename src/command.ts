import type { Alerts } from './core/alerts.ts';
import type { ChangeAlerts } from './core/changes/change-alerts.ts';
import type { Digests } from './core/digest/digests.ts';
import type { Newsroom } from './core/newsroom.ts';
import type { Outbox } from './core/outbox.ts';
import type { Sources } from './core/sources/index.ts';
import type { Trends } from './core/trend/trends.ts';
import type { Choice, Reply } from './core/reply.ts';

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

/** Discord's Manage Guild permission bit. */
export const MANAGE_GUILD = 1n << 5n;
/** Discord's Administrator permission bit (implies every permission). */
export const ADMINISTRATOR = 1n << 3n;

/** True when the member may manage sources, digests and role alerts. */
export function isModerator(ctx: CommandContext, who: { permissions: bigint; roles: string[] }): boolean {
  if ((who.permissions & (MANAGE_GUILD | ADMINISTRATOR)) !== 0n) return true;
  return ctx.moderatorRoleId !== null && who.roles.includes(ctx.moderatorRoleId);
}
