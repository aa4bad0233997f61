import { Worker } from 'node:worker_threads';
import type { ParseRequest, ParseResponse } from './parse-job.ts';

export type { ParseRequest, ParseResponse } from './parse-job.ts';

interface Task {
  id: number;
  req: ParseRequest | null;
  resolve: (r: ParseResponse) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  task: Task | null;
  timer: NodeJS.Timeout | null;
}

const WORKER_URL = new URL('./parse-worker.mjs', import.meta.url);

/**
 * Parsing and extraction off the main thread: a small pool of workers, each job with a time
 * limit. A job past its limit gets its worker terminated and replaced and answers with an
 * error, so a pathological page can stall neither the bot nor the next fetch.
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxQueue: number;

  constructor(opts: { size?: number; timeoutMs?: number; maxQueue?: number } = {}) {
    this.size = Math.max(1, opts.size ?? 1);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxQueue = opts.maxQueue ?? 500;
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL);
    const slot: Slot = { worker, task: null, timer: null, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (msg: { ready?: boolean }) => {
        if (msg?.ready) {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    worker.on('message', (msg: { id?: number; response?: ParseResponse }) => {
      if (msg.id === undefined || slot.task?.id !== msg.id) return;
      this.finish(slot, msg.response!);
    });
    worker.on('error', (err) => this.replace(slot, `parser crashed: ${err.message}`));
    worker.on('exit', () => {
      if (slot.task) this.replace(slot, 'parser exited unexpectedly');
    });
    // An idle pool must not keep the process alive; a busy one must.
    worker.unref();
    return slot;
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

  private replace(slot: Slot, message: string): void {
    const task = slot.task;
    slot.task = null;
    if (slot.timer) clearTimeout(slot.timer);
    void slot.worker.terminate();
    const i = this.slots.indexOf(slot);
    if (i !== -1) this.slots.splice(i, 1);
    task?.resolve({ type: 'error', message });
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot && this.slots.length < this.size) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      const s = slot;
      void s.ready.then(
        () => {
          if (s.task !== task) return;
          s.timer = setTimeout(() => this.replace(s, `parsing timed out after ${Math.round(this.timeoutMs / 100) / 10} s`), this.timeoutMs);
          s.worker.postMessage(task.req ? { id: task.id, req: task.req } : { id: task.id, type: 'hang-for-test' });
        },
        (err: Error) => this.replace(s, `parser failed to start: ${err.message}`),
      );
    }
  }

  /** Parses in a worker; always resolves (errors are `{ type: 'error' }`). */
  parse(req: ParseRequest): Promise<ParseResponse> {
    return this.enqueue(req);
  }

  /** Test hook: a job that never finishes, to exercise the time limit. */
  hangForTest(): Promise<ParseResponse> {
    return this.enqueue(null);
  }

  private enqueue(req: ParseRequest | null): Promise<ParseResponse> {
    if (this.closed) return Promise.resolve({ type: 'error', message: 'parser is shut down' });
    if (this.queue.length >= this.maxQueue) return Promise.resolve({ type: 'error', message: 'parser is busy; try again shortly' });
    return new Promise<ParseResponse>((resolve) => {
      this.queue.push({ id: this.nextId++, req, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.resolve({ type: 'error', message: 'parser is shut down' });
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
