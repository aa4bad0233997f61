import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/core/policy/limits.ts';
import { Perm } from '../src/core/policy/permissions.ts';
import { checkCreate, checkSourceLimit, checkStillAllowed, type CreateCheck, type Refusal } from '../src/core/policy/posting.ts';
import { refusalText } from '../src/replies/refusals.ts';

/** Who may make the bot post where: one pure function, every rule in a row. */
const WRITE = Perm.ViewChannel | Perm.SendMessages;
const BOT = WRITE | Perm.EmbedLinks;
const base: CreateCheck = {
  what: 'alert',
  guildId: 'g',
  moderator: false,
  channel: { channelId: 'c', member: WRITE, bot: BOT },
  role: null,
  counts: { byMember: 0, inServer: 0 },
  limits: DEFAULT_LIMITS,
};
const check = (over: Partial<CreateCheck>) => checkCreate({ ...base, ...over });

describe('checkCreate', () => {
  it.each<[string, Partial<CreateCheck>, Refusal | null]>([
    ['a member may add a search alert where they can write', {}, null],
    ['…not in a read-only channel', { channel: { channelId: 'c', member: Perm.ViewChannel, bot: BOT } }, { code: 'member-cannot-post', channelId: 'c', missing: ['SendMessages'] }],
    ['…not in a channel they cannot see', { channel: { channelId: 'c', member: 0n, bot: BOT } }, { code: 'member-cannot-post', channelId: 'c', missing: ['ViewChannel', 'SendMessages'] }],
    ['Administrator may post anywhere', { channel: { channelId: 'c', member: Perm.Administrator, bot: BOT } }, null],
    ['the bot must be able to post there too', { channel: { channelId: 'c', member: WRITE, bot: Perm.ViewChannel } }, { code: 'bot-cannot-post', channelId: 'c', missing: ['SendMessages', 'EmbedLinks'] }],
    ['unknown permissions (the console) are not refused', { channel: { channelId: 'c', member: null, bot: null } }, null],
    ['deliveries are for moderators', { what: 'delivery' }, { code: 'moderators-only', what: 'delivery' }],
    ['change alerts are for moderators', { what: 'changes' }, { code: 'moderators-only', what: 'changes' }],
    ['digests are for moderators', { what: 'digest' }, { code: 'moderators-only', what: 'digest' }],
    ['role pings are for moderators', { role: { id: 'r', mentionable: true } }, { code: 'moderators-only', what: 'role-mention' }],
    ['a moderator may ping a mentionable role', { moderator: true, role: { id: 'r', mentionable: true } }, null],
    ['never @everyone', { moderator: true, role: { id: 'g', mentionable: true } }, { code: 'role-everyone' }],
    ['a role that is not mentionable needs Mention Everyone of the member…', { moderator: true, role: { id: 'r', mentionable: false } }, { code: 'role-not-mentionable', roleId: 'r', by: 'member' }],
    ['…and of the bot', { moderator: true, role: { id: 'r', mentionable: false }, channel: { channelId: 'c', member: WRITE | Perm.MentionEveryone, bot: BOT } }, { code: 'role-not-mentionable', roleId: 'r', by: 'bot' }],
    ['…with both it pings', { moderator: true, role: { id: 'r', mentionable: false }, channel: { channelId: 'c', member: WRITE | Perm.MentionEveryone, bot: BOT | Perm.MentionEveryone } }, null],
    ['a moderator still needs to be able to write there', { moderator: true, what: 'delivery', channel: { channelId: 'c', member: Perm.ViewChannel, bot: BOT } }, { code: 'member-cannot-post', channelId: 'c', missing: ['SendMessages'] }],
    ['a member has at most 10 alerts', { counts: { byMember: 10, inServer: 10 } }, { code: 'limit', limit: 'alertsPerMember', max: 10 }],
    ['a server has at most 50', { counts: { byMember: 0, inServer: 50 } }, { code: 'limit', limit: 'alertsPerServer', max: 50 }],
    ['moderators count too', { moderator: true, what: 'delivery', counts: { byMember: 10, inServer: 10 } }, { code: 'limit', limit: 'alertsPerMember', max: 10 }],
    ['a server has at most 20 digests', { moderator: true, what: 'digest', counts: { byMember: 0, inServer: 20 } }, { code: 'limit', limit: 'digestsPerServer', max: 20 }],
    ['limits are settings', { counts: { byMember: 3, inServer: 3 }, limits: { ...DEFAULT_LIMITS, alertsPerMember: 3 } }, { code: 'limit', limit: 'alertsPerMember', max: 3 }],
  ])('%s', (_what, over, expected) => {
    expect(check(over)).toEqual(expected);
  });

  it('limits sources per server', () => {
    expect(checkSourceLimit(49, DEFAULT_LIMITS)).toBeNull();
    expect(checkSourceLimit(50, DEFAULT_LIMITS)).toEqual({ code: 'limit', limit: 'sourcesPerServer', max: 50 });
  });
});

describe('checkStillAllowed (before each post)', () => {
  it.each<[string, bigint | null | 'gone', boolean]>([
    ['can still write', WRITE, true],
    ['the channel became read-only', Perm.ViewChannel, false],
    ['the channel became hidden', 0n, false],
    ['they left the server', 'gone', false],
    ['Administrator', Perm.Administrator, true],
    ['unknown (no front end to ask)', null, true],
  ])('%s', (_what, perms, expected) => {
    expect(checkStillAllowed(perms)).toBe(expected);
  });
});

describe('refusals name the thing, the value and the way out', () => {
  it.each<[Refusal, string]>([
    [{ code: 'member-cannot-post', channelId: '42', missing: ['SendMessages'] }, "You can't send messages in <#42> (missing Send Messages), so the bot won't post there for you. Pick a channel where you can write."],
    [{ code: 'bot-cannot-post', channelId: '42', missing: ['SendMessages', 'EmbedLinks'] }, "I can't post in <#42>: missing Send Messages, Embed Links. Give the bot those permissions in that channel, or pick another channel."],
    [{ code: 'limit', limit: 'alertsPerMember', max: 10 }, 'You already have 10 alerts in this server, the most one member may have. Remove one with `/alert remove` to add another.'],
    [{ code: 'limit', limit: 'sourcesPerServer', max: 50 }, 'This server already follows 50 sources, the most one server may. Remove one with `/source remove` to add another.'],
  ])('%j', (r, text) => {
    expect(refusalText(r)).toBe(text);
  });
});
