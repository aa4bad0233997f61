/**
 * Entry point and composition root: settings → DATA_DIR → logger → store → newsroom and services →
 * commands → Discord (with DISCORD_TOKEN), a REST-only worker, or the local console (without).
 * Everything else receives its dependencies from here (the steps are in `src/app/`).
 *
 * Only the settings and DATA_DIR checks are imported statically: a bad setting fails at once with
 * one clear line, before discord.js, the store drivers and the search index are loaded.
 */
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DataDirError, ensureDataDir } from './data-dir.ts';
import { scrubSecrets } from './core/text/secrets.ts';
import type { Running } from './app/index.ts';

async function main(): Promise<number> {
  const config = checkedConfig();
  if (!config) return 1;
  const app = await import('./app/index.ts');

  const rt = app.runtime(config);
  const store = await app.openStore(rt);
  // Prometheus metrics and health endpoints, when METRICS_PORT is set (every role).
  const metrics = config.metricsPort !== null ? app.createMetrics(store, () => rt.clock.now()) : null;
  const services = app.services(rt, store, metrics);
  const running: Running = {};
  const served = await app.serving(rt, services, metrics, running);
  // Seeds and the search index load while the front end starts; commands say "loading" meanwhile.
  const ready = app.prepare(rt, services);

  if (rt.consoleMode) return app.runConsoleMode(rt, services, running, served.dispatcher, ready);
  app.stopOnSignals(rt, services, running);
  if (config.role === 'worker') return app.runWorker(rt, services, running, ready);
  return app.runDiscord(rt, services, running, served, ready);
}

/** The validated settings with a usable DATA_DIR, or null once the problem is printed. */
function checkedConfig(): Config | null {
  try {
    const config = loadConfig();
    ensureDataDir(config.dataDir);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${scrubSecrets(err.message)}\nSee .env.example for every setting and its default.\n`);
      return null;
    }
    if (err instanceof DataDirError) {
      process.stderr.write(`${err.message}\n`);
      return null;
    }
    throw err;
  }
}

main().then(
  (code) => {
    // Exit at once: the console's stdin (a terminal, or a pipe still open after /exit) and idle
    // timers would otherwise keep the process alive after the store is closed. stdout and stderr
    // are synchronous for files, pipes and terminals on Linux, so nothing written is lost.
    if (code >= 0) process.exit(code);
  },
  (err) => {
    // Printed before (or instead of) the logger: the same masking of passwords and tokens.
    process.stderr.write(`newsdesk failed to start: ${scrubSecrets(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    process.exit(1);
  },
);
