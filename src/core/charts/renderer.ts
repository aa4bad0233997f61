import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { renderChartPng, type RenderedChart } from './render.ts';
import { CHART_WORKER_FLAG, type ChartWorkerReply } from './render-worker.ts';

export type { RenderedChart } from './render.ts';

/** Turns a chart spec into a PNG. */
export interface ChartRenderer {
  render(spec: TopLevelSpec): Promise<RenderedChart>;
  close(): Promise<void>;
}

/** Renders on the calling thread (tests of the output, the benchmark's comparison). */
export const inlineChartRenderer: ChartRenderer = { render: renderChartPng, close: async () => {} };

/** A worker that takes longer than this to load tsx, Vega and resvg counts as broken. */
const STARTUP_LIMIT_MS = 30_000;

/** The worker entry is TypeScript: the worker registers tsx, then imports it (as the parse pool does). */
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.tsxApi)
  .then((api) => { api.register(); return import(workerData.entry); })
  .catch((err) => parentPort.postMessage({ bootError: String((err && err.message) || err) }));
`;

function tsxApiUrl(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('tsx/package.json');
    const pkg = require(pkgPath) as { exports: Record<string, { import?: { default?: string } }> };
    const rel = pkg.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
    return pathToFileURL(path.join(path.dirname(pkgPath), rel)).href;
  }
}

interface Pending {
  resolve: (c: RenderedChart) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Charts rendered on one worker thread: laying a chart out and rasterising it takes tens of
 * milliseconds of CPU (see docs/trend.md), which on the main thread would hold up every other
 * interaction. Started at the first chart; a render past its time limit, or a crash, replaces the
 * worker and fails that render (and any others in flight) with a clear error.
 */
export class WorkerChartRenderer implements ChartRenderer {
  private worker: Worker | null = null;
  private ready: Promise<Worker> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: { timeoutMs?: number } = {}) {}

  render(spec: TopLevelSpec): Promise<RenderedChart> {
    if (this.closed) return Promise.reject(new Error('chart renderer is shut down'));
    return this.start().then(
      (worker) =>
        new Promise<RenderedChart>((resolve, reject) => {
          const id = this.nextId++;
          const limit = this.opts.timeoutMs ?? 20_000;
          const timer = setTimeout(() => this.fail(`chart rendering timed out after ${limit / 1000} s`), limit);
          this.pending.set(id, { resolve, reject, timer });
          worker.ref();
          worker.postMessage({ id, spec });
        }),
    );
  }

  private start(): Promise<Worker> {
    if (this.ready) return this.ready;
    this.ready = new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { tsxApi: tsxApiUrl(), entry: new URL('./render-worker.ts', import.meta.url).href, [CHART_WORKER_FLAG]: true } });
      this.worker = worker;
      const startTimer = setTimeout(() => {
        reject(new Error(`chart renderer did not start within ${STARTUP_LIMIT_MS / 1000} s`));
        this.fail('chart renderer did not start');
      }, STARTUP_LIMIT_MS);
      worker.on('message', (msg: ChartWorkerReply | { bootError: string }) => {
        if ('bootError' in msg) {
          clearTimeout(startTimer);
          reject(new Error(`chart renderer failed to start: ${msg.bootError}`));
          this.fail(msg.bootError);
          return;
        }
        if ('ready' in msg) {
          clearTimeout(startTimer);
          resolve(worker);
          return;
        }
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (this.pending.size === 0) worker.unref();
        if ('chart' in msg) p.resolve(msg.chart);
        else p.reject(new Error(`chart rendering failed: ${msg.error}`));
      });
      worker.on('error', (err) => {
        clearTimeout(startTimer);
        reject(err);
        this.fail(`chart renderer crashed: ${err.message}`);
      });
      worker.on('exit', (code) => {
        clearTimeout(startTimer);
        reject(new Error(`chart renderer exited (code ${code})`));
        this.fail(`chart renderer exited (code ${code})`);
      });
      // An idle renderer must not keep the process alive.
      worker.unref();
    });
    return this.ready;
  }

  /** Fails everything in flight and drops the worker; the next render starts a new one. */
  private fail(message: string): void {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(message));
    }
    this.pending.clear();
    if (worker) {
      worker.removeAllListeners();
      worker.on('error', () => {});
      void worker.terminate();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.fail('chart renderer is shut down');
    if (worker) await worker.terminate().catch(() => {});
  }
}
