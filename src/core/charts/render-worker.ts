/**
 * The chart renderer's worker: Vega-Lite → Vega → SVG → PNG for one spec per message, off the
 * main thread. Loaded through the renderer's bootstrap (which registers tsx first); it only serves
 * when started as that worker.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { renderChartPng, type RenderedChart } from './render.ts';

export type ChartWorkerRequest = { id: number; spec: TopLevelSpec };
export type ChartWorkerReply = { ready: true } | { id: number; chart: RenderedChart } | { id: number; error: string };

/** Marks the worker the renderer starts, so importing this module anywhere else does nothing. */
export const CHART_WORKER_FLAG = 'newsdeskChartWorker';

function serve(port: NonNullable<typeof parentPort>): void {
  port.on('message', (msg: ChartWorkerRequest) => {
    renderChartPng(msg.spec).then(
      (chart) => port.postMessage({ id: msg.id, chart } satisfies ChartWorkerReply, [chart.png.buffer as ArrayBuffer]),
      (err: unknown) => port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) } satisfies ChartWorkerReply),
    );
  });
  port.postMessage({ ready: true } satisfies ChartWorkerReply);
}

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[CHART_WORKER_FLAG] === true) serve(parentPort);
