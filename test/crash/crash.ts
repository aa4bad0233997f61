import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DiscordEmulator } from '../discord-emulator/index.ts';
import { startBot, tempDataDir, type BotProcess } from '../helpers/bot-process.ts';

const GUILD = '700000000000000001';
const DESK = '700000000000000002';
const MOD = { id: '700000000000000003', username: 'editor' };

export interface CrashIteration {
  killedAfterMs: number;
  articles: number;
  duplicates: number;
  integrity: string;
  digestPosts: number;
  /** 1 when articles were first seen before the window closed (the digest has content), else 0. */
  expectedDigestPosts: number;
  indexed: number;
}

/**
 * Kills the bot with SIGKILL at a random moment while it ingests a feed and posts a due digest,
 * restarts it, and reports what the store, the index and the channel hold afterwards.
 */
export async function runCrashIterations(iterations: number, seed = Date.now()): Promise<CrashIteration[]> {
  let s = seed >>> 0;
  const random = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  let version = 1;
  const feed = http.createServer((_req, res) => {
    const n = version === 1 ? 50 : 400;
    const items = Array.from({ length: n }, (_, i) => `<item><guid>c-${i}</guid><title>Crash desk story ${i}</title><link>https://crash.example/${i}</link><description>Story ${i} about troops.</description></item>`);
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Crash Wire</title>${items.join('')}</channel></rss>`);
  });
  await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
  const feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/crash.xml`;
  const emu = await DiscordEmulator.start({ guilds: [{ id: GUILD, channels: [{ id: DESK }, ...Array.from({ length: iterations }, (_, i) => ({ id: `70000000000000010${i.toString().padStart(2, '0')}` }))] }] });
  const out: CrashIteration[] = [];
  const bots: BotProcess[] = [];
  try {
    for (let it = 0; it < iterations; it++) {
      version = 1;
      const channel = `70000000000000010${it.toString().padStart(2, '0')}`;
      const dataDir = tempDataDir('newsdesk-crash-');
      const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clock-')), 'offset');
      fs.writeFileSync(clockFile, '0');
      const env = { DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.url, DISCORD_GUILD_ID: GUILD, ALLOW_PRIVATE_SOURCES: 'true', LOG_LEVEL: 'info', NEWSDESK_CLOCK_FILE: clockFile, NEWSDESK_TICK_CRON: '* * * * * *', SOURCE_INTERVAL_MINUTES: '5' };
      const bot = startBot(env, { dataDir });
      bots.push(bot);
      await bot.waitForLog((l) => l.msg === 'ready', 60_000);
      const cmd = (sub: string, options: unknown[]) => emu.sendCommand({ name: sub.split(' ')[0]!, options: [{ type: 1, name: sub.split(' ')[1]!, options }] as never, guildId: GUILD, channelId: DESK, user: MOD, permissions: '32' }).final(20_000);
      await cmd('source add', [{ type: 3, name: 'url', value: `${feedUrl}?it=${it}` }]);
      await cmd('digest subscribe', [{ type: 7, name: 'channel', value: channel }, { type: 3, name: 'schedule', value: 'hourly' }, { type: 3, name: 'timezone', value: 'UTC' }]);
      // The feed grows to 400 items. Move the clock to 10 minutes before the next hour (the poll is
      // due: the source ingests), then past the hour (the digest is due) — and kill at a random moment.
      version = 2;
      const now = Date.now();
      const nextHour = Math.ceil((now + 20 * 60_000) / 3_600_000) * 3_600_000;
      fs.writeFileSync(clockFile, String(nextHour - 10 * 60_000 - now));
      const phaseB = setTimeout(() => fs.writeFileSync(clockFile, String(nextHour + 60_000 - now)), 1500);
      const killedAfterMs = Math.floor(random() * 3500);
      await new Promise((r) => setTimeout(r, killedAfterMs));
      bot.kill('SIGKILL');
      await bot.exited;
      clearTimeout(phaseB);
      fs.writeFileSync(clockFile, String(nextHour + 60_000 - now));
      // Restart and let it catch up: poll, ingest, file and post whatever is due.
      const again = startBot(env, { dataDir });
      bots.push(again);
      await again.waitForLog((l) => l.msg === 'ready', 60_000);
      await emu.waitFor(() => emu.channelMessages(channel).length > 0, 30_000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 2500));
      const stats = await emu.sendCommand({ name: 'stats', guildId: GUILD, channelId: DESK, user: MOD }).final(15_000);
      const indexed = Number(/\*\*Index:\*\* ([\d,]+) documents/.exec(stats.embeds[0].description)?.[1]?.replace(/,/g, ''));
      again.kill('SIGKILL');
      await again.exited;
      const db = new Database(path.join(dataDir, 'newsdesk.db'), { readonly: true });
      const articles = (db.prepare('SELECT COUNT(*) AS n FROM articles').get() as { n: number }).n;
      const duplicates = (db.prepare('SELECT COUNT(*) AS n FROM (SELECT source_id, dedupe_key FROM articles GROUP BY 1, 2 HAVING COUNT(*) > 1)').get() as { n: number }).n;
      const integrity = db.pragma('integrity_check', { simple: true }) as string;
      const inWindow = (db.prepare('SELECT COUNT(*) AS n FROM articles WHERE announce = 1 AND first_seen_at <= ?').get(new Date(nextHour).toISOString()) as { n: number }).n;
      db.close();
      out.push({ killedAfterMs, articles, duplicates, integrity, digestPosts: emu.channelMessages(channel).length, expectedDigestPosts: inWindow > 0 ? 1 : 0, indexed });
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(path.dirname(clockFile), { recursive: true, force: true });
    }
    return out;
  } finally {
    for (const b of bots) b.kill('SIGKILL');
    await emu.stop();
    await new Promise((r) => feed.close(r));
  }
}
