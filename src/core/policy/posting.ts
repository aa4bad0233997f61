import type { LimitName, Limits } from './limits.ts';
import { lacking, Perm, TO_POST, TO_WRITE, type PermName } from './permissions.ts';

/**
 * Who may make the bot post where, as one pure function of what Discord told us: the acting
 * member's computed permissions in the target channel (a channel option's resolved permissions),
 * the bot's own there, whether they moderate the server, and what already exists. Commands gather
 * these and show the answer; the outbox asks {@link checkStillAllowed} again before each post.
 */
export type Creation = 'alert' | 'delivery' | 'changes' | 'digest';

export interface ChannelAccess {
  channelId: string;
  /** The member's computed permissions there; null where the front end cannot tell (the local console, run by the operator). */
  member: bigint | null;
  /** The bot's own permissions there; null when unknown. */
  bot: bigint | null;
}

export interface RoleRef {
  id: string;
  mentionable: boolean;
}

export interface CreateCheck {
  what: Creation;
  guildId: string;
  moderator: boolean;
  channel: ChannelAccess;
  /** A role each post mentions. */
  role?: RoleRef | null;
  /** What exists already: made by this member in this server, and in the server in all. */
  counts: { byMember: number; inServer: number };
  limits: Limits;
}

export type Refusal =
  | { code: 'moderators-only'; what: Creation | 'role-mention' }
  | { code: 'member-cannot-post'; channelId: string; missing: PermName[] }
  | { code: 'bot-cannot-post'; channelId: string; missing: PermName[] }
  | { code: 'role-everyone' }
  | { code: 'role-not-mentionable'; roleId: string; by: 'member' | 'bot' }
  | { code: 'limit'; limit: LimitName; max: number };

/** Only moderators make the bot post for the whole server: deliveries, change alerts, digests, role pings. */
const MODERATED: ReadonlySet<Creation> = new Set(['delivery', 'changes', 'digest']);

export function checkCreate(c: CreateCheck): Refusal | null {
  if (MODERATED.has(c.what) && !c.moderator) return { code: 'moderators-only', what: c.what };
  if (c.role) {
    if (!c.moderator) return { code: 'moderators-only', what: 'role-mention' };
    if (c.role.id === c.guildId) return { code: 'role-everyone' };
  }
  const where = checkChannel(c.channel);
  if (where) return where;
  if (c.role && !c.role.mentionable) {
    // A role that is not mentionable pings only from someone allowed to mention every role there.
    if (c.channel.member !== null && lacking(c.channel.member, ['MentionEveryone']).length) return { code: 'role-not-mentionable', roleId: c.role.id, by: 'member' };
    if (c.channel.bot !== null && lacking(c.channel.bot, ['MentionEveryone']).length) return { code: 'role-not-mentionable', roleId: c.role.id, by: 'bot' };
  }
  if (c.what === 'digest') {
    if (c.counts.inServer >= c.limits.digestsPerServer) return { code: 'limit', limit: 'digestsPerServer', max: c.limits.digestsPerServer };
    return null;
  }
  if (c.counts.byMember >= c.limits.alertsPerMember) return { code: 'limit', limit: 'alertsPerMember', max: c.limits.alertsPerMember };
  if (c.counts.inServer >= c.limits.alertsPerServer) return { code: 'limit', limit: 'alertsPerServer', max: c.limits.alertsPerServer };
  return null;
}

/** The member may write in the channel, and so may the bot. */
export function checkChannel(ch: ChannelAccess): Refusal | null {
  if (ch.member !== null) {
    const missing = lacking(ch.member, TO_WRITE);
    if (missing.length) return { code: 'member-cannot-post', channelId: ch.channelId, missing };
  }
  if (ch.bot !== null) {
    const missing = lacking(ch.bot, TO_POST);
    if (missing.length) return { code: 'bot-cannot-post', channelId: ch.channelId, missing };
  }
  return null;
}

/** A source more is within the server's limit. */
export function checkSourceLimit(count: number, limits: Limits): Refusal | null {
  return count >= limits.sourcesPerServer ? { code: 'limit', limit: 'sourcesPerServer', max: limits.sourcesPerServer } : null;
}

/**
 * Before each post on a member's behalf: they can still see and write in the channel (null: the
 * front end cannot tell, or they left the server — then false).
 */
export function checkStillAllowed(member: bigint | null | 'gone'): boolean {
  if (member === 'gone') return false;
  return member === null || (member & Perm.Administrator) !== 0n || lacking(member, TO_WRITE).length === 0;
}
