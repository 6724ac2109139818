/**
 * Downloads a feed URL into `<db dir>/downloads/`, with conditional requests: the ETag and
 * Last-Modified of the last download are sent back (If-None-Match / If-Modified-Since); a 304
 * reuses the stored copy. The body is streamed to a temp file (`.part-<pid>`) and renamed, so an
 * interrupted download never replaces a good copy.
 *
 * Every request is bounded in time by one `timeoutMs` (default 30 s, `db update --timeout`):
 * - connect: the TCP (and TLS) connection must be up within it;
 * - headers: the response status and headers must have arrived within it of the connection;
 * - progress: while the body streams, every window of that length must bring at least MIN_PROGRESS bytes,
 *   so a peer that goes silent, or trickles a byte every few seconds, is cut off after one window.
 * Redirects are followed (at most 5, http/https only); bodies are capped at MAX_DOWNLOAD_BYTES.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import type { Socket } from 'node:net';

export interface DownloadMeta {
  url: string;
  etag?: string;
  lastModified?: string;
  fetchedAt: string;
  bytes: number;
}

export interface DownloadResult {
  path: string;
  notModified: boolean;
  meta: DownloadMeta;
}

export interface DownloadOptions {
  /** bytes received so far and the announced length */
  progress?: (received: number, total?: number) => void;
  /** connect, header and progress timeout in ms (see the header); default DEFAULT_TIMEOUT_MS */
  timeoutMs?: number;
  maxBytes?: number;
}

export const MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** bytes a body must bring in every timeout window */
export const MIN_PROGRESS = 1024;
const MAX_REDIRECTS = 5;

/** A network failure worth a hint about offline use (no route, no name, refused, timed out). */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export async function download(url: string, dir: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha256').update(url).digest('hex').slice(0, 24);
  const dataPath = join(dir, `${key}.data`);
  const metaPath = join(dir, `${key}.json`);
  let prev: DownloadMeta | undefined;
  if (existsSync(dataPath) && existsSync(metaPath)) {
    try {
      prev = JSON.parse(readFileSync(metaPath, 'utf8')) as DownloadMeta;
    } catch {
      prev = undefined;
    }
  }
  const headers: Record<string, string> = { 'user-agent': 'bulwark-vulndb', accept: '*/*' };
  if (prev?.etag) headers['if-none-match'] = prev.etag;
  if (prev?.lastModified) headers['if-modified-since'] = prev.lastModified;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? MAX_DOWNLOAD_BYTES;

  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await request(current, headers, timeoutMs);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new Error(`cannot fetch ${url}: more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(res.headers.location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`cannot fetch ${url}: redirect to ${next.protocol} refused`);
      current = next.toString();
      continue;
    }
    if (status === 304 && prev) {
      res.resume();
      return { path: dataPath, notModified: true, meta: prev };
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw new Error(`cannot fetch ${url}: HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd());
    }
    const total = Number(res.headers['content-length'] ?? '') || undefined;
    if (total && total > maxBytes) {
      res.destroy();
      throw new Error(`${url}: ${total} bytes is over the ${maxBytes}-byte limit`);
    }
    const tmp = `${dataPath}.part-${process.pid}`;
    let received: number;
    try {
      received = await receive(res, tmp, { timeoutMs, maxBytes, total, progress: opts.progress, url });
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new Error(`download of ${url} failed: ${(e as Error).message}`);
    }
    if (total !== undefined && received !== total) {
      rmSync(tmp, { force: true });
      throw new Error(`download of ${url} was truncated: ${received} of ${total} bytes`);
    }
    renameSync(tmp, dataPath);
    const meta: DownloadMeta = {
      url,
      etag: header(res, 'etag'),
      lastModified: header(res, 'last-modified'),
      fetchedAt: new Date().toISOString(),
      bytes: received,
    };
    writeFileSync(metaPath, JSON.stringify(meta));
    return { path: dataPath, notModified: false, meta };
  }
}

function header(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function seconds(ms: number): string {
  return ms % 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms / 1000} s`;
}

/** Sends a GET and resolves with the response once its headers are in, within the connect and header timeouts. */
function request(url: string, headers: Record<string, string>, timeoutMs: number): Promise<IncomingMessage> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.reject(new Error(`cannot fetch ${url}: not a URL`));
  }
  const mod = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
  if (!mod) return Promise.reject(new Error(`cannot fetch ${url}: only http and https URLs are supported`));
  return new Promise((resolve, reject) => {
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const req = mod.get(u, { headers, agent: false }, (res) => {
      if (done) {
        res.destroy();
        return;
      }
      done = true;
      clearTimeout(timer);
      resolve(res);
    });
    let timer = setTimeout(
      () => fail(new NetworkError(`cannot fetch ${url}: no connection to ${u.host} within ${seconds(timeoutMs)} (timed out)`, u.hostname, 'ETIMEDOUT')),
      timeoutMs,
    );
    req.on('socket', (s: Socket) => {
      const connected = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => fail(new NetworkError(`cannot fetch ${url}: ${u.host} sent no response headers within ${seconds(timeoutMs)} (timed out)`, u.hostname, 'ETIMEDOUT')),
          timeoutMs,
        );
      };
      if (!s.connecting) connected();
      else s.once(u.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? 'ERR';
      fail(new NetworkError(`cannot fetch ${url}: ${e.message}`, u.hostname, code));
    });
  });
}

/** Streams the body to `file`, enforcing the progress timeout and the size cap; returns the byte count. */
function receive(
  res: IncomingMessage,
  file: string,
  o: { timeoutMs: number; maxBytes: number; total?: number; progress?: (n: number, total?: number) => void; url: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    let received = 0;
    let windowStart = 0;
    let settled = false;
    const finish = (e?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      if (e) {
        res.destroy();
        out.destroy();
        reject(e);
      }
    };
    // every window must bring MIN_PROGRESS bytes: a silent or trickling peer is cut off after one window
    const watch = setInterval(() => {
      if (received - windowStart < MIN_PROGRESS) {
        finish(new Error(`stalled: ${received - windowStart} bytes in the last ${seconds(o.timeoutMs)} (timed out)`));
      }
      windowStart = received;
    }, o.timeoutMs);
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > o.maxBytes) {
        finish(new Error(`over the ${o.maxBytes}-byte limit`));
        return;
      }
      if (!out.write(chunk)) {
        res.pause();
        out.once('drain', () => res.resume());
      }
      o.progress?.(received, o.total);
    });
    res.on('error', (e) => finish(e));
    res.on('aborted', () => finish(new Error('connection closed by the server')));
    res.on('end', () => {
      if (settled) return;
      if (!res.complete) {
        finish(new Error('connection closed by the server'));
        return;
      }
      clearInterval(watch);
      out.end(() => {
        if (settled) return;
        settled = true;
        resolve(received);
      });
    });
    out.on('error', (e) => finish(e));
  });
}
