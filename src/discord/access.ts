import { DiscordAPIError, Routes, type Client, type REST } from 'discord.js';
import type { Log } from '../core/deps.ts';
import type { GuildAccess } from '../core/policy/access.ts';
import { Perm } from '../core/policy/permissions.ts';

/** What a permission answer is computed from, as Discord's API gives it. */
export interface PermissionData {
  guildId: string;
  ownerId: string;
  /** Role id → permissions (the @everyone role has the guild's id). */
  roles: Map<string, bigint>;
  overwrites: Array<{ id: string; type: number; allow: bigint; deny: bigint }>;
  userId: string;
  memberRoles: string[];
}

const ALL = (1n << 64n) - 1n;

/**
 * A member's permissions in a channel, computed as Discord documents it: @everyone and the
 * member's roles (Administrator or ownership: everything), then the channel's @everyone
 * overwrite, the roles' overwrites together, the member's own overwrite.
 */
export function computePermissions(d: PermissionData): bigint {
  if (d.userId === d.ownerId) return ALL;
  let base = d.roles.get(d.guildId) ?? 0n;
  for (const r of d.memberRoles) base |= d.roles.get(r) ?? 0n;
  if (base & Perm.Administrator) return ALL;
  let perms = base;
  const everyone = d.overwrites.find((o) => o.id === d.guildId);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of d.overwrites) {
    if (o.type === 0 && o.id !== d.guildId && d.memberRoles.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const own = d.overwrites.find((o) => o.type === 1 && o.id === d.userId);
  if (own) perms = (perms & ~own.deny) | own.allow;
  return perms & Perm.ViewChannel ? perms : 0n;
}

/** How long a member's roles or a channel's overwrites read over REST are trusted. */
const TTL_MS = 60_000;

interface ApiRole {
  id: string;
  permissions: string;
}
interface ApiChannel {
  id: string;
  guild_id?: string;
  permission_overwrites?: Array<{ id: string; type: number; allow: string; deny: string }>;
}
interface ApiGuild {
  id: string;
  owner_id: string;
  roles: ApiRole[];
}

/**
 * Permissions outside an interaction, for the posting policy's re-check before each post: from the
 * gateway's guild cache when this process has one (roles and overwrites arrive with every change),
 * else from the REST API (a worker process), cached for a minute. Members come from REST (the bot
 * has no members intent), also cached for a minute; a member who left answers 'gone'.
 */
export class DiscordGuildAccess implements GuildAccess {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly rest: REST,
    private readonly client: Client | null,
    private readonly botUserId: () => string | null,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {}

  async botPermissions(guildId: string, channelId: string): Promise<bigint | null> {
    const me = this.botUserId();
    if (!me) return null;
    try {
      const data = await this.data(guildId, channelId);
      if (!data) return null;
      const member = await this.memberRoles(guildId, me);
      return member === 'gone' ? 0n : computePermissions({ ...data, userId: me, memberRoles: member });
    } catch (err) {
      this.log.warn({ guildId, channelId, err: err instanceof Error ? err.message : String(err) }, 'could not read the bot permissions');
      return null;
    }
  }

  async memberPermissions(guildId: string, channelId: string, userId: string): Promise<bigint | null | 'gone'> {
    try {
      const data = await this.data(guildId, channelId);
      if (!data) return 'gone';
      const member = await this.memberRoles(guildId, userId);
      if (member === 'gone') return 'gone';
      return computePermissions({ ...data, userId, memberRoles: member });
    } catch (err) {
      this.log.warn({ guildId, channelId, userId, err: err instanceof Error ? err.message : String(err) }, 'could not read member permissions');
      return null;
    }
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
    const value = load();
    this.cache.set(key, { at: this.now(), value });
    value.catch(() => this.cache.delete(key));
    if (this.cache.size > 10_000) for (const [k, v] of this.cache) if (this.now() - v.at >= TTL_MS) this.cache.delete(k);
    return value;
  }

  /** The guild's roles, owner and the channel's overwrites; null when the channel is gone. */
  private async data(guildId: string, channelId: string): Promise<Omit<PermissionData, 'userId' | 'memberRoles'> | null> {
    const guild = this.client?.guilds.cache.get(guildId);
    const channel = guild?.channels.cache.get(channelId);
    if (guild && channel && 'permissionOverwrites' in channel) {
      return {
        guildId,
        ownerId: guild.ownerId,
        roles: new Map(guild.roles.cache.map((r) => [r.id, r.permissions.bitfield])),
        overwrites: channel.permissionOverwrites.cache.map((o) => ({ id: o.id, type: o.type, allow: o.allow.bitfield, deny: o.deny.bitfield })),
      };
    }
    if (guild && !channel) return null;
    const [g, c] = await Promise.all([
      this.cached(`guild:${guildId}`, () => this.rest.get(Routes.guild(guildId)) as Promise<ApiGuild>),
      this.cached(`channel:${channelId}`, async () => {
        try {
          return (await this.rest.get(Routes.channel(channelId))) as ApiChannel;
        } catch (err) {
          if (err instanceof DiscordAPIError && (err.code === 10003 || err.code === 50001)) return null;
          throw err;
        }
      }),
    ]);
    if (!c) return null;
    return {
      guildId,
      ownerId: g.owner_id,
      roles: new Map(g.roles.map((r) => [r.id, BigInt(r.permissions)])),
      overwrites: (c.permission_overwrites ?? []).map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) })),
    };
  }

  private memberRoles(guildId: string, userId: string): Promise<string[] | 'gone'> {
    const me = this.client?.guilds.cache.get(guildId)?.members.me;
    if (me && me.id === userId) return Promise.resolve([...me.roles.cache.keys()].filter((r) => r !== guildId));
    return this.cached(`member:${guildId}:${userId}`, async () => {
      try {
        return ((await this.rest.get(Routes.guildMember(guildId, userId))) as { roles: string[] }).roles;
      } catch (err) {
        if (err instanceof DiscordAPIError && (err.code === 10007 || err.code === 10013)) return 'gone' as const;
        throw err;
      }
    });
  }
}
