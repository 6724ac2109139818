/**
 * Database refreshes inside the server: on `POST /api/v1/db/update`, every `--update-interval`, and the
 * recovery at start. The database is rebuilt in a task process by the same code as `bulwark db update` and
 * swapped atomically; the server keeps answering from the previous database until the new one is open, and
 * a kill at any point leaves the previous file in place. Then the notification round runs (on the one node
 * that holds the notifier role) and the update row is closed.
 *
 * At start, an update left running by a killed process is closed as failed, and when the database on disk is
 * newer than the last one notified (the process died between the swap and the round), the round runs now.
 */
import type { Metrics } from './metrics.js';
import type { Notifier } from './notify.js';
import type { DbUpdateRecord, ServiceStore } from './store/index.js';
import { TaskError, type TaskPool } from './tasks.js';
import type { VulnDatabase } from './vulns.js';

export interface UpdaterOptions {
  node: string;
  cacheDir: string;
  /** feed sources (default: the official ones, as `db update`) */
  sources?: string[];
  timeoutMs: number;
  /** does this node run notification rounds? */
  isNotifier: () => boolean;
  log: (msg: string, extra?: Record<string, unknown>) => void;
  /** after a round wrote deliveries */
  onDeliveries?: () => void;
}

export class DbUpdater {
  private running?: { rec: DbUpdateRecord; done: Promise<void> };
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: ServiceStore,
    private readonly vulns: VulnDatabase,
    private readonly tasks: TaskPool,
    private readonly notifier: Notifier,
    private readonly metrics: Metrics,
    private readonly opts: UpdaterOptions,
  ) {}

  /** Start an update (or return the one already running). */
  async trigger(origin: string, sources?: string[]): Promise<DbUpdateRecord> {
    if (this.running) return this.running.rec;
    const rec = await this.store.startUpdate(origin, this.opts.node);
    const done = this.run(rec, sources?.length ? sources : this.opts.sources).finally(() => {
      this.running = undefined;
    });
    this.running = { rec, done };
    return rec;
  }

  /** Wait for the running update, if any (tests, shutdown). */
  async settle(): Promise<void> {
    await this.running?.done;
  }

  private async run(rec: DbUpdateRecord, sources: string[] | undefined): Promise<void> {
    const t0 = Date.now();
    try {
      const res = await this.tasks.update(this.opts.cacheDir, sources, this.opts.timeoutMs);
      const failed = res.sources.filter((s) => !s.ok).map((s) => ({ source: s.name, error: s.error ?? 'failed', carriedOver: Boolean(s.carriedOver) }));
      if (!res.swapped) {
        await this.store.failUpdate(rec.id, 'no source could be imported; the previous database is still in use', { sources: failed });
        this.metrics.inc('bulwark_db_updates_total', { result: 'failed' });
        return;
      }
      const { previous, current } = this.vulns.reload();
      previous?.close();
      this.metrics.inc('bulwark_db_updates_total', { result: 'done' });
      this.metrics.observe('bulwark_db_update_seconds', (Date.now() - t0) / 1000);
      this.opts.log('vulnerability database updated', { update: rec.id, ms: Date.now() - t0, failedSources: failed.length });
      if (!current) throw new Error('the new database could not be opened');
      if (this.opts.isNotifier()) {
        await this.notifier.round(rec.id, current);
        this.opts.onDeliveries?.();
      } else {
        await this.store.finishUpdate(rec.id, { notifier: false, sources: failed });
      }
    } catch (e) {
      const msg = e instanceof TaskError || e instanceof Error ? e.message : String(e);
      this.metrics.inc('bulwark_db_updates_total', { result: 'failed' });
      this.opts.log('database update failed', { update: rec.id, error: msg });
      await this.store.failUpdate(rec.id, msg).catch(() => undefined);
    }
  }

  /** At start: close what a dead process left running, and catch up a missed notification round. */
  async recover(embedded: boolean): Promise<void> {
    await this.store.abandonUpdates(embedded ? undefined : this.opts.node);
    if (!this.opts.isNotifier()) return;
    const store = this.vulns.current();
    if (!store) return;
    const last = await this.notifier.lastNotified();
    if (last === store.info().builtAt) return;
    const rec = await this.store.startUpdate('recovery', this.opts.node);
    try {
      await this.notifier.round(rec.id, store);
      this.opts.onDeliveries?.();
    } catch (e) {
      await this.store.failUpdate(rec.id, (e as Error).message).catch(() => undefined);
    }
  }

  /** Refresh every `ms` (0: never). */
  schedule(ms: number): void {
    if (!ms) return;
    this.timer = setInterval(() => {
      void this.trigger('periodic').catch((e) => this.opts.log('periodic update could not start', { error: (e as Error).message }));
    }, ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.done.catch(() => undefined);
  }
}
