/**
 * Webhook delivery: each delivery is one POST of a JSON body, signed with the receiver's secret
 * (`X-Bulwark-Signature: sha256=HEX(HMAC-SHA256(secret, body))`), with its id in `X-Bulwark-Delivery` and in
 * the body. A 2xx answer delivers it; anything else (status, timeout, refused connection) is retried with
 * exponential backoff (base x 2^(attempt-1), capped, with jitter) until `maxAttempts`, then dead-lettered
 * (listed at GET /api/v1/webhooks/deliveries?state=dead). A delivery is claimed with a lease, so a server
 * killed mid-POST sends it again later: at least once; receivers de-duplicate by delivery id.
 */
import { createHmac } from 'node:crypto';
import { TOOL_VERSION } from '../core/version.js';
import type { Metrics } from './metrics.js';
import type { DeliveryRecord, ServiceStore } from './store/index.js';

export interface DeliveryOptions {
  maxAttempts: number;
  /** first retry delay */
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  idleMs?: number;
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function backoff(attempt: number, baseMs: number, maxMs: number): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(d * (0.8 + Math.random() * 0.4));
}

export class Deliverer {
  private stopped = false;
  private wake?: () => void;
  private loopDone?: Promise<void>;

  constructor(
    private readonly store: ServiceStore,
    private readonly metrics: Metrics,
    private readonly opts: DeliveryOptions,
  ) {}

  start(): void {
    this.loopDone = this.loop();
  }

  poke(): void {
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let d: DeliveryRecord | undefined;
      try {
        d = await this.store.claimDelivery(this.opts.timeoutMs * 3);
      } catch (e) {
        this.opts.log('claiming a delivery failed', { error: (e as Error).message });
      }
      if (!d) {
        await this.sleep(this.opts.idleMs ?? 250);
        continue;
      }
      await this.send(d);
    }
  }

  private async send(d: DeliveryRecord): Promise<void> {
    const hook = await this.store.getWebhook(d.webhook);
    if (!hook) {
      await this.store.deliveryFailed(d.id, { error: 'the webhook was removed' }, undefined);
      return;
    }
    let status: number | undefined;
    let error = '';
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': `bulwark/${TOOL_VERSION}`,
          'x-bulwark-delivery': d.id,
          'x-bulwark-event': 'vulnerability.notifications',
          'x-bulwark-signature': signature(hook.secret, d.body),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (status >= 200 && status < 300) {
        await this.store.deliveryDone(d.id, status);
        this.metrics.inc('bulwark_webhook_deliveries_total', { result: 'delivered' });
        return;
      }
      error = `HTTP ${status}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : (err.cause?.code ?? err.message);
    }
    const dead = d.attempts >= this.opts.maxAttempts;
    await this.store.deliveryFailed(d.id, { status, error }, dead ? undefined : Date.now() + backoff(d.attempts, this.opts.backoffMs, this.opts.maxBackoffMs));
    this.metrics.inc('bulwark_webhook_deliveries_total', { result: dead ? 'dead' : 'retry' });
    this.opts.log(dead ? 'webhook delivery dead-lettered' : 'webhook delivery failed, will retry', { delivery: d.id, attempt: d.attempts, error });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loopDone;
  }
}
