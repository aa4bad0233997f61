import { Worker } from 'node:worker_threads';
import { TS_WORKER_BOOTSTRAP as BOOTSTRAP, tsxApiUrl } from '../ts-worker.ts';
import type { ParseRequest, ParseResponse } from './parse-job.ts';
import { PARSE_WORKER_FLAG, type WorkerReply, type WorkerRequest } from './parse-worker.ts';

export type { ParseRequest, ParseResponse } from './parse-job.ts';

/** How long a new worker may take to load tsx and the parsing code before it counts as broken. */
const STARTUP_LIMIT_MS = 30_000;
/** A worker whose heap grows past this is stopped (a pathological page), not the bot. */
const WORKER_HEAP_MB = 512;

interface Task {
  id: number;
  req: ParseRequest | null;
  resolve: (r: ParseResponse) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  timer: NodeJS.Timeout | null;
  startTimer: NodeJS.Timeout | null;
  dead: boolean;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * Parsing and extraction off the main thread: a small pool of workers (1–4), each task with a
 * time limit. A task past its limit gets its worker terminated and replaced and fails with
 * "parsing timed out after N s", so a pathological page can stall neither the bot nor the next
 * fetch. The queue is bounded; past it, tasks fail at once with "parser is busy".
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxQueue: number;
  private readonly tsxApi = tsxApiUrl();
  private readonly entry = new URL('./parse-worker.ts', import.meta.url).href;

  constructor(opts: { size?: number; timeoutMs?: number; maxQueue?: number } = {}) {
    this.size = Math.min(4, Math.max(1, Math.floor(opts.size ?? 1)));
    this.timeoutMs = Math.max(1, opts.timeoutMs ?? 10_000);
    this.maxQueue = Math.max(1, opts.maxQueue ?? 500);
  }

  /** Parses in a worker. Always resolves: failures are `{ type: 'error', message }`. */
  parse(req: ParseRequest): Promise<ParseResponse> {
    return this.enqueue(req);
  }

  /** Test hook: a task that never finishes, to exercise the time limit and the worker's replacement. */
  hangForTest(): Promise<ParseResponse> {
    return this.enqueue(null);
  }

  /** Workers currently alive (for tests and health reporting). */
  get workerCount(): number {
    return this.slots.length;
  }

  /** Fails queued and running tasks with "parser is shut down" and stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.resolve({ type: 'error', message: 'parser is shut down' });
    const slots = this.slots.splice(0);
    for (const s of slots) {
      s.dead = true;
      this.clearTimers(s);
      s.task?.resolve({ type: 'error', message: 'parser is shut down' });
      s.task = null;
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private enqueue(req: ParseRequest | null): Promise<ParseResponse> {
    if (this.closed) return Promise.resolve({ type: 'error', message: 'parser is shut down' });
    if (this.queue.length >= this.maxQueue) return Promise.resolve({ type: 'error', message: `parser is busy (queue full at ${this.maxQueue}); try again shortly` });
    return new Promise<ParseResponse>((resolve) => {
      this.queue.push({ id: this.nextId++, req, resolve });
      this.pump();
    });
  }

  private spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { tsxApi: this.tsxApi, entry: this.entry, [PARSE_WORKER_FLAG]: true },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const slot: Slot = { worker, ready: false, task: null, timer: null, startTimer: null, dead: false };
    slot.startTimer = setTimeout(() => this.retire(slot, `parser did not start within ${seconds(STARTUP_LIMIT_MS)}`), STARTUP_LIMIT_MS);
    worker.on('message', (msg: WorkerReply | { bootError: string }) => {
      if ('bootError' in msg) return this.retire(slot, `parser failed to start: ${msg.bootError}`);
      if ('ready' in msg) {
        slot.ready = true;
        if (slot.startTimer) clearTimeout(slot.startTimer);
        slot.startTimer = null;
        return this.dispatch(slot);
      }
      if (slot.task?.id === msg.id) this.finish(slot, msg.response);
    });
    worker.on('error', (err: Error & { code?: string }) =>
      this.retire(slot, err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `parser ran out of memory (over ${WORKER_HEAP_MB} MB)` : `parser crashed: ${err.message}`),
    );
    worker.on('exit', (code) => this.retire(slot, `parser exited unexpectedly (code ${code})`));
    // An idle pool must not keep the process alive; a busy one must.
    worker.unref();
    return slot;
  }

  private clearTimers(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.startTimer) clearTimeout(slot.startTimer);
    slot.timer = null;
    slot.startTimer = null;
  }

  /** Hands the slot's task to its worker once the worker is ready, starting the task's clock. */
  private dispatch(slot: Slot): void {
    const task = slot.task;
    if (!task || !slot.ready || slot.dead) return;
    slot.timer = setTimeout(() => this.retire(slot, `parsing timed out after ${seconds(this.timeoutMs)}`), this.timeoutMs);
    const msg: WorkerRequest = task.req ? { id: task.id, req: task.req } : { id: task.id, type: 'hang-for-test' };
    slot.worker.postMessage(msg);
  }

  private finish(slot: Slot, response: ParseResponse): void {
    const task = slot.task;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
    slot.worker.unref();
    task?.resolve(response);
    this.pump();
  }

  /** Stops a worker that timed out, crashed or never started; its task fails with `message`. */
  private retire(slot: Slot, message: string): void {
    if (slot.dead) return;
    slot.dead = true;
    this.clearTimers(slot);
    const i = this.slots.indexOf(slot);
    if (i !== -1) this.slots.splice(i, 1);
    const task = slot.task;
    slot.task = null;
    void slot.worker.terminate();
    task?.resolve({ type: 'error', message });
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.task && !s.dead);
      if (!slot && this.slots.length < this.size) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      if (!slot) return;
      slot.task = this.queue.shift()!;
      slot.worker.ref();
      this.dispatch(slot);
    }
  }
}
