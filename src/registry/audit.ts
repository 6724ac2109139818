/**
 * Evidence about a registry endpoint, for the registry-stage rules (src/analyzers/registry/). Collection
 * only; verdicts are the rules' business. Every probe is read-only except the push probe, which starts a
 * blob upload and cancels it at once (nothing is committed: no blob, no tag, no manifest), and the delete
 * probe, which asks to delete a manifest digest that cannot exist (so nothing can be deleted).
 *
 *  1. TLS: node:tls reads the certificate (expiry, issuer, names, chain verdict against the system roots,
 *     --ca-cert and /etc/docker/certs.d/HOST/ca.crt); hand-built ClientHellos ask which old protocol versions
 *     and weak cipher suites the server still accepts. A server that does not speak TLS is asked over HTTP.
 *  2. HTTP API as an anonymous client (credentials never used): /v2/ (challenge, headers), the catalog,
 *     a pull (tags and a manifest HEAD of a repository from the catalog or --repo), a push (upload start +
 *     cancel), a delete (a digest that cannot exist: 405 = deletes disabled, 404 = enabled).
 *  3. With credentials (--username/--password-stdin or docker's config), the catalog and the delete probe
 *     again, to learn what anonymous access could not.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RegistryClient, type RegistryClientOptions } from './client.js';
import { RegistryError, oneLine, registryErrorText } from './errors.js';
import { isNotTls } from './http.js';
import { parseChallenges } from './auth.js';
import { isValidRegistry, splitHostPort } from './reference.js';
import { Trust } from './trust.js';
import { acceptsVersion, inspectCertificate, weakCiphers, type CertificateFacts, type ProbedVersion, type WeakCipherHit } from './tls-probe.js';
import { InputError } from '../core/errors.js';

export interface ProbeResult {
  /** HTTP status, or undefined when the request failed */
  status?: number;
  code?: string;
  detail?: string;
  error?: string;
}

export interface RegistryEvidence {
  /** host[:port] as given */
  target: string;
  host: string;
  port: number;
  /** the URL the API answered on */
  url: string;
  scheme: 'https' | 'http';
  tls?: {
    cert?: CertificateFacts;
    certError?: string;
    /** protocol versions below 1.2 the server completes a hello with */
    oldProtocols: ProbedVersion[];
    weakCiphers: WeakCipherHit[];
    /** the CA files that were trusted */
    trustedExtra: boolean;
  };
  /** GET /v2/ without credentials */
  ping: ProbeResult & { challenge?: { scheme: string; realm?: string; service?: string }; apiVersion?: string };
  /** response headers that identify the product (Server, X-Powered-By, X-JFrog-Version, ...) */
  productHeaders: Record<string, string>;
  anonymous: {
    catalog: ProbeResult & { repositories?: string[] };
    pull?: ProbeResult & { repository: string; reference?: string };
    push: ProbeResult & { repository: string; cancelled?: boolean; cancelStatus?: number };
    delete: ProbeResult & { repository: string };
  };
  authenticated?: {
    source: string;
    catalog: ProbeResult & { repositories?: string[] };
    delete: ProbeResult & { repository: string };
  };
  /** what could not be evaluated, and why */
  notes: string[];
}

export interface AuditOptions extends RegistryClientOptions {
  /** a repository to probe pull/push/delete on (default: the first of the catalog) */
  repository?: string;
  /** TLS probe timeout per connection, ms */
  probeTimeoutMs?: number;
}

const PRODUCT_HEADERS = ['server', 'x-powered-by', 'x-jfrog-version', 'x-artifactory-id', 'x-nexus-ui', 'x-harbor-csrf-token', 'x-gitlab-meta', 'docker-distribution-api-version'];
/** a digest no manifest can have: the delete probe can never delete anything */
const NO_SUCH_DIGEST = `sha256:${createHash('sha256').update('bulwark registry audit: a manifest that does not exist').digest('hex')}`;
const PROBE_REPO = 'bulwark-audit/push-probe';

/** Parse `HOST[:PORT]`, `https://HOST[:PORT]` or `http://HOST[:PORT]` (default port 443, or 80 for http://). */
export function parseRegistryTarget(input: string): { target: string; host: string; port: number; forced?: 'https' | 'http' } {
  let s = input.trim();
  let forced: 'https' | 'http' | undefined;
  const m = /^(https?):\/\//i.exec(s);
  if (m) {
    forced = m[1]!.toLowerCase() as 'https' | 'http';
    s = s.slice(m[0].length);
  }
  s = s.replace(/\/+(v2\/?)?$/, '');
  if (!s || s.includes('/') || !isValidRegistry(s)) throw new InputError(`'${oneLine(input, 100)}' is not a registry address (HOST[:PORT])`);
  const { host, port } = splitHostPort(s);
  return { target: s, host, port: port ?? (forced === 'http' ? 80 : 443), ...(forced ? { forced } : {}) };
}

function pick(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of PRODUCT_HEADERS) {
    const v = headers[h];
    if (typeof v === 'string' && v) out[h] = oneLine(v, 200);
  }
  return out;
}

async function probe(fn: () => Promise<{ status: number; body?: Buffer }>): Promise<ProbeResult & { body?: Buffer }> {
  try {
    const r = await fn();
    const e = registryErrorText(r.body);
    const out: ProbeResult & { body?: Buffer } = { status: r.status };
    if (e.code) out.code = e.code;
    if (e.message) out.detail = e.message;
    if (r.body) out.body = r.body;
    return out;
  } catch (e) {
    if (e instanceof RegistryError) {
      const out: ProbeResult = { error: e.message };
      if (e.status !== undefined) out.status = e.status;
      if (e.code) out.code = e.code;
      return out;
    }
    throw e;
  }
}

function repositoriesOf(body: Buffer | undefined): string[] | undefined {
  if (!body) return undefined;
  try {
    const doc = JSON.parse(body.toString('utf8')) as { repositories?: unknown };
    return Array.isArray(doc.repositories) ? doc.repositories.filter((r): r is string => typeof r === 'string').slice(0, 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** Collect the evidence. Throws InputError when the address answers nothing registry-like. */
export async function collectRegistryEvidence(input: string, opts: AuditOptions = {}): Promise<RegistryEvidence> {
  const { target, host, port, forced } = parseRegistryTarget(input);
  const notes: string[] = [];
  const trust = new Trust(opts);
  const timeoutMs = opts.probeTimeoutMs ?? 10_000;
  let scheme: 'https' | 'http' = forced ?? 'https';
  let tlsEv: RegistryEvidence['tls'];
  if (scheme === 'https') {
    try {
      const cert = await inspectCertificate(host, port, { ca: trust.tlsFor(target).ca, timeoutMs });
      const old: ProbedVersion[] = [];
      for (const v of ['TLSv1.0', 'TLSv1.1'] as const) if (await acceptsVersion(host, port, v, { timeoutMs })) old.push(v);
      const weak = await weakCiphers(host, port, ['TLSv1.2', ...old], { timeoutMs });
      tlsEv = { cert, oldProtocols: old, weakCiphers: weak, trustedExtra: trust.tlsFor(target).ca.length > 0 };
    } catch (e) {
      if (isNotTls(e) && !forced) scheme = 'http';
      else if ((e as NodeJS.ErrnoException).code === 'ECONNREFUSED') throw new InputError(`cannot connect to ${target}: connection refused`);
      else if ((e as NodeJS.ErrnoException).code === 'ENOTFOUND') throw new InputError(`cannot resolve ${host}`);
      else if (!forced) {
        // a TLS failure that is not "plain HTTP": try HTTP, keep the reason
        notes.push(`TLS handshake failed: ${oneLine((e as Error).message, 160)}`);
        scheme = 'http';
      } else throw new InputError(`TLS handshake with ${target} failed: ${oneLine((e as Error).message, 160)}`);
    }
  }
  // the probes speak to the registry as it is (plain HTTP or unchecked TLS): the TLS verdict is above
  const base: RegistryClientOptions = { ...opts, insecureRegistries: [...(opts.insecureRegistries ?? []), target] };
  const anon = new RegistryClient(target, { ...base, anonymous: true });
  const url = `${scheme}://${target}/v2/`;
  try {
    // pin the scheme found above (the client would try HTTPS first for an insecure registry)
    anon.useEndpoint(new URL(`${scheme}://${target}/`));
    let pingHeaders: IncomingHttpHeaders | undefined;
    const ping = await probe(async () => {
      const r = await anon.ping();
      const body = await anon.transport.readBody(r, 64 * 1024, 'GET /v2/');
      pingHeaders = r.headers;
      return { status: r.status, body };
    });
    if (ping.status === undefined) throw new InputError(`${target} does not answer as a registry: ${ping.error}`);
    if (ping.status === 404 || (ping.status !== 200 && ping.status !== 401 && ping.status !== 403)) {
      throw new InputError(`${target} does not answer as a registry (GET /v2/ answered ${ping.status})`);
    }
    const headers = pingHeaders ?? {};
    const ch = parseChallenges(headers['www-authenticate'])[0];
    const pingEv: RegistryEvidence['ping'] = { status: ping.status };
    if (ch) pingEv.challenge = { scheme: ch.scheme, ...(ch.params.realm ? { realm: ch.params.realm } : {}), ...(ch.params.service ? { service: ch.params.service } : {}) };
    const apiVersion = headers['docker-distribution-api-version'];
    if (typeof apiVersion === 'string') pingEv.apiVersion = apiVersion;

    const catalog = await probe(async () => {
      const r = await anon.catalog();
      return { status: r.status, body: await anon.transport.readBody(r, 4 * 1024 * 1024, 'catalog') };
    });
    const catalogEv: RegistryEvidence['anonymous']['catalog'] = strip(catalog);
    const anonRepos = catalog.status === 200 ? repositoriesOf(catalog.body) : undefined;
    if (anonRepos) catalogEv.repositories = anonRepos;

    // credentials, when the user has them, to learn a repository and the delete setting
    let authed: RegistryEvidence['authenticated'];
    let authClient: RegistryClient | undefined = new RegistryClient(target, base);
    const creds = await authClient.auth.credentials();
    if (!creds) {
      authClient.close();
      authClient = undefined;
    } else {
      authClient.useEndpoint(new URL(`${scheme}://${target}/`));
      const c = await probe(async () => {
        const r = await authClient!.catalog();
        return { status: r.status, body: await authClient!.transport.readBody(r, 4 * 1024 * 1024, 'catalog') };
      });
      const ev: NonNullable<RegistryEvidence['authenticated']>['catalog'] = strip(c);
      const repos = c.status === 200 ? repositoriesOf(c.body) : undefined;
      if (repos) ev.repositories = repos;
      authed = { source: creds.source, catalog: ev, delete: { repository: '' } };
    }

    const repo = opts.repository ?? anonRepos?.[0] ?? authed?.catalog.repositories?.[0];
    let pull: RegistryEvidence['anonymous']['pull'];
    if (repo) {
      let reference: string | undefined;
      const tags = await probe(async () => {
        const r = await anon.request('GET', `/v2/${repo}/tags/list`, { scope: `repository:${repo}:pull`, kind: 'tags', what: `tags of ${repo}` });
        const body = await anon.transport.readBody(r, 4 * 1024 * 1024, `tags of ${repo}`);
        if (r.status === 200) {
          try {
            const t = (JSON.parse(body.toString('utf8')) as { tags?: unknown }).tags;
            if (Array.isArray(t) && typeof t[0] === 'string') reference = t[0];
          } catch {
            /* not JSON: the status says enough */
          }
        }
        return { status: r.status, body };
      });
      pull = { ...strip(tags), repository: repo };
      if (tags.status === 200 && reference) {
        const ref = reference;
        const head = await probe(async () => {
          const r = await anon.request('HEAD', `/v2/${repo}/manifests/${ref}`, { scope: `repository:${repo}:pull`, kind: 'manifest', what: `manifest ${repo}:${ref}`, headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
          r.discard();
          return { status: r.status };
        });
        pull = { ...strip(head), repository: repo, reference: ref };
      }
    } else {
      notes.push(`anonymous pull not evaluated: no repository known (the catalog ${catalog.status === 200 ? 'is empty' : 'is not readable'}); name one with --repo`);
    }

    // push: start an upload and cancel it at once
    const pushRepo = repo ?? PROBE_REPO;
    let cancelled: boolean | undefined;
    let cancelStatus: number | undefined;
    const push = await probe(async () => {
      const { res, location } = await anon.startUpload(pushRepo);
      const body = await anon.transport.readBody(res, 64 * 1024, `upload to ${pushRepo}`).catch(() => undefined);
      if (res.status === 202 && location) {
        cancelStatus = await anon.cancelUpload(pushRepo, location).catch(() => undefined);
        cancelled = cancelStatus === 204 || cancelStatus === 200 || cancelStatus === 202;
      }
      return { status: res.status, ...(body ? { body } : {}) };
    });
    const pushEv: RegistryEvidence['anonymous']['push'] = { ...strip(push), repository: pushRepo };
    if (cancelled !== undefined) pushEv.cancelled = cancelled;
    if (cancelStatus !== undefined) pushEv.cancelStatus = cancelStatus;
    if (push.status === 202 && !cancelled) notes.push(`the push probe's upload to ${pushRepo} could not be cancelled (status ${cancelStatus ?? 'none'}); the registry purges stale uploads on its own schedule`);

    const delRepo = repo ?? PROBE_REPO;
    const delProbe = (c: RegistryClient) =>
      probe(async () => {
        const r = await c.request('DELETE', `/v2/${delRepo}/manifests/${NO_SUCH_DIGEST}`, { scope: `repository:${delRepo}:delete`, kind: 'delete', what: `delete probe on ${delRepo}` });
        return { status: r.status, body: await c.transport.readBody(r, 64 * 1024, 'delete probe').catch(() => undefined) };
      });
    const del = { ...strip(await delProbe(anon)), repository: delRepo };
    if (authed && authClient) authed.delete = { ...strip(await delProbe(authClient)), repository: delRepo };
    authClient?.close();
    if (!authed && (del.status === 401 || del.status === 403)) notes.push('deletes not evaluated: the delete probe needs credentials on this registry (--username with --password-stdin, or docker login)');

    const ev: RegistryEvidence = {
      target,
      host,
      port,
      url,
      scheme,
      ping: pingEv,
      productHeaders: pick(headers),
      anonymous: { catalog: catalogEv, push: pushEv, delete: del, ...(pull ? { pull } : {}) },
      notes,
    };
    if (tlsEv) ev.tls = tlsEv;
    if (authed) ev.authenticated = authed;
    return ev;
  } finally {
    anon.close();
  }
}

function strip<T extends ProbeResult & { body?: Buffer }>(p: T): ProbeResult {
  const { body: _b, ...rest } = p;
  return rest;
}
