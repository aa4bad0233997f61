import { Client, DiscordAPIError, Events, GatewayIntentBits, Routes, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordEmulator } from './discord-emulator/index.ts';

const GUILD = '300000000000000001';
const CHANNEL = '300000000000000002';
let emu: DiscordEmulator | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  await emu?.stop();
  client = undefined;
  emu = undefined;
});

async function connect(onInteraction: (i: Interaction) => Promise<void>): Promise<{ emu: DiscordEmulator; client: Client; errors: unknown[] }> {
  emu = await DiscordEmulator.start({ guilds: [{ id: GUILD, name: 'Emu', channels: [{ id: CHANNEL, name: 'desk' }] }] });
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.url } });
  const errors: unknown[] = [];
  client.on(Events.InteractionCreate, (i) => void onInteraction(i).catch((err) => errors.push(err)));
  const ready = new Promise<void>((r) => client!.once(Events.ClientReady, () => r()));
  await client.login(emu.token);
  await ready;
  return { emu, client, errors };
}

describe('the Discord emulator with a bare discord.js client', () => {
  it('logs in, caches the guild and channel, and registers guild commands', async () => {
    const { emu, client } = await connect(async () => {});
    expect(client.guilds.cache.get(GUILD)?.name).toBe('Emu');
    expect(client.channels.cache.get(CHANNEL)).toBeDefined();
    await client.application!.commands.set([{ name: 'ping', description: 'Ping' }], GUILD);
    expect(emu.commands(GUILD).map((c) => c.name)).toEqual(['ping']);
  });

  it('rejects commands that break Discord rules', async () => {
    const { client } = await connect(async () => {});
    await expect(client.application!.commands.set([{ name: 'ping', description: 'x'.repeat(101) }], GUILD)).rejects.toThrow(/Invalid Form Body/);
  });

  it('answers 10062 after the ack deadline and 40060 for a second ack', async () => {
    const codes: number[] = [];
    const { emu } = await connect(async (i) => {
      if (!i.isChatInputCommand()) return;
      if (i.commandName === 'late') await new Promise((r) => setTimeout(r, 400));
      try {
        await i.reply('first');
        // discord.js refuses a second reply itself; ask the API directly, as a second process would.
        await i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'second' } }, auth: false });
      } catch (err) {
        codes.push(err instanceof DiscordAPIError ? Number(err.code) : -1);
      }
    });
    emu.setAckDeadline(200);
    await emu.sendCommand({ name: 'late', guildId: GUILD, channelId: CHANNEL }).ack().catch(() => {});
    await emu.waitFor(() => codes.length === 1);
    emu.setAckDeadline(3000);
    const h = emu.sendCommand({ name: 'twice', guildId: GUILD, channelId: CHANNEL });
    expect((await h.ack()).data.content).toBe('first');
    await emu.waitFor(() => codes.length === 2);
    expect(codes).toEqual([10062, 40060]);
  });

  it('records deferrals, edits and follow-ups as full messages', async () => {
    const { emu } = await connect(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: 64 });
      await i.editReply({ content: 'edited' });
      await i.followUp({ content: 'more' });
    });
    const h = emu.sendCommand({ name: 'x', guildId: GUILD, channelId: CHANNEL });
    expect((await h.ack()).type).toBe(5);
    expect((await h.final()).content).toBe('edited');
    await emu.waitFor(() => h.followUps().length === 1);
    expect(h.followUps()[0]!.content).toBe('more');
  });

  it('dedupes channel posts by nonce with enforce_nonce, and refuses an over-long message', async () => {
    const { emu, client } = await connect(async () => {});
    const body = { content: 'digest', nonce: 'n-123', enforce_nonce: true };
    const a = (await client.rest.post(`/channels/${CHANNEL}/messages`, { body })) as { id: string };
    const b = (await client.rest.post(`/channels/${CHANNEL}/messages`, { body })) as { id: string };
    expect(b.id).toBe(a.id);
    expect(emu.channelMessages(CHANNEL)).toHaveLength(1);
    await expect(client.rest.post(`/channels/${CHANNEL}/messages`, { body: { content: 'x'.repeat(2001) } })).rejects.toThrow(/Invalid Form Body/);
  });

  it('retries through an injected 429 and 500', async () => {
    const { emu, client } = await connect(async () => {});
    emu.injectRestFault({ method: 'POST', path: /\/channels\/\d+\/messages/ }, { status: 429, retryAfter: 0.2 }, 1);
    emu.injectRestFault({ method: 'POST', path: /\/channels\/\d+\/messages/ }, { status: 500 }, 1);
    await client.rest.post(`/channels/${CHANNEL}/messages`, { body: { content: 'after faults' } });
    expect(emu.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.status)).toEqual([429, 500, 200]);
    expect(emu.channelMessages(CHANNEL).map((m) => m.content)).toEqual(['after faults']);
  });
});
