import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Log } from './core/deps.ts';
import type { AsyncStore } from './core/store/async-store.ts';
import type { Telemetry } from './core/telemetry/index.ts';

/** How an interaction ended, as operators count it. */
export type InteractionOutcome = 'ok' | 'user_error' | 'error' | 'loading';

/** Whether this process can do its work: each check true, false, or null when it does not apply to its role. */
export interface Readiness {
  gateway: boolean | null;
  hotTier: boolean | null;
}

export interface Metrics {
  /** Core's events (fetches, ingest, posts, searches) as Prometheus series. */
  telemetry: Telemetry;
  interaction(command: string, outcome: InteractionOutcome, seconds: number): void;
  /** The registry's text exposition (what GET /metrics answers). */
  text(): Promise<string>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics for one process: the interactions it answered, its event loop and heap
 * (prom-client's defaults, event-loop lag included), articles ingested, fetches by result, the
 * outbox's backlog and oldest waiting post per kind, posts sent and failed, search latency by tier.
 */
export function createMetrics(store: Pick<AsyncStore, 'outboxBacklog'>, now: () => Date = () => new Date()): Metrics & { registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'newsdesk_' });
  const interactions = new Counter({ name: 'newsdesk_interactions_total', help: 'Slash commands, buttons and autocompletes answered, by command and outcome.', labelNames: ['command', 'outcome'], registers: [registry] });
  const latency = new Histogram({ name: 'newsdesk_interaction_duration_seconds', help: 'Time from receiving an interaction to its answer being ready.', labelNames: ['command'], buckets: SECONDS, registers: [registry] });
  const ingested = new Counter({ name: 'newsdesk_articles_ingested_total', help: 'Articles stored new or changed (rate() of it is the ingest rate).', registers: [registry] });
  const fetches = new Counter({ name: 'newsdesk_fetches_total', help: 'Feed and page fetches by result.', labelNames: ['result'], registers: [registry] });
  const posts = new Counter({ name: 'newsdesk_posts_total', help: 'Outbox posts by kind and result (sent, failed for good, retry).', labelNames: ['kind', 'result'], registers: [registry] });
  const search = new Histogram({ name: 'newsdesk_search_duration_seconds', help: 'Search time by tier (hot: in memory; archive: the store; all: the whole search).', labelNames: ['tier'], buckets: SECONDS, registers: [registry] });
  const backlog = new Gauge({ name: 'newsdesk_outbox_pending', help: 'Posts waiting to be sent, by kind (parked ones not counted).', labelNames: ['kind'], registers: [registry] });
  const oldest = new Gauge({ name: 'newsdesk_outbox_oldest_pending_seconds', help: 'Age of the oldest post waiting, by kind.', labelNames: ['kind'], registers: [registry] });
  return {
    registry,
    telemetry: {
      fetched: (result) => fetches.inc({ result }),
      ingested: (n) => ingested.inc(n),
      posted: (kind, result) => posts.inc({ kind, result }),
      searched: (tier, seconds) => search.observe({ tier }, seconds),
    },
    interaction(command, outcome, seconds) {
      interactions.inc({ command, outcome });
      latency.observe({ command }, seconds);
    },
    async text() {
      // The backlog is read from the store at scrape time: it is shared by every process of a cluster.
      backlog.reset();
      oldest.reset();
      for (const k of ['digest', 'alert', 'delivery', 'notice']) {
        backlog.set({ kind: k }, 0);
        oldest.set({ kind: k }, 0);
      }
      for (const row of await store.outboxBacklog()) {
        backlog.set({ kind: row.kind }, row.pending);
        if (row.oldestAt) oldest.set({ kind: row.kind }, Math.max(0, (now().getTime() - Date.parse(row.oldestAt)) / 1000));
      }
      return registry.metrics();
    },
  };
}

/**
 * The operator's port: GET /metrics (Prometheus text), GET /healthz (the process answers and its
 * store is reachable) and GET /readyz (connected to Discord and the hot tier loaded, where the
 * role has them). Health and readiness answer 200 or 503 with a small JSON body saying why.
 */
export async function startMetricsServer(opts: {
  port: number;
  host: string;
  metrics: Metrics;
  store: Pick<AsyncStore, 'schemaVersion'>;
  readiness: () => Readiness;
  log: Log;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return send(405, JSON.stringify({ error: 'GET only' }));
    void (async () => {
      try {
        if (path === '/metrics') return send(200, await opts.metrics.text(), 'text/plain; version=0.0.4; charset=utf-8');
        if (path === '/healthz') {
          const store = await reachable(opts.store);
          return send(store ? 200 : 503, JSON.stringify({ status: store ? 'ok' : 'unhealthy', store }));
        }
        if (path === '/readyz') {
          const r = opts.readiness();
          const store = await reachable(opts.store);
          const ok = store && r.gateway !== false && r.hotTier !== false;
          return send(ok ? 200 : 503, JSON.stringify({ status: ok ? 'ready' : 'not ready', store, ...r }));
        }
        send(404, JSON.stringify({ error: 'not found', paths: ['/metrics', '/healthz', '/readyz'] }));
      } catch (err) {
        opts.log.error({ err, path }, 'metrics endpoint failed');
        send(500, JSON.stringify({ error: 'internal error' }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  opts.log.info({ port, host: opts.host }, 'metrics and health endpoints listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function reachable(store: Pick<AsyncStore, 'schemaVersion'>): Promise<boolean> {
  try {
    await Promise.race([store.schemaVersion(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
    return true;
  } catch {
    return false;
  }
}
