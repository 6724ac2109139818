/**
 * Which registries may be reached how, as docker decides it:
 *  - TLS trust: the system roots, plus `--ca-cert FILE`s, plus `/etc/docker/certs.d/<host[:port]>/*.crt`
 *    (a client certificate is `<name>.cert` with `<name>.key` in the same folder);
 *  - plain HTTP only for registries named with `--insecure-registry HOST[:PORT]` (or a CIDR of IP hosts).
 *    For those, as in docker, HTTPS is tried first without certificate checks, then HTTP.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { InputError } from '../core/errors.js';
import type { TlsSettings } from './http.js';
import { splitHostPort } from './reference.js';

export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

export interface TrustOptions {
  /** extra CA files (PEM) trusted for every registry */
  caCerts?: string[];
  /** default /etc/docker/certs.d; set '' to ignore it */
  certsDir?: string;
  /** HOST, HOST:PORT or an IPv4 CIDR */
  insecureRegistries?: string[];
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((a, p) => (a << 8) + Number(p), 0) >>> 0;
}

function inCidr(host: string, cidr: string): boolean {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  if (!m || isIP(host) !== 4) return false;
  const bits = Number(m[2]);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(host) & mask) === (ipv4ToInt(m[1]!) & mask);
}

export class Trust {
  private readonly extraCa: Buffer[] = [];
  private readonly certsDir: string;
  private readonly insecure: string[];
  private readonly cache = new Map<string, TlsSettings>();

  constructor(opts: TrustOptions = {}) {
    for (const f of opts.caCerts ?? []) {
      let pem: Buffer;
      try {
        pem = readFileSync(f);
      } catch (e) {
        throw new InputError(`--ca-cert ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      if (!pem.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) throw new InputError(`--ca-cert ${f}: not a PEM certificate`);
      this.extraCa.push(pem);
    }
    this.certsDir = opts.certsDir ?? DOCKER_CERTS_DIR;
    this.insecure = (opts.insecureRegistries ?? []).map((s) => s.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '')).filter(Boolean);
  }

  /** May `host[:port]` be reached over plain HTTP / without certificate checks? */
  isInsecure(registry: string): boolean {
    const r = registry.toLowerCase();
    const { host } = splitHostPort(r);
    return this.insecure.some((e) => e === r || (e === host && !/:\d+$/.test(e)) || (e.includes('/') && inCidr(host, e)));
  }

  /** TLS settings for a registry host[:port] (certs.d is read once per host). */
  tlsFor(registry: string): TlsSettings {
    const key = registry.toLowerCase();
    const hit = this.cache.get(key);
    if (hit) return hit;
    const ca = [...this.extraCa];
    let cert: Buffer | undefined;
    let keyPem: Buffer | undefined;
    if (this.certsDir) {
      const dir = join(this.certsDir, registry);
      let names: string[] = [];
      try {
        names = readdirSync(dir).sort();
      } catch {
        /* no folder for this registry */
      }
      for (const n of names) {
        try {
          if (n.endsWith('.crt')) ca.push(readFileSync(join(dir, n)));
          else if (n.endsWith('.cert')) {
            const k = join(dir, `${n.slice(0, -'.cert'.length)}.key`);
            cert = readFileSync(join(dir, n));
            keyPem = readFileSync(k);
          }
        } catch (e) {
          throw new InputError(`${join(dir, n)}: ${(e as Error).message}`);
        }
      }
    }
    const t: TlsSettings = { ca, verify: !this.isInsecure(registry) };
    if (cert && keyPem) {
      t.cert = cert;
      t.key = keyPem;
    }
    this.cache.set(key, t);
    return t;
  }
}
