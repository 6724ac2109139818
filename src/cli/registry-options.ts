/**
 * The registry options shared by every command that reads images (`image`, `sbom`, `registry`):
 * trust (--ca-cert, --insecure-registry), credentials (--username with --password-stdin; otherwise
 * ~/.docker/config.json as docker uses it) and the network timeout.
 */
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import type { RegistryOptions } from '../sources/registry.js';

export interface RegistryCliOptions {
  insecureRegistry?: string[];
  caCert?: string[];
  username?: string;
  passwordStdin?: boolean;
  registryTimeout?: string;
}

const collect = (v: string, acc: string[] = []) => [...acc, v];

/** `--key` and `--require-signature`, for commands that read one image. */
export function addSignatureOptions(cmd: Command): Command {
  return cmd
    .option('--key <cosign.pub>', 'verify the image\'s cosign signature with this public key (registry references)')
    .option('--require-signature', 'fail (exit code 1, or --exit-code) unless the image has a valid signature for --key');
}

export interface SignatureCliOptions {
  key?: string;
  requireSignature?: boolean;
}

/** How registries are reached: --insecure-registry, --ca-cert, --registry-timeout (also `bulwark serve`'s). */
export function addRegistryTrustOptions(cmd: Command): Command {
  return cmd
    .option('--insecure-registry <host[:port]>', 'allow plain HTTP (and unchecked TLS) for this registry; repeatable', collect)
    .option('--ca-cert <file>', 'trust this CA (PEM) for registries, besides the system roots and /etc/docker/certs.d/HOST/ca.crt; repeatable', collect)
    .option('--registry-timeout <seconds>', 'registry connect/response timeout in seconds (default 30)');
}

/** The trust options plus credentials (--username with --password-stdin), for the commands that read images. */
export function addRegistryOptions(cmd: Command): Command {
  return addRegistryTrustOptions(cmd)
    .option('--username <user>', 'registry user name (with --password-stdin); default: the credentials of ~/.docker/config.json')
    .option('--password-stdin', 'read the registry password or token from standard input');
}

async function readStdin(cap = 64 * 1024): Promise<string> {
  if (process.stdin.isTTY) throw new InputError('--password-stdin: standard input is a terminal; pipe the password in (e.g. echo "$TOKEN" | bulwark ...)');
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of process.stdin) {
    n += (c as Buffer).length;
    if (n > cap) throw new InputError('--password-stdin: more than 64 KiB on standard input');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * The registry host a reference (or a bare `HOST[:PORT]`) names. (The registry modules load here and for
 * --ca-cert, not for every command that reads an image.)
 */
export async function registryOf(target: string): Promise<string | undefined> {
  const [{ hasExplicitRegistry, parseReference }, { registryRefBody }] = await Promise.all([import('../registry/reference.js'), import('../sources/registry.js')]);
  const body = registryRefBody(target);
  if (/^[A-Za-z0-9.-]+(:\d+)?$/.test(body) && (body.includes('.') || body.includes(':') || body === 'localhost')) return body;
  try {
    return parseReference(body).registry;
  } catch {
    return hasExplicitRegistry(body) ? body.split('/')[0] : undefined;
  }
}

/** Turn the flags into RegistryOptions; `target` is the image reference or registry the credentials are for. */
export async function registryOptionsFrom(opts: RegistryCliOptions, target: string | undefined, extra: { noCache?: boolean; warn?: (m: string) => void } = {}): Promise<RegistryOptions> {
  const out: RegistryOptions = {};
  if (opts.insecureRegistry?.length) out.insecureRegistries = opts.insecureRegistry;
  if (opts.caCert?.length) {
    out.caCerts = opts.caCert;
    const { Trust } = await import('../registry/trust.js');
    new Trust({ caCerts: opts.caCert }); // an unreadable or non-PEM file fails now, before any request
  }
  if (opts.registryTimeout !== undefined) {
    const s = Number(opts.registryTimeout);
    if (!(s > 0) || s > 3600) throw new InputError(`--registry-timeout takes seconds between 0 and 3600, got '${opts.registryTimeout}'`);
    out.transport = { timeoutMs: s * 1000, idleTimeoutMs: Math.max(s * 1000, 5000), documentTimeoutMs: Math.max(s * 2000, 5000) };
  }
  if (opts.passwordStdin && !opts.username) throw new InputError('--password-stdin needs --username');
  if (opts.username && !opts.passwordStdin) throw new InputError('--username needs --password-stdin (the password is never taken on the command line)');
  if (opts.username) {
    const registry = target ? await registryOf(target) : undefined;
    if (!registry) throw new InputError('--username: cannot tell which registry the credentials are for');
    const password = await readStdin();
    if (!password) throw new InputError('--password-stdin: standard input was empty');
    out.credentials = { explicit: { registry, username: opts.username, password } };
  }
  if (extra.noCache) out.noCache = true;
  if (extra.warn) out.warn = extra.warn;
  return out;
}
