import { PERM_LABEL, type PermName } from '../core/policy/permissions.ts';
import type { Refusal } from '../core/policy/posting.ts';

const list = (perms: PermName[]) => perms.map((p) => PERM_LABEL[p]).join(', ');

/** The words a member reads when the posting policy says no: what, where, and how to get a yes. */
export function refusalText(r: Refusal): string {
  switch (r.code) {
    case 'moderators-only':
      switch (r.what) {
        case 'delivery':
          return 'Only moderators (Manage Server permission or the moderator role) can make a channel follow a source. Use `query:` for a search alert, or ask a moderator.';
        case 'changes':
          return 'Only moderators (Manage Server permission or the moderator role) can add a change alert: it posts for every source of the server.';
        case 'digest':
          return 'Only moderators (Manage Server permission or the moderator role) can manage digests. Anyone can /digest preview.';
        case 'role-mention':
          return 'Only moderators can make an alert mention a role. Add it without a role, or ask a moderator.';
        default:
          return 'Only moderators can do that.';
      }
    case 'member-cannot-post':
      return `You can't send messages in <#${r.channelId}> (missing ${list(r.missing)}), so the bot won't post there for you. Pick a channel where you can write.`;
    case 'bot-cannot-post':
      return `I can't post in <#${r.channelId}>: missing ${list(r.missing)}. Give the bot ${r.missing.length === 1 ? 'that permission' : 'those permissions'} in that channel, or pick another channel.`;
    case 'role-everyone':
      return 'An alert cannot mention @everyone; pick a specific role.';
    case 'role-not-mentionable':
      return r.by === 'member'
        ? `<@&${r.roleId}> is not mentionable, and you may not mention every role in that channel (${PERM_LABEL.MentionEveryone}). Ask an admin to make the role mentionable.`
        : `<@&${r.roleId}> is not mentionable and the bot lacks ${PERM_LABEL.MentionEveryone} in that channel, so the ping would reach no one. Make the role mentionable or give the bot that permission there.`;
    case 'limit':
      switch (r.limit) {
        case 'alertsPerMember':
          return `You already have ${r.max} alerts in this server, the most one member may have. Remove one with \`/alert remove\` to add another.`;
        case 'alertsPerServer':
          return `This server already has ${r.max} alerts and deliveries, the most one server may have. A moderator can free a slot with \`/alert remove\`.`;
        case 'sourcesPerServer':
          return `This server already follows ${r.max} sources, the most one server may. Remove one with \`/source remove\` to add another.`;
        case 'digestsPerServer':
          return `This server already has ${r.max} digests, the most one server may have. Stop one with \`/digest unsubscribe\` to add another.`;
      }
  }
}
