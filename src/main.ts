/**
 * Composition root: config → logger → store → newsroom → Discord (with DISCORD_TOKEN) or the
 * local console (without). Everything else receives its dependencies from here.
 */
import path from 'node:path';
import { commandList } from '../commands/index.ts';
import type { CommandContext } from './command.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { runConsole } from './console.ts';
import { systemClock } from './core/deps.ts';
import { Newsroom } from './core/newsroom.ts';
import { importSeeds } from './core/seed-import.ts';
import { openStore } from './core/store/index.ts';
import { startDiscordBot, type DiscordBot } from './discord/client.ts';
import { Dispatcher } from './dispatch.ts';
import { createLogger } from './logger.ts';

const SHUTDOWN_GRACE_MS = 8000;

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting and its default.\n`);
      return 1;
    }
    throw err;
  }
  const consoleMode = !config.discordToken;
  const log = createLogger(config.logLevel ?? (consoleMode ? 'warn' : 'info'));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => log.fatal({ err }, 'uncaught exception'));

  const clock = systemClock;
  const store = openStore({ path: path.join(config.dataDir, 'newsdesk.db'), clock, log });
  const newsroom = new Newsroom({ store, clock, log });
  const ctx: CommandContext = { newsroom, moderatorRoleId: config.moderatorRoleId };
  const commands = commandList();
  const dispatcher = new Dispatcher(ctx, log, commands);

  const ready = (async () => {
    await importSeeds({ store, log }, config.seedsDir);
    await newsroom.buildIndex();
  })();

  if (consoleMode) {
    try {
      await runConsole({ dispatcher, log, ready, historyFile: path.join(config.dataDir, 'console_history') });
    } finally {
      store.close();
    }
    return 0;
  }

  let bot: DiscordBot | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const hardStop = setTimeout(() => {
      log.error({}, 'shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 1500);
    hardStop.unref();
    await bot?.stop(SHUTDOWN_GRACE_MS);
    store.close();
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  // Connect while the index loads: interactions are answered ("loading, N% done") meanwhile.
  bot = await startDiscordBot({
    token: config.discordToken!,
    apiUrl: config.discordApiUrl,
    guildId: config.discordGuildId,
    dispatcher,
    commands,
    log,
  });
  await ready;
  log.info({ articles: newsroom.index.size }, 'ready');
  return -1; // keep running until a signal
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`newsdesk failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
