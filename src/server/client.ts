/**
 * A small client of the service API (what `bulwark image --server URL` uses). Every call has a timeout;
 * problem+json answers become one-line errors.
 */
import { UserError } from '../core/errors.js';

export interface ClientOptions {
  /** the server's base URL, e.g. http://127.0.0.1:8080 */
  server: string;
  token?: string;
  timeoutMs?: number;
}

export class ServiceClient {
  private readonly base: string;
  constructor(private readonly opts: ClientOptions) {
    let u: URL;
    try {
      u = new URL(opts.server);
    } catch {
      throw new UserError(`--server takes a URL (http://HOST:PORT), got '${opts.server}'`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`--server must be an http or https URL, got '${opts.server}'`);
    this.base = u.toString().replace(/\/+$/, '');
  }

  /** One request; resolves with the status and the parsed JSON body. */
  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 120_000),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      throw new UserError(`cannot reach ${this.base}: ${err.name === 'TimeoutError' ? 'no answer in time' : (err.cause?.code ?? err.message)}`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new UserError(`${this.base}${path}: the server answered ${res.status} with a body that is not JSON`);
    }
    if (res.status >= 400) {
      const p = parsed as { title?: string; detail?: string } | undefined;
      throw new UserError(`the server answered ${res.status}${p?.detail ? `: ${p.detail}` : p?.title ? ` ${p.title}` : ''}`);
    }
    return { status: res.status, body: parsed as T };
  }
}
