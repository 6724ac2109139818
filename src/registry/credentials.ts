/**
 * Registry credentials, looked up the way the docker CLI does:
 *   1. --username with --password-stdin (for the registry of the image being read);
 *   2. ~/.docker/config.json (or $DOCKER_CONFIG/config.json): `credHelpers[registry]`, then `credsStore`,
 *      both through `docker-credential-<name> get` (the server URL on stdin, JSON on stdout), then
 *      `auths[registry]` (`auth` = base64 "user:password", or `identitytoken`).
 * Docker Hub's entries are keyed `https://index.docker.io/v1/`; other registries by host[:port], possibly
 * written as a URL. Secrets never appear in messages.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB, DOCKER_HUB_AUTH_KEY } from './reference.js';
import { oneLine } from './errors.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** an OAuth2 refresh token (docker login with an identity provider) */
  identityToken?: string;
  /** where they came from, for messages: "--username", "credHelpers (ecr-login)", "config.json auths" */
  source: string;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export interface CredentialOptions {
  /** the directory holding config.json (default $DOCKER_CONFIG, else ~/.docker) */
  dockerConfigDir?: string;
  /** explicit credentials for `forRegistry` (from --username / --password-stdin) */
  explicit?: { registry: string; username: string; password: string };
  /** timeout for a credential helper, ms (default 15 s) */
  helperTimeoutMs?: number;
  /** non-fatal problems (unreadable config, failing helper) are reported here */
  warn?: (msg: string) => void;
}

export function dockerConfigDir(explicit?: string): string {
  return explicit ?? process.env.DOCKER_CONFIG ?? join(homedir(), '.docker');
}

/** The key a registry's credentials are stored under, and the server URL handed to helpers. */
export function credentialKey(registry: string): string {
  return registry === DOCKER_HUB || registry === 'index.docker.io' || registry === 'registry-1.docker.io' ? DOCKER_HUB_AUTH_KEY : registry;
}

function hostOfKey(key: string): string {
  let k = key.trim();
  k = k.replace(/^[a-z]+:\/\//i, '');
  k = k.replace(/\/.*$/, '');
  return k.toLowerCase();
}

function readConfig(dir: string, warn?: (m: string) => void): DockerConfigFile | undefined {
  const p = join(dir, 'config.json');
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as unknown;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
    return doc as DockerConfigFile;
  } catch (e) {
    warn?.(`${p} is not valid JSON (${(e as Error).message}); its credentials are not used`);
    return undefined;
  }
}

/** Run `docker-credential-<helper> get` for a server URL. Undefined when it has nothing for it. */
export async function runCredentialHelper(helper: string, serverUrl: string, timeoutMs = 15_000): Promise<{ username: string; secret: string } | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) throw new Error(`invalid credential helper name '${oneLine(helper, 60)}'`);
  const bin = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['get'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outLen = 0;
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bin} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      outLen += c.length;
      if (outLen > 1024 * 1024) child.kill('SIGKILL');
      else out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 16) err.push(c);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error((e as NodeJS.ErrnoException).code === 'ENOENT' ? `${bin} is not installed (not on PATH)` : `${bin}: ${e.message}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverUrl);
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8');
      if (code !== 0) {
        const msg = Buffer.concat(err).toString('utf8') + text;
        if (/credentials not found/i.test(msg)) return resolve(undefined);
        return reject(new Error(`${bin} get failed (exit ${code}): ${oneLine(msg, 160)}`));
      }
      try {
        const doc = JSON.parse(text) as { Username?: unknown; Secret?: unknown };
        if (typeof doc.Username !== 'string' || typeof doc.Secret !== 'string') return reject(new Error(`${bin} returned no Username/Secret`));
        resolve({ username: doc.Username, secret: doc.Secret });
      } catch {
        reject(new Error(`${bin} returned invalid JSON`));
      }
    });
  });
}

function fromHelper(h: { username: string; secret: string }, source: string): Credentials {
  // a helper answers "<token>" as the user name for identity tokens
  if (h.username === '<token>') return { identityToken: h.secret, source };
  return { username: h.username, password: h.secret, source };
}

/** Credentials for a registry, or undefined (anonymous). */
export async function credentialsFor(registry: string, opts: CredentialOptions = {}): Promise<Credentials | undefined> {
  if (opts.explicit && hostOfKey(credentialKey(opts.explicit.registry)) === hostOfKey(credentialKey(registry))) {
    return { username: opts.explicit.username, password: opts.explicit.password, source: '--username/--password-stdin' };
  }
  const dir = dockerConfigDir(opts.dockerConfigDir);
  const cfg = readConfig(dir, opts.warn);
  if (!cfg) return undefined;
  const key = credentialKey(registry);
  const host = hostOfKey(key);
  const helperFor = Object.entries(cfg.credHelpers ?? {}).find(([k]) => hostOfKey(k) === host)?.[1];
  for (const [helper, source] of [
    [helperFor, `credHelpers (docker-credential-${helperFor})`],
    [cfg.credsStore, `credsStore (docker-credential-${cfg.credsStore})`],
  ] as const) {
    if (!helper || typeof helper !== 'string') continue;
    try {
      const h = await runCredentialHelper(helper, key, opts.helperTimeoutMs);
      if (h) return fromHelper(h, source);
    } catch (e) {
      opts.warn?.(`credentials for ${registry}: ${(e as Error).message}`);
    }
    if (helper === helperFor) return undefined; // a registry-specific helper is authoritative, as in docker
  }
  const entry = Object.entries(cfg.auths ?? {}).find(([k]) => hostOfKey(k) === host)?.[1];
  if (!entry || typeof entry !== 'object') return undefined;
  const source = `${join(dir, 'config.json')} auths`;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) return { identityToken: entry.identitytoken, source };
  if (typeof entry.auth === 'string' && entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i <= 0) {
      opts.warn?.(`${source}: the entry for ${registry} is not base64 "user:password"; ignored`);
      return undefined;
    }
    return { username: decoded.slice(0, i), password: decoded.slice(i + 1), source };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password, source };
  return undefined;
}
