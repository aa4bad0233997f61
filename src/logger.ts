import pino from 'pino';
import type { Log } from './core/deps.ts';

/**
 * The process logger. Human-readable (pino-pretty) only when stderr is a terminal; JSON lines
 * otherwise, so log shippers and tests can parse it. Logs go to stderr: stdout belongs to the
 * local console's answers.
 */
export function createLogger(level: string, opts: { pretty?: boolean } = {}): pino.Logger & Log {
  const pretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  if (pretty) {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino({ level }, pino.destination({ dest: 2, sync: true }));
}
