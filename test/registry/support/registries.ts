/**
 * Real registries for the tests: Debian's docker-registry (distribution 2.8) started on 127.0.0.1 with a
 * port chosen by the kernel, its own config file and storage directory, and stopped (its process and its
 * files) when the test ends. Certificates come from a throw-away CA made with openssl; the token service
 * for bearer authentication is a small HTTPS server here that signs ES256 JWTs the registry verifies
 * against the certificate it is configured with (distribution's token spec; key IDs in libtrust form).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../../support/tmp.js';
import type { RegistryClient } from '../../../src/registry/client.js';
import { MT } from '../../../src/registry/manifest.js';

const execFileAsync = promisify(execFile);

export const USER = 'alice';
export const PASSWORD = 's3cret-pass';

export function haveRegistryTools(): string | undefined {
  for (const bin of ['docker-registry', 'openssl', 'htpasswd', 'skopeo']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    } catch {
      return `${bin} is not installed`;
    }
  }
  return undefined;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface Pki {
  dir: string;
  caCert: string;
  /** leaf for IP 127.0.0.1 signed by the CA, valid one year */
  good: { cert: string; key: string };
  /** leaf for IP 127.0.0.1 signed by the CA, expired yesterday */
  expired: { cert: string; key: string };
  /** self-signed, for DNS registry.invalid only, expiring in 10 days */
  weak: { cert: string; key: string };
}

/** A CA and three server certificates, made with openssl (P-256 keys). */
export function makePki(): Pki {
  const dir = tempDir('bw-reg-pki-');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=Bulwark Test CA'], dir);
  writeFileSync(join(dir, 'ip.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const leaf = (name: string, days: string) => {
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=127.0.0.1'], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', days, '-extfile', 'ip.ext', '-out', `${name}.crt`], dir);
    return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  };
  const good = leaf('good', '365');
  const expired = leaf('expired', '-1');
  openssl(['req', '-x509', ...ec, '-keyout', 'weak.key', '-out', 'weak.crt', '-days', '10', '-subj', '/CN=registry.invalid', '-addext', 'subjectAltName=DNS:registry.invalid'], dir);
  return { dir, caCert: join(dir, 'ca.crt'), good, expired, weak: { cert: join(dir, 'weak.crt'), key: join(dir, 'weak.key') } };
}

export interface RegistryConfig {
  tls?: { cert: string; key: string; minimumtls?: string; ciphersuites?: string[] };
  htpasswd?: boolean;
  token?: { realm: string; service: string; issuer: string; rootcertbundle: string };
  deletes?: boolean;
  headers?: Record<string, string[]>;
}

export interface RunningRegistry {
  /** 127.0.0.1:PORT */
  addr: string;
  port: number;
  dir: string;
  storage: string;
  stop(): Promise<void>;
}

function yamlList(items: string[], indent: string): string {
  return items.map((i) => `${indent}- ${JSON.stringify(i)}`).join('\n');
}

/** Start docker-registry with its own config and storage; resolves once it listens. */
export async function startRegistry(cfg: RegistryConfig): Promise<RunningRegistry> {
  const dir = tempDir('bw-reg-');
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const lines = ['version: 0.1', 'log:', '  level: info', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${storage}`, '  delete:', `    enabled: ${cfg.deletes ? 'true' : 'false'}`, 'http:', '  addr: 127.0.0.1:0', `  secret: ${randomBytes(16).toString('hex')}`];
  if (cfg.headers) {
    lines.push('  headers:');
    for (const [k, v] of Object.entries(cfg.headers)) lines.push(`    ${k}:`, yamlList(v, '      '));
  }
  if (cfg.tls) {
    lines.push('  tls:', `    certificate: ${cfg.tls.cert}`, `    key: ${cfg.tls.key}`);
    if (cfg.tls.minimumtls) lines.push(`    minimumtls: ${cfg.tls.minimumtls}`);
    if (cfg.tls.ciphersuites) lines.push('    ciphersuites:', yamlList(cfg.tls.ciphersuites, '      '));
  }
  if (cfg.htpasswd) {
    const file = join(dir, 'htpasswd');
    writeFileSync(file, execFileSync('htpasswd', ['-Bbn', USER, PASSWORD], { encoding: 'utf8' }));
    lines.push('auth:', '  htpasswd:', '    realm: bulwark-test', `    path: ${file}`);
  } else if (cfg.token) {
    lines.push('auth:', '  token:', `    realm: ${cfg.token.realm}`, `    service: ${cfg.token.service}`, `    issuer: ${cfg.token.issuer}`, `    rootcertbundle: ${cfg.token.rootcertbundle}`);
  }
  const config = join(dir, 'config.yml');
  writeFileSync(config, lines.join('\n') + '\n');
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`docker-registry did not start within 20 s:\n${log.slice(-2000)}`));
    }, 20_000);
    const onData = (c: Buffer) => {
      log += c.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`docker-registry exited with ${code}:\n${log.slice(-2000)}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  child.removeAllListeners('exit');
  return {
    addr: `127.0.0.1:${port}`,
    port,
    dir,
    storage,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// token service (distribution's token authentication)

function base32(b: Buffer): string {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alpha[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alpha[(value << (5 - bits)) & 31];
  return out;
}

/** libtrust's key ID: base32 of the first 240 bits of SHA-256(DER SubjectPublicKeyInfo), in groups of 4. */
export function libtrustKeyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const s = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return s.match(/.{1,4}/g)!.join(':');
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export interface TokenService {
  realm: string;
  service: string;
  issuer: string;
  rootcertbundle: string;
  /** tokens issued so far */
  issued: number;
  stop(): Promise<void>;
}

/** An HTTPS token service granting what is asked to alice (basic auth), nothing to anyone else. */
export async function startTokenService(pki: Pki): Promise<TokenService> {
  const dir = tempDir('bw-reg-token-');
  // the signing key and its certificate (the registry's rootcertbundle)
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'sign.key', '-out', 'sign.crt', '-days', '30', '-subj', '/CN=bulwark token signer'], dir);
  const signKey = createPrivateKey(readFileSync(join(dir, 'sign.key')));
  const kid = libtrustKeyId(createPublicKey(signKey).export({ type: 'spki', format: 'pem' }).toString());
  const service = 'bulwark-test-registry';
  const issuer = 'bulwark-test-issuer';
  const svc: TokenService = { realm: '', service, issuer, rootcertbundle: join(dir, 'sign.crt'), issued: 0, stop: async () => undefined };
  const server = https.createServer({ cert: readFileSync(pki.good.cert), key: readFileSync(pki.good.key) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const auth = req.headers.authorization ?? '';
    const ok = auth === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    if (url.pathname !== '/token' || !ok) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const access = url.searchParams.getAll('scope').flatMap((s) => {
      const [type, ...rest] = s.split(':');
      const actions = rest.pop() ?? '';
      return [{ type, name: rest.join(':'), actions: actions.split(',').filter(Boolean) }];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: USER, aud: url.searchParams.get('service') ?? service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access }));
    const sig = cryptoSign('sha256', Buffer.from(`${header}.${claims}`), { key: signKey, dsaEncoding: 'ieee-p1363' });
    svc.issued++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: `${header}.${claims}.${b64url(sig)}`, expires_in: 300 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  svc.realm = `https://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  svc.stop = () => new Promise((r) => server.close(() => r()));
  return svc;
}

/** skopeo copy with the given flags (asynchronous: in-process servers keep answering meanwhile). */
export async function skopeoCopy(from: string, to: string, flags: string[] = []): Promise<void> {
  await execFileAsync('skopeo', ['copy', '--quiet', ...flags, from, to], { timeout: 180_000 });
}

/**
 * Make `repo:tag` of the registry `client` talks to a two-platform OCI index: its linux/amd64 entry is the image
 * manifest already at `repo:from`, its linux/arm64/v8 entry the same layers under a config that says arm64
 * (pushed as `repo:arm`). Returns the three manifest digests.
 */
export async function pushTwoPlatformIndex(client: RegistryClient, repo: string, from: string, tag: string): Promise<{ amd64: string; arm64: string; index: string }> {
  const m = await client.manifest(repo, from);
  const doc = m.doc as unknown as { config: { digest: string; size: number; mediaType: string } };
  const cfg = JSON.parse((await client.blobBytes(repo, doc.config.digest, 'config')).toString());
  cfg.architecture = 'arm64';
  cfg.variant = 'v8';
  const cfgBuf = Buffer.from(JSON.stringify(cfg));
  const cfgDigest = await client.pushBlob(repo, cfgBuf);
  const arm = Buffer.from(JSON.stringify({ ...JSON.parse(m.body.toString()), config: { ...doc.config, digest: cfgDigest, size: cfgBuf.length } }));
  const arm64 = await client.pushManifest(repo, 'arm', arm, m.mediaType);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociIndex,
      manifests: [
        { mediaType: m.mediaType, digest: m.digest, size: m.body.length, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: m.mediaType, digest: arm64, size: arm.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    }),
  );
  return { amd64: m.digest, arm64, index: await client.pushManifest(repo, tag, index, MT.ociIndex) };
}
