import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBot, tempDataDir } from './bot-process.ts';

export interface ConsoleRun {
  stdout: string;
  stderr: string;
  code: number | null;
  /** The answer to each input line, in order. */
  answers: string[];
}

const dirs: string[] = [];

/** Removes every data and clock directory the runs of this file made (call from afterAll). */
export function cleanupConsoleRuns(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/**
 * Pipes lines into the real bot (src/main.ts, console mode, with the seeds) and returns what it
 * printed. `now` pins the bot's clock (NEWSDESK_CLOCK_FILE), so no answer depends on today's
 * date. Between two lines it sends an unknown command, `/markerN`, whose fixed one-line refusal
 * splits the output into `answers`, one per line given.
 */
export async function runConsoleLines(lines: string[], opts: { now?: string; env?: Record<string, string>; dataDir?: string } = {}): Promise<ConsoleRun> {
  const dataDir = opts.dataDir ?? tempDataDir();
  if (!opts.dataDir) dirs.push(dataDir);
  const env: Record<string, string> = { ...(opts.env ?? {}) };
  if (opts.now) {
    const clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-clock-'));
    dirs.push(clockDir);
    const file = path.join(clockDir, 'offset');
    fs.writeFileSync(file, String(Date.parse(opts.now) - Date.now()));
    env.NEWSDESK_CLOCK_FILE = file;
  }
  const input = lines.flatMap((l, i) => (i === 0 ? [l] : [`/marker${i}`, l])).join('\n') + '\n';
  const bot = startBot(env, { stdin: input, dataDir });
  const { code } = await bot.exited;
  const stdout = bot.stdout();
  const answers = stdout.split(/^Unknown command \/marker\d+\. Type \/help for the list\.\n/m);
  return { stdout, stderr: bot.stderr(), code, answers };
}
