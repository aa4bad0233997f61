/**
 * Discord permission bits the newsroom reasons about. Core code never sees discord.js: the
 * adapters hand it the bitfields Discord computed (member, channel option, the bot's own).
 */
export const Perm = {
  Administrator: 1n << 3n,
  ManageGuild: 1n << 5n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  ManageWebhooks: 1n << 29n,
} as const;

export type PermName = keyof typeof Perm;

/** How each permission is named in Discord's own settings (what a moderator looks for). */
export const PERM_LABEL: Record<PermName, string> = {
  Administrator: 'Administrator',
  ManageGuild: 'Manage Server',
  ViewChannel: 'View Channel',
  SendMessages: 'Send Messages',
  EmbedLinks: 'Embed Links',
  AttachFiles: 'Attach Files',
  ReadMessageHistory: 'Read Message History',
  MentionEveryone: 'Mention @everyone, @here and All Roles',
  ManageWebhooks: 'Manage Webhooks',
};

/** The permissions of `needed` that `perms` lacks (Administrator lacks nothing). */
export function lacking(perms: bigint, needed: readonly PermName[]): PermName[] {
  if ((perms & Perm.Administrator) !== 0n) return [];
  return needed.filter((p) => (perms & Perm[p]) === 0n);
}

/** What the bot needs in a channel to post there: see it, write in it, and show embeds. */
export const TO_POST: readonly PermName[] = ['ViewChannel', 'SendMessages', 'EmbedLinks'];
/** What a member needs in a channel for the bot to post there on their behalf. */
export const TO_WRITE: readonly PermName[] = ['ViewChannel', 'SendMessages'];
