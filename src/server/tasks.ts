/**
 * Heavy work runs in task processes, not on the server's event loop: indexing an image (walking layers,
 * running detectors and checks) and rebuilding the vulnerability database. A small pool of long-lived forked
 * processes, one task each at a time; a task that exceeds its time limit or a process that dies is
 * reported as a failed task and the process is replaced.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ImageIndex, IndexImageOptions } from '../app/image.js';
import type { UpdateResult } from '../vulndb/index.js';

export type TaskRequest =
  | { id: number; kind: 'index'; ref: string; options: Omit<IndexImageOptions, 'onProgress' | 'now'> }
  | { id: number; kind: 'update'; cacheDir: string; sources?: string[] };

export type TaskResponse =
  | { id: number; ok: true; index: ImageIndex; stats: Record<string, number> }
  | { id: number; ok: true; update: UpdateResult }
  | { id: number; ok: false; error: string; permanent: boolean };

/** A task failed: `permanent` for bad input (a user error), else worth retrying (crash, timeout). */
export class TaskError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'TaskError';
  }
}

function runnerPath(): string {
  const here = fileURLToPath(import.meta.url);
  const ts = here.replace(/tasks\.(ts|js)$/, 'task-runner.ts');
  return here.endsWith('.ts') && existsSync(ts) ? ts : here.replace(/tasks\.(ts|js)$/, 'task-runner.js');
}

interface Slot {
  child?: ChildProcess;
  busy: boolean;
}

export class TaskPool {
  private readonly slots: Slot[];
  private readonly waiting: Array<() => void> = [];
  private nextId = 1;
  private closed = false;

  constructor(size: number) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => ({ busy: false }));
  }

  private spawn(): ChildProcess {
    const child = fork(runnerPath(), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    return child;
  }

  private async acquire(): Promise<Slot> {
    for (;;) {
      if (this.closed) throw new TaskError('the server is shutting down', false);
      const free = this.slots.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private release(slot: Slot): void {
    slot.busy = false;
    this.waiting.shift()?.();
  }

  /** Index an image in a task process. */
  async index(ref: string, options: Omit<IndexImageOptions, 'onProgress' | 'now'>, timeoutMs: number): Promise<{ index: ImageIndex; stats: Record<string, number> }> {
    const r = await this.exec({ id: 0, kind: 'index', ref, options }, timeoutMs);
    if (!('index' in r)) throw new TaskError('unexpected task answer', false);
    return { index: r.index, stats: r.stats };
  }

  /** Rebuild the vulnerability database in a task process (the swap is atomic: a kill leaves the old one). */
  async update(cacheDir: string, sources: string[] | undefined, timeoutMs: number): Promise<UpdateResult> {
    const r = await this.exec({ id: 0, kind: 'update', cacheDir, ...(sources?.length ? { sources } : {}) }, timeoutMs);
    if (!('update' in r)) throw new TaskError('unexpected task answer', false);
    return r.update;
  }

  /** Run one task; rejects with TaskError on failure, crash or timeout. */
  private async exec(req: TaskRequest, timeoutMs: number): Promise<Extract<TaskResponse, { ok: true }>> {
    const slot = await this.acquire();
    try {
      if (!slot.child || slot.child.exitCode !== null || !slot.child.connected) slot.child = this.spawn();
      const child = slot.child;
      const id = this.nextId++;
      return await new Promise<Extract<TaskResponse, { ok: true }>>((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        const onMessage = (m: TaskResponse) => {
          if (m.id !== id) return;
          cleanup();
          if (m.ok) resolve(m);
          else reject(new TaskError(m.error, m.permanent));
        };
        const onExit = (code: number | null, signal: string | null) => {
          cleanup();
          reject(new TaskError(`the task process died (${signal ?? `exit ${code}`})`, false));
        };
        const timer = setTimeout(() => {
          cleanup();
          child.kill('SIGKILL');
          reject(new TaskError(`the task took longer than ${Math.round(timeoutMs / 1000)} s`, false));
        }, timeoutMs);
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ ...req, id });
      });
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w();
    for (const s of this.slots) {
      if (s.child && s.child.exitCode === null) s.child.kill('SIGTERM');
    }
  }
}
