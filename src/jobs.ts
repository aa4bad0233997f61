import cron, { type ScheduledTask } from 'node-cron';
import type { Alerts } from './core/alerts/index.ts';
import type { Log } from './core/deps.ts';
import type { Digests } from './core/digest/digests.ts';
import type { Outbox } from './core/outbox/index.ts';
import type { Sources } from './core/sources/index.ts';

export interface Jobs {
  /** Runs one round of everything now (used at start-up to catch up after downtime). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The background work, on node-cron with noOverlap so a slow round is never run twice at once:
 * polling due sources, and filing/posting digests and alerts. Each minute's work decides for
 * itself what is due from the store and the clock, so missed minutes are caught up, not lost.
 */
export function startJobs(deps: {
  sources: Sources;
  digests: Digests;
  alerts: Alerts;
  outbox: Outbox;
  log: Log;
  fetchConcurrency: number;
  cron?: string;
  /** A cluster-wide lock: filing digests and alerts runs in one process at a time (null: held elsewhere). */
  lock?: (name: string) => Promise<(() => Promise<void>) | null>;
}): Jobs {
  const { log } = deps;
  const file = async () => {
    const release = deps.lock ? await deps.lock('publish') : async () => {};
    if (!release) return; // another process is filing right now; the next tick looks again
    try {
      await deps.digests.tick();
      await deps.alerts.check();
    } finally {
      await release();
    }
  };
  const poll = async () => {
    const n = await deps.sources.pollDue(deps.fetchConcurrency);
    if (n) log.debug({ sources: n }, 'polled sources');
    await file();
    await deps.outbox.deliverPending();
  };
  const publish = async () => {
    await file();
    await deps.outbox.deliverPending();
  };
  const guarded = (name: string, fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } catch (err) {
      log.error({ job: name, err }, 'job failed');
    }
    // End-to-end tests wait for whole rounds ("nothing more was posted after two more rounds")
    // instead of sleeping a fixed time, which a busy machine may not honour.
    log.debug({ job: name }, 'job round done');
  };
  const tasks: ScheduledTask[] = [
    cron.schedule(deps.cron ?? '* * * * *', guarded('poll-sources', poll), { name: 'poll-sources', noOverlap: true }),
    cron.schedule(deps.cron ?? '* * * * *', guarded('publish', publish), { name: 'publish', noOverlap: true }),
  ];
  return {
    async runOnce() {
      await guarded('publish', publish)();
      await guarded('poll-sources', poll)();
    },
    async stop() {
      for (const t of tasks) await t.destroy();
    },
  };
}
