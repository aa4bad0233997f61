import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscordEmulator } from '../discord-emulator/index.ts';
import { startBot, type BotProcess } from '../helpers/bot-process.ts';

export interface LoadReport {
  interactions: number;
  concurrency: number;
  ackMs: { p50: number; p99: number };
  finalMs: { p50: number; p99: number };
  failures: number;
  failureSamples: string[];
  refused: number;
  ingests: number;
  memory: Array<{ round: number; heapMiB: number; rssMiB: number }>;
}

const GUILD = '600000000000000001';
const CHANNEL = '600000000000000002';
const USER = { id: '600000000000000003', username: 'load' };

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/**
 * Drives the real bot through the Discord emulator: `rounds` × `perRound` interactions (search,
 * autocomplete, paging) at `concurrency`, while a source is refreshed with new items in the
 * background. Measures time to the first response (ack) and to the final one, and the bot's
 * memory (from /stats) after each round.
 */
export async function runLoad(opts: { perRound: number; rounds: number; concurrency: number }): Promise<LoadReport> {
  let version = 0;
  const feed = http.createServer((_req, res) => {
    version++;
    const items = Array.from({ length: 40 }, (_, i) => {
      const n = version * 40 + i;
      return `<item><guid>load-${n}</guid><title>Troops and markets update ${n}</title><link>https://load.example/${n}</link><description>Report ${n}: troops, markets and rumors along the border.</description></item>`;
    });
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Load Wire</title>${items.join('')}</channel></rss>`);
  });
  await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
  const feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/load.xml`;
  const emu = await DiscordEmulator.start({ guilds: [{ id: GUILD, channels: [{ id: CHANNEL }] }] });
  let bot: BotProcess | undefined;
  try {
    // --expose-gc: /stats then reports the live heap, so round-to-round growth is a leak, not garbage.
    bot = startBot({ DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.url, DISCORD_GUILD_ID: GUILD, ALLOW_PRIVATE_SOURCES: 'true', LOG_LEVEL: 'info' }, { nodeArgs: ['--expose-gc'] });
    await bot.waitForLog((l) => l.msg === 'ready', 60_000);
    await emu.waitForReady(60_000);
    // Registration happens right after READY; wait for it so commands resolve.
    await emu.waitFor(() => emu.commands(GUILD).length > 0, 30_000);
    const added = await emu.sendCommand({ name: 'source', options: [{ type: 1, name: 'add', options: [{ type: 3, name: 'url', value: feedUrl }] }] as never, guildId: GUILD, channelId: CHANNEL, user: USER, permissions: '32' }).final(30_000);
    const sourceId = /`([a-z0-9]+)`/.exec(added.content)![1]!;

    const ack: number[] = [];
    const fin: number[] = [];
    const failures: string[] = [];
    const memory: LoadReport['memory'] = [];
    let ingests = 0;
    let stop = false;
    const background = (async () => {
      while (!stop) {
        await emu.sendCommand({ name: 'source', options: [{ type: 1, name: 'refresh', options: [{ type: 3, name: 'id', value: sourceId }] }] as never, guildId: GUILD, channelId: CHANNEL, user: USER, permissions: '32' }).final(30_000).catch(() => {});
        ingests++;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const queries = ['troops', 'rumors border', 'markets update', '"Storm Corps"', 'Kim Yo Jong', 'defectors', 'letters of encouragement', 'troop', 'Pentagon troops'];
    let lastSearch: { id?: string; components?: Array<{ components: Array<{ custom_id: string; disabled?: boolean }> }> } | undefined;
    for (let round = 1; round <= opts.rounds; round++) {
      let next = 0;
      const one = async (n: number) => {
        const kind = n % 4;
        const q = queries[n % queries.length]!;
        const started = Date.now();
        try {
          let h;
          if (kind === 1) {
            h = emu.sendAutocomplete({ name: 'search', options: [{ type: 3, name: 'query', value: q.slice(0, 3 + (n % 4)), focused: true }] as never, guildId: GUILD, channelId: CHANNEL, user: USER });
          } else if (kind === 2 && lastSearch?.components?.[0]?.components[1] && !lastSearch.components[0].components[1].disabled) {
            h = emu.clickButton({ customId: lastSearch.components[0].components[1].custom_id, message: lastSearch as never, guildId: GUILD, channelId: CHANNEL, user: USER });
          } else {
            h = emu.sendCommand({ name: 'search', options: [{ type: 3, name: 'query', value: q }] as never, guildId: GUILD, channelId: CHANNEL, user: USER });
          }
          const a = await h.ack();
          ack.push(a.at - started);
          // Discord takes a deferred interaction's final answer for 15 minutes; a minute still
          // fails a reply that never comes, without failing one slowed by a busy machine.
          const f = await h.final(60_000);
          fin.push(Date.now() - started);
          if (kind !== 1 && f?.components?.length) lastSearch = f;
          if (a.data?.content?.startsWith('Something went wrong')) failures.push(`${q}: ${a.data.content}`);
        } catch (err) {
          failures.push(`${q}: ${(err as Error).message}`);
        }
      };
      const worker = async () => {
        while (next < opts.perRound) await one(next++);
      };
      await Promise.all(Array.from({ length: opts.concurrency }, worker));
      const stats = await emu.sendCommand({ name: 'stats', guildId: GUILD, channelId: CHANNEL, user: USER }).final(15_000);
      const m = /\*\*Memory:\*\* (\d+) MiB heap, (\d+) MiB resident/.exec(stats.embeds[0].description);
      memory.push({ round, heapMiB: Number(m?.[1]), rssMiB: Number(m?.[2]) });
    }
    stop = true;
    await background;
    return {
      interactions: opts.perRound * opts.rounds,
      concurrency: opts.concurrency,
      ackMs: { p50: pct(ack, 50), p99: pct(ack, 99) },
      finalMs: { p50: pct(fin, 50), p99: pct(fin, 99) },
      failures: failures.length,
      failureSamples: failures.slice(0, 5),
      /** Payloads the emulator refused as Discord would. */
      refused: emu.refusals.length,
      ingests,
      memory,
    };
  } finally {
    bot?.kill('SIGKILL');
    await emu.stop();
    await new Promise((r) => feed.close(r));
    if (bot) fs.rmSync(bot.dataDir, { recursive: true, force: true });
  }
}
