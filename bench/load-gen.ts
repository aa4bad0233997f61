/**
 * Interactions arriving on a schedule while the bot does something else (ingest, hostile queries),
 * and the event loop's longest stall while a phase runs — for bench/run.ts's mixed and hostile
 * phases.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { UserError } from '../src/core/errors.ts';
import { summarize } from './stats.ts';

export type Summary = ReturnType<typeof summarize>;

export interface LoadResult {
  /** Searches a second asked for, every kind together (the kinds take turns). */
  ratePerSecond: number;
  seconds: number;
  /** Every kind together: the interaction-style latency (due → reply), ms. */
  all: Summary;
  perKind: Record<string, Summary & { refused: number; failed: number; dropped: number }>;
  /** Interactions not issued because `maxInFlight` were still unanswered (the bot is saturated). */
  dropped: number;
}

/**
 * Unanswered interactions at once beyond which new ones are dropped and counted: past saturation
 * an open loop's backlog would grow without end (and Discord gives up on an interaction after 3 s).
 */
export const MAX_IN_FLIGHT = 64;

/**
 * Open loop: `ratePerSecond` searches a second in all, the kinds taking turns, issued when due
 * whatever the bot is doing. Each latency runs from the moment the interaction was due to its
 * reply, so the time it waited behind a stalled event loop counts (as it would for a user: the
 * gateway message sits in the socket until the loop turns). A refusal (UserError) is a reply.
 */
export function startLoad(kinds: Record<string, string[]>, ratePerSecond: number, run: (q: string) => Promise<unknown>): { stop(): Promise<LoadResult> } {
  const names = Object.keys(kinds).filter((k) => kinds[k]!.length > 0);
  const gap = 1000 / ratePerSecond;
  const times: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  const refused: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
  const failed: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
  const dropped: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
  const pending = new Set<Promise<void>>();
  const t0 = performance.now();
  let issued = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = performance.now();
    while (!stopped && t0 + issued * gap <= now) {
      const due = t0 + issued * gap;
      const kind = names[issued % names.length]!;
      const qs = kinds[kind]!;
      const q = qs[Math.floor(issued / names.length) % qs.length]!;
      issued++;
      if (pending.size >= MAX_IN_FLIGHT) {
        dropped[kind]!++;
        continue;
      }
      const p: Promise<void> = Promise.resolve()
        .then(() => run(q))
        .then(
          () => void times[kind]!.push(performance.now() - due),
          (err: unknown) => {
            if (err instanceof UserError) {
              refused[kind]!++;
              times[kind]!.push(performance.now() - due);
            } else failed[kind]!++;
          },
        )
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    if (!stopped) timer = setTimeout(tick, Math.max(0, t0 + issued * gap - performance.now()));
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      await Promise.all([...pending]);
      const perKind = Object.fromEntries(names.map((k) => [k, { ...summarize(times[k]!), refused: refused[k]!, failed: failed[k]!, dropped: dropped[k]! }]));
      return { ratePerSecond, seconds, all: summarize(names.flatMap((k) => times[k]!)), perKind, dropped: names.reduce((s, k) => s + dropped[k]!, 0) };
    },
  };
}

/** The longest event-loop stall (ms) while `fn` runs, with its result. */
export async function withStall<T>(fn: () => Promise<T>): Promise<{ value: T; maxStallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const value = await fn();
    return { value, maxStallMs: h.max / 1e6 };
  } finally {
    h.disable();
  }
}
