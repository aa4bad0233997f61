/**
 * What the front end can tell the core about a server's permissions outside an interaction:
 * before each post on a member's behalf, the outbox asks whether they may still write there.
 * Discord answers from its guild cache and a member fetch; the console has no such port.
 */
export interface GuildAccess {
  /** The bot's computed permissions in a channel, or null when unknown. */
  botPermissions(guildId: string, channelId: string): Promise<bigint | null>;
  /** A member's computed permissions in a channel; 'gone' when they left the server; null when unknown. */
  memberPermissions(guildId: string, channelId: string, userId: string): Promise<bigint | null | 'gone'>;
}
