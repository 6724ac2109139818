/**
 * A small Docker Engine API client: unix socket or TCP (with TLS), as DOCKER_HOST / DOCKER_TLS_VERIFY /
 * DOCKER_CERT_PATH say, like the docker CLI. Shared by the image source (`docker:NAME`), the
 * containers audit and the daemon audit.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import type { IncomingMessage } from 'node:http';
import { UserError } from '../../core/errors.js';

export interface EngineOptions {
  /** unix:///var/run/docker.sock, tcp://127.0.0.1:2375, npipe is not supported */
  host?: string;
  tlsVerify?: boolean;
  /** directory with ca.pem, cert.pem, key.pem */
  certPath?: string;
  /** request timeout (ms) for JSON calls; streams have none */
  timeoutMs?: number;
}

export class EngineError extends UserError {
  constructor(
    message: string,
    public readonly status?: number,
  ) {
    super(message, 2);
    this.name = 'EngineError';
  }
}

export class EngineClient {
  readonly host: string;
  private readonly socketPath?: string;
  private readonly hostname?: string;
  private readonly port?: number;
  private readonly tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  private readonly timeoutMs: number;

  constructor(opts: EngineOptions = {}) {
    const host = opts.host ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    this.host = host;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    if (host.startsWith('unix://')) {
      this.socketPath = host.slice('unix://'.length);
    } else if (host.startsWith('/')) {
      this.socketPath = host;
    } else if (host.startsWith('tcp://') || host.startsWith('https://') || host.startsWith('http://')) {
      const u = new URL(host.replace(/^tcp:/, 'http:'));
      this.hostname = u.hostname;
      this.port = Number(u.port || (opts.tlsVerify ? 2376 : 2375));
      const tlsVerify = opts.tlsVerify ?? (process.env.DOCKER_TLS_VERIFY !== undefined && process.env.DOCKER_TLS_VERIFY !== '' && process.env.DOCKER_TLS_VERIFY !== '0');
      const certPath = opts.certPath ?? process.env.DOCKER_CERT_PATH ?? (tlsVerify ? join(homedir(), '.docker') : undefined);
      if (tlsVerify || host.startsWith('https://')) {
        const read = (n: string) => {
          try {
            return certPath ? readFileSync(join(certPath, n)) : undefined;
          } catch {
            return undefined;
          }
        };
        this.tls = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), rejectUnauthorized: tlsVerify };
      }
    } else {
      throw new EngineError(`unsupported DOCKER_HOST '${host}' (use unix:///path or tcp://host:port)`);
    }
  }

  /** True when the engine is reached through a local unix socket (it then runs on this host). */
  get isLocal(): boolean {
    return this.socketPath !== undefined;
  }

  /** Raw request; resolves with the response (caller consumes the body). */
  request(method: string, path: string, opts: { query?: Record<string, string | number | boolean | undefined>; body?: unknown; timeoutMs?: number } = {}): Promise<IncomingMessage> {
    const qs = opts.query
      ? Object.entries(opts.query)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
          .join('&')
      : '';
    const fullPath = qs ? `${path}?${qs}` : path;
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    // over TLS the Host header becomes the SNI name and the name the certificate is checked against
    const headers: Record<string, string | number> = { Host: this.tls && this.hostname ? (this.port ? `${this.hostname.includes(':') ? `[${this.hostname}]` : this.hostname}:${this.port}` : this.hostname) : 'docker' };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      const base = { method, path: fullPath, headers };
      const req = this.tls
        ? https.request({ ...base, hostname: this.hostname, port: this.port, ...this.tls })
        : http.request(this.socketPath ? { ...base, socketPath: this.socketPath } : { ...base, hostname: this.hostname, port: this.port });
      const timeout = opts.timeoutMs;
      if (timeout) {
        req.setTimeout(timeout, () => req.destroy(new EngineError(`Docker engine at ${this.host} did not answer ${method} ${path} within ${timeout} ms`)));
      }
      req.on('response', resolve);
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e instanceof EngineError) return reject(e);
        reject(new EngineError(`cannot reach the Docker engine at ${this.host}: ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' ').trim()));
      });
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** GET (or other method) a JSON endpoint; non-2xx becomes an EngineError with the engine's message. */
  async json<T>(path: string, query?: Record<string, string | number | boolean | undefined>, method = 'GET', body?: unknown): Promise<T> {
    const res = await this.request(method, path, { query, body, timeoutMs: this.timeoutMs });
    const buf = await readAll(res, 256 * 1024 * 1024);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      let msg = buf.toString('utf8').trim();
      try {
        msg = (JSON.parse(msg) as { message?: string }).message ?? msg;
      } catch {
        /* not JSON */
      }
      throw new EngineError(`Docker engine ${method} ${path}: ${status} ${msg}`, status);
    }
    if (buf.length === 0) return undefined as T;
    return JSON.parse(buf.toString('utf8')) as T;
  }

  /** GET a streaming endpoint (e.g. /images/{name}/get); rejects on non-2xx. */
  async stream(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<IncomingMessage> {
    const res = await this.request('GET', path, { query });
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      const buf = await readAll(res, 1024 * 1024);
      let msg = buf.toString('utf8').trim();
      try {
        msg = (JSON.parse(msg) as { message?: string }).message ?? msg;
      } catch {
        /* not JSON */
      }
      throw new EngineError(`Docker engine GET ${path}: ${status} ${msg}`, status);
    }
    return res;
  }

  async ping(): Promise<boolean> {
    try {
      const res = await this.request('GET', '/_ping', { timeoutMs: 5000 });
      await readAll(res, 1024);
      return res.statusCode === 200;
    } catch {
      return false;
    }
  }
}

export async function readAll(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream as AsyncIterable<Buffer | string>) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    size += b.length;
    if (size > limit) throw new EngineError(`response larger than ${limit} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}
