import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.ts';
import { systemClock, type Clock, type Log } from '../core/deps.ts';
import type { CrashPoint } from '../core/outbox/index.ts';
import type { AsyncStore } from '../core/store/async-store.ts';
import { openAsyncStore } from '../core/store/open-async-store.ts';
import { createLogger } from '../logger.ts';

/** What every step of the composition shares: settings, log, clock and who this process is. */
export interface Runtime {
  config: Config;
  log: Log;
  clock: Clock;
  /** No DISCORD_TOKEN: the local console instead of Discord. */
  consoleMode: boolean;
  /** Scale-out: who this process is when it claims work (feed fetches, posts) from the shared database. */
  worker: { id: string; leaseMs: number };
  crashPoint: CrashPoint | undefined;
}

/** The logger (and the process-wide error hooks that use it), the clock and this process's identity. */
export function runtime(config: Config): Runtime {
  const consoleMode = !config.discordToken;
  const log = createLogger(config.logLevel ?? (consoleMode ? 'warn' : 'info'));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => log.fatal({ err }, 'uncaught exception'));
  return {
    config,
    log,
    clock: config.clockFile ? offsetClock(config.clockFile) : systemClock,
    consoleMode,
    worker: { id: `${config.role}:${os.hostname()}:${process.pid}`, leaseMs: config.leaseSeconds * 1000 },
    crashPoint: crashPointFrom(config.crashPoints),
  };
}

/** PostgreSQL with DATABASE_URL (scale-out), else the SQLite file in DATA_DIR (the default). */
export function openStore({ config, clock, log }: Runtime): Promise<AsyncStore> {
  return openAsyncStore({ databaseUrl: config.databaseUrl, sqlitePath: path.join(config.dataDir, 'newsdesk.db'), clock, log });
}

/**
 * Test-only fault injection (NEWSDESK_CRASH_POINTS=name[,name…]): the process SIGKILLs itself at
 * the named point, the way a power cut would, so crash tests can prove exactly-once delivery.
 */
function crashPointFrom(names: string[]): CrashPoint | undefined {
  if (names.length === 0) return undefined;
  const wanted = new Set(names);
  return (name) => {
    if (wanted.has(name)) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * Test-only clock: real time plus an offset (ms) read from a file, so an end-to-end test can move
 * the running bot's time forward across digest windows. Re-read at most every 100 ms.
 */
function offsetClock(file: string): Clock {
  let offset = 0;
  let readAt = 0;
  return {
    now() {
      const t = Date.now();
      if (t - readAt > 100) {
        readAt = t;
        try {
          offset = Number(fs.readFileSync(file, 'utf8').trim()) || 0;
        } catch {
          offset = 0;
        }
      }
      return new Date(t + offset);
    },
  };
}
