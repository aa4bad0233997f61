/** The clock every time-dependent piece of core reads; tests pass a fake one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The logging surface core needs: pino-compatible, fields first (`log.info({ sourceId }, 'msg')`).
 * Core never imports pino so it can run with a silent logger in tests.
 */
export interface Log {
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  fatal(obj: object, msg?: string): void;
  child(bindings: object): Log;
}

/** A logger that discards everything, for tests and tools. */
export const silentLog: Log = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child() {
    return silentLog;
  },
};

/** Resolves on a later event-loop turn, after pending I/O: long work yields with it so other servers are answered. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** True while a process with this pid runs (EPERM: it runs, as another user). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
