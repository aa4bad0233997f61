import { Client, Events, GatewayIntentBits, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator } from './discord-emulator/index.ts';
import { channelPermissions, DEFAULT_EVERYONE, P, type GuildState } from './discord-emulator/permissions.ts';

/**
 * The emulator computes permissions as Discord does (roles, then channel overwrites) and refuses
 * what Discord refuses for them: a bot that may not see or write in a channel cannot post there,
 * and a command carries the member's computed permissions for every channel option.
 */
const GUILD = '410000000000000001';
const DESK = '410000000000000002';
const ANNOUNCE = '410000000000000003';
const HIDDEN = '410000000000000004';
const EDITORS = '410000000000000005';
const QUIET = '410000000000000006';
const MEMBER = { id: '710000000000000001', username: 'reader' };
const EDITOR = { id: '710000000000000002', username: 'editor' };

describe('permission arithmetic (Discord\'s order: base, @everyone overwrite, role overwrites, member overwrite)', () => {
  const g: GuildState = {
    id: 'g',
    ownerId: 'owner',
    roles: new Map([
      ['g', { id: 'g', name: '@everyone', permissions: DEFAULT_EVERYONE, mentionable: false, managed: false, position: 0 }],
      ['ed', { id: 'ed', name: 'editors', permissions: P.MANAGE_GUILD, mentionable: true, managed: false, position: 1 }],
      ['adm', { id: 'adm', name: 'admins', permissions: P.ADMINISTRATOR, mentionable: false, managed: false, position: 2 }],
    ]),
    members: new Map([
      ['m', { roles: [], username: 'm' }],
      ['e', { roles: ['ed'], username: 'e' }],
      ['a', { roles: ['adm'], username: 'a' }],
    ]),
    channels: new Map([
      ['open', { id: 'open', name: 'open', type: 0, overwrites: [] }],
      ['ro', { id: 'ro', name: 'ro', type: 0, overwrites: [{ id: 'g', type: 0, allow: 0n, deny: P.SEND_MESSAGES }, { id: 'ed', type: 0, allow: P.SEND_MESSAGES, deny: 0n }] }],
      ['hidden', { id: 'hidden', name: 'hidden', type: 0, overwrites: [{ id: 'g', type: 0, allow: 0n, deny: P.VIEW_CHANNEL }] }],
      ['memberDenied', { id: 'memberDenied', name: 'x', type: 0, overwrites: [{ id: 'ed', type: 0, allow: P.SEND_MESSAGES, deny: 0n }, { id: 'e', type: 1, allow: 0n, deny: P.SEND_MESSAGES }] }],
    ]),
  };
  const can = (channel: string, user: string, bits: bigint) => (channelPermissions(g, channel, user) & bits) === bits;
  it.each([
    ['a member writes in an open channel', 'open', 'm', P.VIEW_CHANNEL | P.SEND_MESSAGES, true],
    ['a member reads but cannot write in a read-only channel', 'ro', 'm', P.SEND_MESSAGES, false],
    ['…while still seeing it', 'ro', 'm', P.VIEW_CHANNEL, true],
    ['a role overwrite allows what @everyone is denied', 'ro', 'e', P.SEND_MESSAGES, true],
    ['a hidden channel gives nothing, not even Send', 'hidden', 'm', P.SEND_MESSAGES, false],
    ['the member overwrite beats the role overwrite', 'memberDenied', 'e', P.SEND_MESSAGES, false],
    ['Administrator ignores overwrites', 'hidden', 'a', P.VIEW_CHANNEL | P.SEND_MESSAGES, true],
    ['the owner ignores overwrites', 'hidden', 'owner', P.VIEW_CHANNEL | P.SEND_MESSAGES, true],
  ])('%s', (_what, channel, user, bits, expected) => {
    expect(can(channel, user, bits)).toBe(expected);
  });
});

describe('the emulator applies permissions to commands and posts', () => {
  let emu: DiscordEmulator;
  let client: Client;
  const seen: ChatInputCommandInteraction[] = [];

  beforeAll(async () => {
    emu = await DiscordEmulator.start({
      guilds: [
        {
          id: GUILD,
          name: 'Perms',
          roles: [{ id: EDITORS, name: 'editors', permissions: P.MANAGE_GUILD }, { id: QUIET, name: 'quiet', mentionable: false }],
          channels: [
            { id: DESK, name: 'desk' },
            { id: ANNOUNCE, name: 'announcements', overwrites: [{ id: GUILD, type: 0, deny: P.SEND_MESSAGES }, { id: EDITORS, type: 0, allow: P.SEND_MESSAGES }] },
            { id: HIDDEN, name: 'hidden', overwrites: [{ id: GUILD, type: 0, deny: P.VIEW_CHANNEL }] },
          ],
          members: [{ ...EDITOR, roles: [EDITORS] }],
        },
      ],
    });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.url } });
    client.on(Events.InteractionCreate, (i) => {
      if (i.isChatInputCommand()) seen.push(i);
    });
    const ready = new Promise<void>((r) => client.once(Events.ClientReady, () => r()));
    await client.login(emu.token);
    await ready;
  });
  afterAll(async () => {
    await client.destroy();
    await emu.stop();
  });

  async function command(user: { id: string; username: string }, channel: string, roles: string[] = []): Promise<ChatInputCommandInteraction> {
    const before = seen.length;
    emu.sendCommand({ name: 'alert', guildId: GUILD, channelId: DESK, user, permissions: '0', roles, options: [{ type: 7, name: 'channel', value: channel }, { type: 8, name: 'role', value: QUIET }] });
    await emu.waitFor(() => seen.length > before);
    return seen[seen.length - 1]!;
  }

  it("sends each channel option with the member's computed permissions there, and the role object", async () => {
    const plain = await command(MEMBER, ANNOUNCE);
    const announce = plain.options.getChannel('channel') as unknown as { permissions: { has(b: bigint): boolean } };
    expect(announce.permissions.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect(announce.permissions.has(PermissionFlagsBits.SendMessages)).toBe(false);
    expect(plain.memberPermissions!.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(plain.appPermissions.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect((plain.options.getRole('role') as { mentionable: boolean }).mentionable).toBe(false);
    const editor = await command(EDITOR, ANNOUNCE);
    expect((editor.options.getChannel('channel') as unknown as { permissions: { has(b: bigint): boolean } }).permissions.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(editor.memberPermissions!.has(PermissionFlagsBits.ManageGuild)).toBe(true);
  });

  it('refuses a channel the server does not have, as Discord\'s client never sends one', () => {
    expect(() => emu.sendCommand({ name: 'alert', guildId: GUILD, channelId: DESK, user: MEMBER, options: [{ type: 7, name: 'channel', value: '1' }] })).toThrow(/not a channel/);
  });

  it("computes the bot's own permissions in the guild cache from the roles and overwrites it was sent", async () => {
    emu.setBotPermissions(ANNOUNCE, { sendMessages: false });
    await emu.waitFor(() => !client.channels.cache.get(ANNOUNCE)?.isSendable() || !(client.channels.cache.get(ANNOUNCE) as { permissionsFor(u: unknown): { has(b: bigint): boolean } }).permissionsFor(client.user).has(PermissionFlagsBits.SendMessages));
    const me = (client.channels.cache.get(ANNOUNCE) as unknown as { permissionsFor(u: unknown): { has(b: bigint): boolean } }).permissionsFor(client.user);
    expect(me.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect(me.has(PermissionFlagsBits.SendMessages)).toBe(false);
    emu.setBotPermissions(ANNOUNCE, { sendMessages: true });
  });

  async function post(channel: string, body: Record<string, unknown>, files = false): Promise<{ status: number; body: { code?: number; mention_roles?: string[] } }> {
    const init: RequestInit = files
      ? (() => {
          const form = new FormData();
          form.append('payload_json', JSON.stringify({ ...body, attachments: [{ id: 0, filename: 'a.txt' }] }));
          form.append('files[0]', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
          return { method: 'POST', headers: { authorization: `Bot ${emu.token}` }, body: form };
        })()
      : { method: 'POST', headers: { authorization: `Bot ${emu.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) };
    const res = await fetch(`${emu.url}/v10/channels/${channel}/messages`, init);
    return { status: res.status, body: (await res.json()) as { code?: number } };
  }

  it.each([
    ['Send Messages denied: 50013', { sendMessages: false }, false, 403, 50013],
    ['Attach Files denied, a file sent: 50013', {}, true, 403, 50013],
  ])('refuses a post when the bot lacks a permission — %s', async (_what, perms, files, status, code) => {
    if (files) emu.setChannelOverwrite(DESK, { id: emu.botUserId, type: 1, deny: P.ATTACH_FILES });
    else emu.setBotPermissions(DESK, perms);
    expect(await post(DESK, { content: 'hi' }, files)).toMatchObject({ status, body: { code } });
    emu.setChannelOverwrite(DESK, { id: emu.botUserId, type: 1 });
    expect((await post(DESK, { content: 'hi' }, files)).status).toBe(200);
  });

  it('answers 50001 Missing Access for a channel the bot cannot see', async () => {
    emu.setChannelOverwrite(HIDDEN, { id: emu.botUserId, type: 1, deny: P.VIEW_CHANNEL });
    expect(await post(HIDDEN, { content: 'hi' })).toMatchObject({ status: 403, body: { code: 50001 } });
    emu.setChannelOverwrite(HIDDEN, { id: emu.botUserId, type: 1 });
  });

  it('pings a role only when it is mentionable or the bot may mention everyone there', async () => {
    const allowed = { parse: [], roles: [EDITORS, QUIET] };
    const sent = await post(DESK, { content: `<@&${EDITORS}> <@&${QUIET}>`, allowed_mentions: allowed });
    expect(sent.body.mention_roles).toEqual([EDITORS, QUIET]);
    emu.setChannelOverwrite(DESK, { id: emu.botUserId, type: 1, deny: P.MENTION_EVERYONE });
    expect((await post(DESK, { content: `<@&${EDITORS}> <@&${QUIET}>`, allowed_mentions: allowed })).body.mention_roles).toEqual([EDITORS]);
    expect((await post(DESK, { content: `<@&${EDITORS}>`, allowed_mentions: { parse: [] } })).body.mention_roles).toEqual([]);
    emu.setChannelOverwrite(DESK, { id: emu.botUserId, type: 1 });
  });

  it('answers GET member for members and 10007 for someone who left', async () => {
    const get = async (id: string) => (await fetch(`${emu.url}/v10/guilds/${GUILD}/members/${id}`, { headers: { authorization: `Bot ${emu.token}` } })).json() as Promise<{ roles?: string[]; code?: number }>;
    expect((await get(EDITOR.id)).roles).toEqual([EDITORS]);
    emu.removeMember(GUILD, EDITOR.id);
    expect((await get(EDITOR.id)).code).toBe(10007);
    emu.setMember(GUILD, { ...EDITOR, roles: [EDITORS] });
  });
});
