/**
 * The HTTP transport under the registry client: node:http/https with keep-alive, and the rules every
 * registry call lives by.
 *  - Timeouts: connecting and waiting for response headers (`timeoutMs`), silence while a body streams
 *    (`idleTimeoutMs`), and a whole-document deadline for small bodies (manifests, configs, tokens).
 *  - Retries with exponential backoff and jitter for idempotent requests on transport errors, 429 and
 *    5xx (Retry-After honoured up to a cap); never on TLS certificate errors or 4xx.
 *  - Redirects: at most `maxRedirects`, a loop is an error; Authorization is dropped when the host changes;
 *    an https -> http downgrade is refused unless the target host is an allowed insecure registry.
 *  - Size caps: a body larger than its cap is an error as soon as Content-Length says so, or as soon as the
 *    bytes pass the cap (an endless body is cut there).
 *  - Statistics (requests, body bytes) for tests and the bench.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { RegistryError, oneLine } from './errors.js';

export interface TransportOptions {
  /** connect + response headers, ms (default 30 s) */
  timeoutMs: number;
  /** no byte for this long while a body streams, ms (default 60 s) */
  idleTimeoutMs: number;
  /** whole-body deadline for documents read into memory, ms (default 60 s) */
  documentTimeoutMs: number;
  /** extra attempts for idempotent requests (default 3) */
  retries: number;
  /** first backoff, ms (doubles each retry, with jitter; default 300) */
  backoffMs: number;
  maxRedirects: number;
}

export const DEFAULT_TRANSPORT: TransportOptions = {
  timeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  documentTimeoutMs: 60_000,
  retries: 3,
  backoffMs: 300,
  maxRedirects: 10,
};

export interface TlsSettings {
  /** extra trusted CAs (PEM); the system's roots stay trusted */
  ca: Buffer[];
  /** client certificate and key (docker's certs.d `*.cert` / `*.key`) */
  cert?: Buffer;
  key?: Buffer;
  /** false: any certificate is accepted (insecure registries, the audit's probes) */
  verify: boolean;
}

export interface TransportStats {
  /** requests that got a response */
  requests: number;
  /** attempts that failed before any response (refused, TLS handshake failure, timeout) */
  failedAttempts: number;
  /** response body bytes received */
  bytesIn: number;
  /** per request kind (manifest, blob, token, ...) */
  byKind: Record<string, { requests: number; bytesIn: number }>;
}

export interface SendInit {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer;
  /** a label for statistics */
  kind?: string;
  /** default: GET/HEAD/DELETE/PUT are retried; POST/PATCH are not */
  idempotent?: boolean;
  /** follow redirects (default true for GET/HEAD) */
  follow?: boolean;
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  /** the URL that answered (after redirects) */
  url: URL;
  /** body stream; consume it through `chunks()` (counted in the statistics) or call `discard()` */
  stream: IncomingMessage;
  chunks(): AsyncGenerator<Buffer>;
  discard(): void;
}

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET', 'BULWARK_TIMEOUT']);
const TLS_CERT_CODES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in an untrusted (self-signed) CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is signed by an unknown CA',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
  CERT_REVOKED: 'its certificate is revoked',
};

export function isTlsCertError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return Boolean(code && code in TLS_CERT_CODES);
}

/** True when a TLS handshake failed because the peer speaks plain HTTP (or no TLS at all). */
export function isNotTls(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException;
  return err?.code === 'EPROTO' || /wrong version number|packet length too long|unknown protocol|http request/i.test(err?.message ?? '');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function timeoutError(what: string, ms: number): NodeJS.ErrnoException {
  const e = new Error(`${what} timed out after ${ms} ms`) as NodeJS.ErrnoException;
  e.code = 'BULWARK_TIMEOUT';
  return e;
}

export function describeTransportError(e: unknown, url: URL): string {
  const err = e as NodeJS.ErrnoException;
  const where = url.host;
  if (err?.code && err.code in TLS_CERT_CODES) {
    return `TLS connection to ${where} refused: ${TLS_CERT_CODES[err.code]}; trust its CA with --ca-cert FILE or /etc/docker/certs.d/${where}/ca.crt${err.code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? ', or use the name on the certificate' : ''}`;
  }
  if (isNotTls(err) && url.protocol === 'https:') return `${where} does not speak TLS (plain HTTP?); allow plain HTTP with --insecure-registry ${where}`;
  if (err?.code === 'ECONNREFUSED') return `cannot connect to ${where}: connection refused`;
  if (err?.code === 'ENOTFOUND' || err?.code === 'EAI_AGAIN') return `cannot resolve ${url.hostname}`;
  if (err?.code === 'BULWARK_TIMEOUT') return `${where}: ${err.message}`;
  if (err?.code === 'ECONNRESET') return `${where} closed the connection`;
  return `${where}: ${oneLine(err?.message ?? String(e))}`;
}

/** One transport per client: keep-alive agents, the TLS trust, the retry and redirect policy. */
export class Transport {
  readonly opts: TransportOptions;
  readonly stats: TransportStats = { requests: 0, failedAttempts: 0, bytesIn: 0, byKind: {} };
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgents = new Map<string, https.Agent>();

  constructor(
    private readonly tlsFor: (host: string) => TlsSettings,
    /** may this host be reached over plain HTTP (redirect targets, token realms)? */
    readonly insecureAllowed: (host: string) => boolean,
    opts: Partial<TransportOptions> = {},
  ) {
    this.opts = { ...DEFAULT_TRANSPORT, ...opts };
  }

  private agentFor(url: URL): http.Agent {
    if (url.protocol === 'http:') return this.httpAgent;
    const key = url.host;
    let a = this.httpsAgents.get(key);
    if (!a) {
      const t = this.tlsFor(url.host);
      a = new https.Agent({
        keepAlive: true,
        maxSockets: 8,
        ca: t.ca.length ? [...rootCertificates, ...t.ca.map((b) => b.toString('utf8'))] : undefined,
        cert: t.cert,
        key: t.key,
        rejectUnauthorized: t.verify,
        minVersion: 'TLSv1.2',
      });
      this.httpsAgents.set(key, a);
    }
    return a;
  }

  private count(kind: string | undefined, bytes: number, request: boolean): void {
    const k = kind ?? 'other';
    const s = (this.stats.byKind[k] ??= { requests: 0, bytesIn: 0 });
    if (request) {
      this.stats.requests++;
      s.requests++;
    }
    this.stats.bytesIn += bytes;
    s.bytesIn += bytes;
  }

  /** One request, no retries, no redirects. */
  private once(init: SendInit): Promise<Response> {
    const { url } = init;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new RegistryError(`refusing URL scheme '${url.protocol}' (${oneLine(url.href, 120)})`));
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      let settled = false;
      const headers: Record<string, string> = { 'user-agent': 'bulwark', ...init.headers };
      if (init.body) headers['content-length'] = String(init.body.length);
      const req = mod.request(url, { method: init.method, headers, agent: this.agentFor(url) });
      const headerTimer = setTimeout(() => req.destroy(timeoutError(`waiting for ${init.method} ${url.pathname}`, this.opts.timeoutMs)), this.opts.timeoutMs);
      req.on('error', (e) => {
        clearTimeout(headerTimer);
        if (!settled) {
          settled = true;
          this.stats.failedAttempts++;
          reject(e);
        }
      });
      req.on('response', (res) => {
        clearTimeout(headerTimer);
        settled = true;
        this.count(init.kind, 0, true);
        // silence while the body streams: the socket's idle timeout
        res.socket?.setTimeout(this.opts.idleTimeoutMs, () => res.destroy(timeoutError(`reading ${url.pathname}`, this.opts.idleTimeoutMs)));
        res.on('end', () => res.socket?.setTimeout(0));
        const count = (n: number) => this.count(init.kind, n, false);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          url,
          stream: res,
          async *chunks() {
            for await (const c of res) {
              count((c as Buffer).length);
              yield c as Buffer;
            }
          },
          discard: () => {
            // a small remainder is drained so the connection can be reused; anything else is dropped
            const len = Number(res.headers['content-length'] ?? NaN);
            if (Number.isFinite(len) && len <= 64 * 1024) res.resume();
            else res.destroy();
          },
        });
      });
      req.end(init.body);
    });
  }

  /** A request with the retry and redirect policy. Transport failures become RegistryErrors. */
  async send(init: SendInit): Promise<Response> {
    const idempotent = init.idempotent ?? ['GET', 'HEAD', 'DELETE', 'PUT'].includes(init.method);
    const follow = init.follow ?? (init.method === 'GET' || init.method === 'HEAD');
    let url = init.url;
    let headers = { ...init.headers };
    const seen = new Set<string>();
    for (let hop = 0; ; hop++) {
      const res = await this.withRetries({ ...init, url, headers }, idempotent);
      if (!follow || ![301, 302, 303, 307, 308].includes(res.status)) return res;
      res.discard();
      const loc = res.headers.location;
      if (!loc) throw new RegistryError(`${url.host} answered ${res.status} with no Location header`, res.status);
      let next: URL;
      try {
        next = new URL(loc, url);
      } catch {
        throw new RegistryError(`${url.host} redirected to an invalid URL '${oneLine(String(loc), 120)}'`, res.status);
      }
      const key = `${init.method} ${next.href}`;
      if (seen.has(key) || next.href === url.href) throw new RegistryError(`redirect loop at ${oneLine(next.href, 160)}`, res.status);
      seen.add(key);
      if (hop + 1 > this.opts.maxRedirects) throw new RegistryError(`more than ${this.opts.maxRedirects} redirects starting at ${oneLine(init.url.href, 160)} (redirect loop?)`, res.status);
      if (next.protocol === 'http:' && url.protocol === 'https:' && !this.insecureAllowed(next.host)) {
        throw new RegistryError(`${url.host} redirected to plain HTTP (${next.host}); refused (allow it with --insecure-registry ${next.host})`, res.status);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new RegistryError(`${url.host} redirected to a '${next.protocol}' URL; refused`, res.status);
      if (next.host !== url.host) {
        // credentials for the registry never travel to another host (blob storage, CDN)
        const { authorization: _a, Authorization: _b, ...rest } = headers;
        headers = rest;
      }
      url = next;
    }
  }

  private async withRetries(init: SendInit, idempotent: boolean): Promise<Response> {
    let attempt = 0;
    for (;;) {
      let res: Response;
      try {
        res = await this.once(init);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (idempotent && attempt < this.opts.retries && RETRY_CODES.has(code) && !isTlsCertError(e)) {
          await sleep(this.backoff(attempt++));
          continue;
        }
        throw new RegistryError(describeTransportError(e, init.url));
      }
      if (idempotent && attempt < this.opts.retries && RETRY_STATUS.has(res.status)) {
        const ra = retryAfterMs(res.headers['retry-after']);
        res.discard();
        await sleep(Math.min(ra ?? this.backoff(attempt), 10_000));
        attempt++;
        continue;
      }
      return res;
    }
  }

  private backoff(attempt: number): number {
    const base = this.opts.backoffMs * 2 ** attempt;
    return Math.min(8_000, base / 2 + Math.random() * base);
  }

  /** Read a whole (small) body: capped, with the document deadline. */
  async readBody(res: Response, cap: number, what: string): Promise<Buffer> {
    const len = Number(res.headers['content-length'] ?? NaN);
    if (Number.isFinite(len) && len > cap) {
      res.stream.destroy();
      throw new RegistryError(`${what} is ${len} bytes, more than the ${cap}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => res.stream.destroy(timeoutError(`reading ${what}`, this.opts.documentTimeoutMs)), this.opts.documentTimeoutMs);
    try {
      for await (const c of res.chunks()) {
        got += c.length;
        if (got > cap) {
          res.stream.destroy();
          throw new RegistryError(`${what} is larger than the ${cap}-byte limit (the registry kept sending)`);
        }
        chunks.push(c);
      }
    } catch (e) {
      if (e instanceof RegistryError) throw e;
      throw new RegistryError(`reading ${what}: ${describeTransportError(e, res.url)}`);
    } finally {
      clearTimeout(timer);
    }
    if (Number.isFinite(len) && got < len) throw new RegistryError(`${what}: the connection closed after ${got} of ${len} bytes`);
    return Buffer.concat(chunks);
  }

  close(): void {
    this.httpAgent.destroy();
    for (const a of this.httpsAgents.values()) a.destroy();
    this.httpsAgents.clear();
  }
}

function retryAfterMs(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  if (/^\d+$/.test(s.trim())) return Number(s.trim()) * 1000;
  const t = Date.parse(s);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}
