/**
 * A client for one registry (the Registry HTTP API v2 / OCI distribution spec): endpoint discovery
 * (HTTPS, or plain HTTP for allowed insecure registries), authentication on demand, manifests verified
 * against their digests, blobs streamed with their size capped, and the few write calls Bulwark needs
 * (the audit's cancelled upload probe; pushing signatures and test images in the tests).
 */
import { createHash } from 'node:crypto';
import { Authenticator } from './auth.js';
import { credentialsFor, type CredentialOptions } from './credentials.js';
import { RegistryError, oneLine, registryErrorText } from './errors.js';
import { Transport, isNotTls, type Response, type SendInit, type TransportOptions } from './http.js';
import { DIGEST_RE, MANIFEST_ACCEPT, parseManifest, type ManifestDoc } from './manifest.js';
import { apiHost } from './reference.js';
import { Trust, type TrustOptions } from './trust.js';

export interface RegistryClientOptions extends TrustOptions {
  credentials?: CredentialOptions;
  transport?: Partial<TransportOptions>;
  /** largest manifest accepted (default 4 MiB, as containerd) */
  maxManifestBytes?: number;
  /** largest config / small blob read into memory (default 32 MiB) */
  maxDocumentBytes?: number;
  /** largest layer blob (default 64 GiB) */
  maxBlobBytes?: number;
  warn?: (msg: string) => void;
  /** never send credentials (the audit's anonymous probes) */
  anonymous?: boolean;
}

export interface FetchedManifest {
  body: Buffer;
  digest: string;
  mediaType: string;
  doc: ManifestDoc;
}

export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export function digestOf(b: Buffer, algo = 'sha256'): string {
  return `${algo}:${createHash(algo).update(b).digest('hex')}`;
}

function checkDigest(b: Buffer, digest: string, what: string): void {
  const [algo] = digest.split(':');
  const got = digestOf(b, algo);
  if (got !== digest) throw new RegistryError(`${what}: digest mismatch: expected ${digest}, the registry sent ${got}`);
}

/** Scope strings of the token spec. */
export const scopes = {
  pull: (repo: string) => `repository:${repo}:pull`,
  push: (repo: string) => `repository:${repo}:pull,push`,
  delete: (repo: string) => `repository:${repo}:delete`,
  catalog: 'registry:catalog:*',
};

export class RegistryClient {
  readonly registry: string;
  readonly transport: Transport;
  readonly auth: Authenticator;
  readonly trust: Trust;
  private base?: URL;
  private readonly maxManifest: number;
  private readonly maxDocument: number;
  readonly maxBlob: number;

  constructor(registry: string, opts: RegistryClientOptions = {}) {
    this.registry = registry;
    this.trust = new Trust(opts);
    this.transport = new Transport((h) => this.trust.tlsFor(h), (h) => this.trust.isInsecure(h), opts.transport);
    const credOpts: CredentialOptions = { ...opts.credentials };
    if (opts.warn && !credOpts.warn) credOpts.warn = opts.warn;
    this.auth = new Authenticator(registry, this.transport, opts.anonymous ? async () => undefined : () => credentialsFor(registry, credOpts));
    this.maxManifest = opts.maxManifestBytes ?? 4 * 1024 * 1024;
    this.maxDocument = opts.maxDocumentBytes ?? 32 * 1024 * 1024;
    this.maxBlob = opts.maxBlobBytes ?? 64 * 1024 ** 3;
  }

  get stats() {
    return this.transport.stats;
  }

  /** Use this scheme and host from now on (the audit has already found out how the registry answers). */
  useEndpoint(base: URL): void {
    this.base = base;
  }

  /** https://host/ or, for an allowed insecure registry that does not speak TLS, http://host/. */
  async endpoint(): Promise<URL> {
    if (this.base) return this.base;
    const host = apiHost(this.registry);
    this.base = new URL(`https://${host}/`);
    // docker's order for insecure registries: HTTPS (certificate not checked), then HTTP; decided by the
    // first request itself (see send), so no extra round trip is spent on it
    this.provisional = this.trust.isInsecure(this.registry);
    return this.base;
  }

  private provisional = false;

  /** Send; while the scheme of an insecure registry is undecided, a transport failure over HTTPS retries over HTTP. */
  private async send(init: SendInit): Promise<Response> {
    if (!this.provisional) return this.transport.send(init);
    try {
      const r = await this.transport.send(init);
      this.provisional = false;
      return r;
    } catch (e) {
      if (!this.provisional || !(e instanceof RegistryError) || e.status !== undefined || init.url.protocol !== 'https:' || init.url.host !== this.base?.host) throw e;
      this.provisional = false;
      this.base = new URL(`http://${apiHost(this.registry)}/`);
      return this.transport.send({ ...init, url: new URL(init.url.pathname + init.url.search, this.base) });
    }
  }

  /** A request under /v2/, authorised for `scope` (a 401 is answered once). */
  async request(method: string, path: string, init: { scope: string; headers?: Record<string, string>; body?: Buffer; kind?: string; what: string; follow?: boolean; idempotent?: boolean; absolute?: URL }): Promise<Response> {
    const base = await this.endpoint();
    let url = init.absolute ?? new URL(path, base);
    const headers: Record<string, string> = { ...init.headers };
    const pre = await this.auth.header(init.scope);
    if (pre) headers.authorization = pre;
    let res = await this.send({ method, url, headers, body: init.body, kind: init.kind, follow: init.follow, idempotent: init.idempotent });
    url = init.absolute ?? new URL(path, this.base);
    if (res.status === 401) {
      const challenge = res.headers['www-authenticate'];
      const body = await this.transport.readBody(res, 64 * 1024, init.what).catch(() => undefined);
      if (pre && this.auth.state.scheme === 'basic') throw await this.denied(init.what, 401, body);
      headers.authorization = await this.auth.answer(challenge, init.scope, init.what);
      res = await this.transport.send({ method, url, headers, body: init.body, kind: init.kind, follow: init.follow, idempotent: init.idempotent });
      if (res.status === 401) {
        const b = await this.transport.readBody(res, 64 * 1024, init.what).catch(() => undefined);
        throw await this.denied(init.what, 401, b);
      }
    }
    return res;
  }

  private async denied(what: string, status: number, body: Buffer | undefined): Promise<RegistryError> {
    const e = registryErrorText(body);
    const detail = e.message ? ` (${e.message})` : '';
    const creds = await this.auth.credentials();
    if (!creds) {
      const how = this.auth.state.scheme === 'bearer' ? '401 after the token exchange' : '401';
      return new RegistryError(`${what}: ${this.registry} requires authentication (${how})${detail}; log in with 'docker login ${this.registry}' or pass --username with --password-stdin`, status, e.code ?? 'UNAUTHORIZED');
    }
    return new RegistryError(`${what}: ${this.registry} refused the credentials from ${creds.source}${detail}; check 'docker login ${this.registry}' or --username/--password-stdin`, status, e.code ?? 'UNAUTHORIZED');
  }

  /** A RegistryError for an unexpected status, with the registry's own error text. */
  async failure(res: Response, what: string): Promise<RegistryError> {
    const body = await this.transport.readBody(res, 64 * 1024, what).catch(() => undefined);
    const e = registryErrorText(body);
    const detail = e.message ? `: ${e.code ? `${e.code} ` : ''}${e.message}` : '';
    if (res.status === 404) return new RegistryError(`${what}: not found on ${this.registry}${detail}`, 404, e.code);
    if (res.status === 403) return new RegistryError(`${what}: access denied by ${this.registry}${detail}`, 403, e.code);
    return new RegistryError(`${what}: ${this.registry} answered ${res.status}${detail}`, res.status, e.code);
  }

  /** GET /v2/ without credentials: is it a registry, does it want authentication? */
  async ping(): Promise<Response> {
    const base = await this.endpoint();
    return this.send({ method: 'GET', url: new URL('/v2/', base), kind: 'ping' });
  }

  /**
   * A manifest or index by tag or digest. The body's digest is checked against the digest asked for, and
   * against the Docker-Content-Digest header when the registry sends one.
   */
  async manifest(repo: string, reference: string): Promise<FetchedManifest> {
    const what = `manifest ${repo}${DIGEST_RE.test(reference) ? '@' : ':'}${reference}`;
    const res = await this.request('GET', `/v2/${repo}/manifests/${reference}`, { scope: scopes.pull(repo), headers: { accept: MANIFEST_ACCEPT }, kind: 'manifest', what });
    if (res.status !== 200) throw await this.failure(res, what);
    const body = await this.transport.readBody(res, this.maxManifest, what);
    const byDigest = DIGEST_RE.test(reference);
    const header = res.headers['docker-content-digest'];
    const claimed = typeof header === 'string' && DIGEST_RE.test(header.trim()) ? header.trim() : undefined;
    let digest: string;
    if (byDigest) {
      checkDigest(body, reference, what);
      digest = reference;
    } else {
      digest = digestOf(body, claimed?.split(':')[0] ?? 'sha256');
      if (claimed && claimed !== digest) throw new RegistryError(`${what}: digest mismatch: Docker-Content-Digest says ${claimed}, the manifest sent is ${digest}`);
      if (digest.startsWith('sha512:')) digest = digestOf(body);
    }
    const doc = parseManifest(body, res.headers['content-type'], what);
    return { body, digest, mediaType: doc.mediaType, doc };
  }

  /** HEAD a manifest: its digest (or undefined when absent). */
  async manifestDigest(repo: string, reference: string): Promise<string | undefined> {
    const what = `manifest ${repo}:${reference}`;
    const res = await this.request('HEAD', `/v2/${repo}/manifests/${reference}`, { scope: scopes.pull(repo), headers: { accept: MANIFEST_ACCEPT }, kind: 'manifest', what });
    res.discard();
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw await this.failure(res, what);
    const h = res.headers['docker-content-digest'];
    return typeof h === 'string' && DIGEST_RE.test(h) ? h : undefined;
  }

  /** A small blob (config, signature payload) read whole and verified. */
  async blobBytes(repo: string, digest: string, what: string, cap = this.maxDocument): Promise<Buffer> {
    if (!DIGEST_RE.test(digest)) throw new RegistryError(`${what}: invalid digest '${oneLine(digest, 80)}'`);
    const res = await this.request('GET', `/v2/${repo}/blobs/${digest}`, { scope: scopes.pull(repo), kind: 'blob', what });
    if (res.status !== 200) throw await this.failure(res, what);
    const body = await this.transport.readBody(res, cap, what);
    checkDigest(body, digest, what);
    return body;
  }

  /**
   * A blob as a stream of chunks, never more than `size` bytes (more is an error naming the blob). The
   * digest is checked by the reader (src/sources/layer.ts) as the bytes go by. A connection that breaks
   * mid-blob is resumed with a Range request (bounded attempts).
   */
  async *blobStream(repo: string, digest: string, size: number | undefined, what: string): AsyncGenerator<Buffer> {
    if (!DIGEST_RE.test(digest)) throw new RegistryError(`${what}: invalid digest '${oneLine(digest, 80)}'`);
    if (size !== undefined && size > this.maxBlob) throw new RegistryError(`${what} is ${size} bytes, more than the ${this.maxBlob}-byte blob limit`);
    const cap = size ?? this.maxBlob;
    let got = 0;
    let resumes = 0;
    for (;;) {
      const headers: Record<string, string> = {};
      if (got > 0) headers.range = `bytes=${got}-`;
      const res = await this.request('GET', `/v2/${repo}/blobs/${digest}`, { scope: scopes.pull(repo), kind: 'blob', what, headers });
      if (got > 0 && res.status !== 206) {
        res.discard();
        throw new RegistryError(`${what}: the connection broke after ${got} bytes and the registry cannot resume (status ${res.status})`);
      }
      if (got === 0 && res.status !== 200) throw await this.failure(res, what);
      const len = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(len) && got + len > cap) {
        res.stream.destroy();
        throw new RegistryError(`${what}: the registry announces ${got + len} bytes, the manifest says ${cap}`);
      }
      try {
        for await (const b of res.chunks()) {
          got += b.length;
          if (got > cap) {
            res.stream.destroy();
            throw new RegistryError(`${what}: the registry sent more than the ${cap} bytes the manifest announces`);
          }
          yield b;
        }
      } catch (e) {
        if (e instanceof RegistryError) throw e;
        if (size !== undefined && got < size && resumes < this.transport.opts.retries) {
          resumes++;
          continue;
        }
        throw new RegistryError(`${what}: the download failed after ${got} bytes (${oneLine((e as Error).message, 120)})`);
      }
      // a response that ended cleanly short of the descriptor's size is the registry's answer, not a cut
      if (size !== undefined && got < size) throw new RegistryError(`${what}: the registry sent ${got} of the ${size} bytes the manifest announces`);
      return;
    }
  }

  /** GET /v2/_catalog (first page). */
  async catalog(n = 100): Promise<Response> {
    return this.request('GET', `/v2/_catalog?n=${n}`, { scope: scopes.catalog, kind: 'catalog', what: 'catalog' });
  }

  async tags(repo: string): Promise<string[]> {
    const what = `tags of ${repo}`;
    const res = await this.request('GET', `/v2/${repo}/tags/list`, { scope: scopes.pull(repo), kind: 'tags', what });
    if (res.status !== 200) throw await this.failure(res, what);
    const body = await this.transport.readBody(res, this.maxManifest, what);
    try {
      const doc = JSON.parse(body.toString('utf8')) as { tags?: unknown };
      return Array.isArray(doc.tags) ? doc.tags.filter((t): t is string => typeof t === 'string') : [];
    } catch {
      throw new RegistryError(`${what}: invalid JSON`);
    }
  }

  /** Start a blob upload: the Location to continue (or cancel) it. */
  async startUpload(repo: string): Promise<{ res: Response; location?: URL }> {
    const res = await this.request('POST', `/v2/${repo}/blobs/uploads/`, { scope: scopes.push(repo), kind: 'upload', what: `upload to ${repo}`, follow: false, idempotent: false, body: Buffer.alloc(0) });
    const loc = res.headers.location;
    let location: URL | undefined;
    if (loc) {
      try {
        location = new URL(loc, await this.endpoint());
      } catch {
        location = undefined;
      }
    }
    return { res, location };
  }

  /** DELETE an upload session (cancels it; the registry drops what it holds for it). */
  async cancelUpload(repo: string, location: URL): Promise<number> {
    const res = await this.request('DELETE', location.pathname + location.search, { scope: scopes.push(repo), kind: 'upload', what: `cancel upload to ${repo}`, absolute: location });
    res.discard();
    return res.status;
  }

  /** Upload a blob in one PUT (monolithic upload); a no-op when the registry has it. */
  async pushBlob(repo: string, data: Buffer): Promise<string> {
    const digest = digestOf(data);
    const head = await this.request('HEAD', `/v2/${repo}/blobs/${digest}`, { scope: scopes.push(repo), kind: 'blob', what: `blob ${digest}` });
    head.discard();
    if (head.status === 200) return digest;
    const { res, location } = await this.startUpload(repo);
    if (res.status !== 202 || !location) throw await this.failure(res, `upload to ${repo}`);
    res.discard();
    location.searchParams.set('digest', digest);
    const put = await this.request('PUT', '', { scope: scopes.push(repo), kind: 'upload', what: `blob ${digest}`, body: data, headers: { 'content-type': 'application/octet-stream' }, absolute: location });
    if (put.status !== 201) throw await this.failure(put, `blob ${digest}`);
    put.discard();
    return digest;
  }

  /** PUT a manifest under a tag or digest; returns its digest. */
  async pushManifest(repo: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
    const what = `manifest ${repo}:${reference}`;
    const res = await this.request('PUT', `/v2/${repo}/manifests/${reference}`, { scope: scopes.push(repo), kind: 'manifest', what, body, headers: { 'content-type': mediaType } });
    if (res.status !== 201) throw await this.failure(res, what);
    res.discard();
    return digestOf(body);
  }

  close(): void {
    this.transport.close();
  }
}

/** True for a transport error that means "this is not TLS" (used by the audit's plain-HTTP detection). */
export { isNotTls };
