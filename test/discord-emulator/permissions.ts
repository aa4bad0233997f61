/**
 * Discord's permission arithmetic, as the API computes it for `member.permissions`,
 * `app_permissions`, a resolved channel's `permissions` and the checks on each REST call:
 * base = @everyone | every role of the member (Administrator: everything, the owner too), then in
 * a channel the @everyone overwrite, the member's roles' overwrites together (deny, then allow),
 * and the member's own overwrite. https://discord.com/developers/docs/topics/permissions
 */
export const P = {
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  MANAGE_ROLES: 1n << 28n,
  MANAGE_WEBHOOKS: 1n << 29n,
} as const;

/** Every permission bit Discord defines today (0–49). */
export const ALL = (1n << 50n) - 1n;
/** A new server's @everyone permissions (Discord's default). */
export const DEFAULT_EVERYONE = 104324673n;

export interface Overwrite {
  id: string;
  /** 0: a role, 1: a member. */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface RoleState {
  id: string;
  name: string;
  permissions: bigint;
  mentionable: boolean;
  managed: boolean;
  position: number;
}

export interface GuildState {
  id: string;
  ownerId: string;
  roles: Map<string, RoleState>;
  /** Member id → role ids (the @everyone role is implied). */
  members: Map<string, { roles: string[]; username: string }>;
  channels: Map<string, { id: string; name: string; type: number; overwrites: Overwrite[] }>;
}

/** A member's server-wide permissions, with `extra` standing for roles the test did not name. */
export function basePermissions(g: GuildState, userId: string, extra = 0n): bigint {
  if (userId === g.ownerId) return ALL;
  let perms = (g.roles.get(g.id)?.permissions ?? 0n) | extra;
  for (const r of g.members.get(userId)?.roles ?? []) perms |= g.roles.get(r)?.permissions ?? 0n;
  return perms & P.ADMINISTRATOR ? ALL : perms;
}

/** A member's permissions in one channel: the base, then the channel's overwrites in Discord's order. */
export function channelPermissions(g: GuildState, channelId: string, userId: string, extra = 0n, extraRoles: string[] = []): bigint {
  const base = basePermissions(g, userId, extra | extraRoles.reduce((acc, r) => acc | (g.roles.get(r)?.permissions ?? 0n), 0n));
  if (base === ALL && (userId === g.ownerId || (base & P.ADMINISTRATOR) !== 0n)) return ALL;
  const channel = g.channels.get(channelId);
  if (!channel) return base;
  let perms = base;
  const everyone = channel.overwrites.find((o) => o.type === 0 && o.id === g.id);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  const roles = new Set([...(g.members.get(userId)?.roles ?? []), ...extraRoles]);
  let allow = 0n;
  let deny = 0n;
  for (const o of channel.overwrites) {
    if (o.type === 0 && o.id !== g.id && roles.has(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const own = channel.overwrites.find((o) => o.type === 1 && o.id === userId);
  if (own) perms = (perms & ~own.deny) | own.allow;
  // Without View Channel nothing else in the channel counts.
  return perms & P.VIEW_CHANNEL ? perms : 0n;
}
