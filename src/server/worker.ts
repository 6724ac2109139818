/**
 * The index queue's consumer in one server process. It claims a job (a lease, renewed while it works),
 * indexes the image in a task process, checks the digest is the one that was submitted, records the first
 * vulnerability verdicts (the baseline notifications compare with) and completes the job in one transaction.
 * A job whose process crashed is re-claimed when its lease runs out (at start for the embedded store); a bad
 * image fails at once; anything else is retried up to the job's attempt limit.
 */
import { rmSync } from 'node:fs';
import type { ImageIndex } from '../app/image.js';
import type { BulwarkConfig } from '../core/config.js';
import type { RegistryOptions } from '../sources/registry.js';
import type { Metrics } from './metrics.js';
import { resolvePathRef } from './refs.js';
import { HttpError } from './problem.js';
import type { JobRecord, ServiceStore } from './store/index.js';
import { TaskError, type TaskPool } from './tasks.js';
import type { Baseline } from './notify.js';

export interface WorkerOptions {
  node: string;
  cacheDir: string;
  concurrency: number;
  leaseMs: number;
  jobTimeoutMs: number;
  allowRoots: string[];
  config?: BulwarkConfig;
  /** trust and timeouts for registry references (--ca-cert, --insecure-registry) */
  registry?: RegistryOptions;
  /** poll interval when the queue is empty */
  idleMs?: number;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

export class IndexWorker {
  private running = 0;
  private stopped = false;
  private wake?: () => void;
  private loops: Array<Promise<void>> = [];

  constructor(
    private readonly store: ServiceStore,
    private readonly tasks: TaskPool,
    private readonly baseline: Baseline,
    private readonly metrics: Metrics,
    private readonly opts: WorkerOptions,
  ) {}

  start(): void {
    for (let i = 0; i < Math.max(1, this.opts.concurrency); i++) this.loops.push(this.loop());
  }

  /** A job was queued: look now instead of at the next poll. */
  poke(): void {
    this.wake?.();
  }

  get busy(): number {
    return this.running;
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      const prev = this.wake;
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        done();
        prev?.();
      };
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let job: JobRecord | undefined;
      try {
        job = await this.store.claimJob(this.opts.node, this.opts.leaseMs);
      } catch (e) {
        this.opts.log('claiming a job failed', { error: (e as Error).message });
      }
      if (!job) {
        await this.sleep(this.opts.idleMs ?? 500);
        continue;
      }
      this.running++;
      try {
        await this.run(job);
      } finally {
        this.running--;
      }
    }
  }

  private async run(job: JobRecord): Promise<void> {
    const t0 = Date.now();
    const renew = setInterval(() => {
      void this.store.renewLease(job.id, this.opts.node, this.opts.leaseMs).catch(() => undefined);
    }, Math.max(1000, Math.floor(this.opts.leaseMs / 3)));
    try {
      let ref = job.ref;
      // a path is checked again now: the tree may have changed since the request
      if (job.kind === 'ref' && !ref.startsWith('docker:') && !ref.startsWith('docker-daemon:') && (ref.startsWith('/') || /^(oci|docker-archive|rootfs|dir):/.test(ref))) {
        ref = resolvePathRef(ref, this.opts.allowRoots);
      }
      const { index, stats } = await this.tasks.index(ref, { cacheDir: this.opts.cacheDir, ...(this.opts.config ? { config: this.opts.config } : {}), ...(this.opts.registry ? { registry: this.opts.registry } : {}) }, this.opts.jobTimeoutMs);
      if (index.digest !== job.digest) throw new TaskError(`the image changed since it was submitted (now ${index.digest})`, true);
      const fixed: ImageIndex = { ...index, ref: job.kind === 'upload' ? 'upload' : job.ref, target: { ...index.target, ref: job.kind === 'upload' ? 'upload' : job.ref } };
      const { keys, verdicts } = this.baseline.of(fixed);
      const ok = await this.store.completeJob(job.id, this.opts.node, { index: fixed, keys, verdicts, stats: { ...stats, attempt: job.attempts } });
      if (!ok) {
        this.opts.log('job lost its lease before it finished; another node owns it now', { job: job.id });
        return;
      }
      this.metrics.inc('bulwark_jobs_total', { state: 'done' });
      this.metrics.observe('bulwark_job_duration_seconds', (Date.now() - t0) / 1000);
      this.opts.log('indexed', { job: job.id, digest: job.digest, ms: Date.now() - t0, packages: index.inventory.packages.length });
      if (job.kind === 'upload') rmSync(job.ref, { force: true });
    } catch (e) {
      const permanent = (e instanceof TaskError && e.permanent) || e instanceof HttpError;
      const message = e instanceof Error ? e.message : String(e);
      const state = await this.store.failJob(job.id, this.opts.node, message, permanent).catch(() => undefined);
      this.metrics.inc('bulwark_jobs_total', { state: state === 'queued' ? 'retried' : 'failed' });
      this.opts.log(state === 'queued' ? 'index attempt failed, will retry' : 'index job failed', { job: job.id, error: message });
      if (state === 'failed' && job.kind === 'upload') rmSync(job.ref, { force: true });
    } finally {
      clearInterval(renew);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await Promise.allSettled(this.loops);
  }
}
