/**
 * Downloads a feed URL into `<db dir>/downloads/`, with conditional requests: the ETag and
 * Last-Modified of the last download are sent back (If-None-Match / If-Modified-Since); a 304
 * reuses the stored copy. The body is streamed to a temp file and renamed, so an interrupted
 * download never replaces a good copy.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

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

export const MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024;

export async function download(
  url: string,
  dir: string,
  opts: { progress?: (received: number, total?: number) => void; timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<DownloadResult> {
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
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 10 * 60_000);
  try {
    let res: Response;
    try {
      res = await (opts.fetchImpl ?? fetch)(url, { headers, signal: ctl.signal, redirect: 'follow' });
    } catch (e) {
      const cause = (e as { cause?: Error }).cause;
      throw new Error(`cannot fetch ${url}: ${cause?.message ?? (e as Error).message}`);
    }
    if (res.status === 304 && prev) {
      return { path: dataPath, notModified: true, meta: prev };
    }
    if (!res.ok || !res.body) throw new Error(`cannot fetch ${url}: HTTP ${res.status} ${res.statusText}`);
    const total = Number(res.headers.get('content-length') ?? '') || undefined;
    if (total && total > MAX_DOWNLOAD_BYTES) throw new Error(`${url}: ${total} bytes is over the ${MAX_DOWNLOAD_BYTES}-byte limit`);
    const tmp = `${dataPath}.part-${process.pid}`;
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        received += chunk.length;
        if (received > MAX_DOWNLOAD_BYTES) return cb(new Error(`${url}: over the ${MAX_DOWNLOAD_BYTES}-byte limit`));
        opts.progress?.(received, total);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), counter, createWriteStream(tmp));
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
      etag: res.headers.get('etag') ?? undefined,
      lastModified: res.headers.get('last-modified') ?? undefined,
      fetchedAt: new Date().toISOString(),
      bytes: received,
    };
    writeFileSync(metaPath, JSON.stringify(meta));
    return { path: dataPath, notModified: false, meta };
  } finally {
    clearTimeout(timer);
  }
}
