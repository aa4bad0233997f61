import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * How long a bot process may take to be ready. Several start at once in some tests (four in the
 * cluster test), each loading the whole app through tsx: on a busy two-core machine that took
 * more than 45 s (seen with `npm run test:loaded`), while an idle one needs a few seconds.
 */
export const BOT_START_MS = 120_000;

export interface BotProcess {
  child: ChildProcess;
  dataDir: string;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines (stderr). */
  logs(): Array<Record<string, unknown>>;
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /**
   * Resolves once `n` more rounds of each background job (polling, publishing) have completed —
   * the first may have been under way already, so at least `n - 1` started after the call. Used
   * instead of a fixed sleep to show that nothing more happens. Needs LOG_LEVEL=debug.
   */
  rounds(n?: number, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** A fresh data directory for one test (removed by the caller). */
export function tempDataDir(prefix = 'newsdesk-e2e-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts the bot the way production does — its real entry point, src/main.ts, under tsx — with
 * the given environment on top of a clean one (no inherited DISCORD_* or LOG_LEVEL).
 */
export function startBot(env: Record<string, string>, opts: { stdin?: string; dataDir?: string; nodeArgs?: string[] } = {}): BotProcess {
  const dataDir = opts.dataDir ?? tempDataDir();
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(DISCORD_|DATABASE_URL|ROLE$|SHARD_|LOG_LEVEL|DATA_DIR|SEEDS_DIR|MODERATOR_|ALLOW_PRIVATE|NEWSDESK_|DEFAULT_TIMEZONE|SOURCE_INTERVAL|FETCH_)/.test(k)) base[k] = v;
  }
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { ...base, DATA_DIR: dataDir, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const logs = () =>
    err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  return {
    child,
    dataDir,
    stdout: () => out,
    stderr: () => err,
    logs,
    exited,
    kill: (signal: NodeJS.Signals = 'SIGTERM') => void child.kill(signal),
    async rounds(n = 3, timeoutMs = 60_000) {
      const done = (job: string) => logs().filter((l) => l.msg === 'job round done' && l.job === job).length;
      const from = { poll: done('poll-sources'), publish: done('publish') };
      const deadline = Date.now() + timeoutMs;
      while (done('poll-sources') < from.poll + n || done('publish') < from.publish + n) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`bot exited while waiting for job rounds\n${err.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} job rounds (is LOG_LEVEL debug?)\n${err.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async waitForLog(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = logs().find(predicate);
        if (hit) return hit;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`bot exited before the expected log line\n${err.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for a log line\n${err.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
