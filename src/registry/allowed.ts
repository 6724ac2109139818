/**
 * The `allowedRegistries` policy: where images may come from. One list in `.bulwark.yaml` (top level,
 * or `--allowed-registries` on the command line) applies to the images containers run (`docker run` lines,
 * compose services, Kubernetes workloads, live containers: BW-REGISTRY-033) and, unless `build.allowedRegistries`
 * says otherwise, to the images Dockerfiles build from (BW-BUILD-061, hadolint's DL3026).
 *
 * An entry is one of:
 *   `*`                          any registry (the policy allows everything)
 *   `HOST[:PORT]`                one registry: `registry.example.com`, `127.0.0.1:5000`, `[::1]:5000`, `docker.io`
 *   `*.DOMAIN[:PORT]`            any subdomain of DOMAIN (not DOMAIN itself)
 *   `HOST[:PORT]/PATH`           only repositories under PATH: `docker.io/library` (official images), `ghcr.io/acme`
 *
 * Images are read as Docker reads them: a name with no registry is on Docker Hub (`alpine` is
 * `docker.io/library/alpine`), and Docker Hub's other names (`index.docker.io`, `registry-1.docker.io`,
 * `registry.hub.docker.com`, `hub.docker.com`) are `docker.io`. A port is part of the registry's name, as for
 * Docker: `registry.example.com` does not allow `registry.example.com:5000`. Tags and digests play no part.
 * Host names compare case-insensitively.
 */
import type { BulwarkConfig } from '../core/config.js';
import { InputError } from '../core/errors.js';
import { DOCKER_HUB, isValidRegistry, parseReference, splitHostPort } from './reference.js';

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export interface AllowedRegistry {
  /** the entry as written (for messages) */
  entry: string;
  kind: 'any' | 'host' | 'subdomain';
  /** host: the canonical registry (`docker.io`, `registry.example.com:5000`); subdomain: `.example.com` plus the port suffix */
  registry: string;
  /** the port a subdomain entry requires (`''` for none) */
  port?: string;
  /** repositories under this path only (`library`, `acme/team`) */
  path?: string;
}

/** The canonical name of a registry: lower case, Docker Hub's aliases as `docker.io`. */
export function canonicalRegistry(registry: string): string {
  const r = registry.toLowerCase();
  return HUB_ALIASES.has(r) ? DOCKER_HUB : r;
}

/** Parse and validate the entries; a bad one is a usage error naming `where` (the config file or the flag). */
export function parseAllowedRegistries(entries: readonly string[], where: string): AllowedRegistry[] {
  return entries.map((raw) => {
    const entry = String(raw).trim();
    const bad = (why: string): never => {
      throw new InputError(`${where}: allowed registry '${entry.length > 80 ? `${entry.slice(0, 80)}...` : entry}' ${why} (expected HOST[:PORT], *.DOMAIN or HOST[:PORT]/PATH)`);
    };
    if (!entry) bad('is empty');
    if (entry === '*') return { entry, kind: 'any', registry: '*' };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) bad('has a URL scheme; write the registry name only');
    const slash = entry.indexOf('/');
    const host = slash >= 0 ? entry.slice(0, slash) : entry;
    const path = slash >= 0 ? entry.slice(slash + 1).replace(/\/+$/, '') : undefined;
    if (path !== undefined && (!path || !path.split('/').every((c) => PATH_COMPONENT.test(c)))) bad('has an invalid repository path');
    if (host.startsWith('*.')) {
      const domain = host.slice(2);
      if (!domain || domain.includes('*') || !isValidRegistry(domain)) bad('is not a valid wildcard domain');
      const colon = domain.lastIndexOf(':');
      const port = colon > 0 ? domain.slice(colon + 1) : '';
      const name = colon > 0 ? domain.slice(0, colon) : domain;
      return { entry, kind: 'subdomain', registry: `.${name.toLowerCase()}`, port, ...(path ? { path } : {}) };
    }
    if (host.includes('*')) bad('may use * only as `*` or a leading `*.`');
    if (!isValidRegistry(host)) bad('is not a valid registry name');
    return { entry, kind: 'host', registry: canonicalRegistry(host), ...(path ? { path } : {}) };
  });
}

export interface ImageOrigin {
  /** canonical registry of the image */
  registry: string;
  /** repository path (`library/alpine` for Docker Hub official images) */
  repository: string;
}

/**
 * Where an image reference is pulled from, or undefined when it does not name a pullable image: a value left
 * uninterpolated (`${TAG}`, `$IMAGE`), an image ID (`sha256:...`, 64 hex digits), a name Docker would refuse.
 */
export function imageOrigin(image: string): ImageOrigin | undefined {
  const v = image.trim();
  if (!v || v.includes('$') || v.includes('{{')) return undefined;
  if (/^sha256:[a-f0-9]{64}$/i.test(v) || /^[a-f0-9]{64}$/i.test(v)) return undefined;
  try {
    const r = parseReference(v);
    return { registry: canonicalRegistry(r.registry), repository: r.repository };
  } catch {
    return undefined;
  }
}

/** The entry that allows `origin`, or undefined. */
export function allowedBy(origin: ImageOrigin, list: readonly AllowedRegistry[]): AllowedRegistry | undefined {
  return list.find((a) => {
    if (a.kind === 'any') return true;
    if (a.kind === 'host') {
      if (a.registry !== origin.registry) return false;
    } else {
      const { host, port } = splitHostPort(origin.registry);
      if (!host.endsWith(a.registry) || host.length === a.registry.length || String(port ?? '') !== a.port) return false;
    }
    return !a.path || origin.repository === a.path || origin.repository.startsWith(`${a.path}/`);
  });
}

/** The verdict on one image reference; undefined when the reference names no pullable image (see imageOrigin). */
export function checkAllowedImage(image: string, list: readonly AllowedRegistry[]): { allowed: boolean; origin: ImageOrigin } | undefined {
  const origin = imageOrigin(image);
  if (!origin) return undefined;
  return { allowed: allowedBy(origin, list) !== undefined, origin };
}

/** The list as the policy's messages show it. */
export function describeAllowed(list: readonly AllowedRegistry[]): string {
  const shown = list.slice(0, 8).map((a) => a.entry);
  return `${shown.join(', ')}${list.length > 8 ? `, and ${list.length - 8} more` : ''}`;
}

/**
 * The config with `--allowed-registries` applied (comma-separated, repeatable): the flag replaces the top-level
 * `allowedRegistries` and `build.allowedRegistries` both, so one flag sets the policy of every check.
 */
export function withAllowedRegistries(cfg: BulwarkConfig, flag?: readonly string[]): BulwarkConfig {
  if (!flag?.length) return cfg;
  const list = flag.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  parseAllowedRegistries(list, '--allowed-registries');
  const out: BulwarkConfig = { ...cfg, allowedRegistries: list };
  const build = (cfg as Record<string, unknown>).build;
  if (build && typeof build === 'object' && !Array.isArray(build)) {
    const { allowedRegistries: _dropped, ...rest } = build as Record<string, unknown>;
    void _dropped;
    (out as Record<string, unknown>).build = rest;
  }
  return out;
}

/** The policy in force: `allowedRegistries` in the config; undefined when unset or empty (every registry is allowed). */
export function registryPolicy(cfg: BulwarkConfig): AllowedRegistry[] | undefined {
  // an empty list sets no policy, as for hadolint's trustedRegistries
  if (!cfg.allowedRegistries?.length) return undefined;
  return parseAllowedRegistries(cfg.allowedRegistries, `config ${cfg.__path ?? '.bulwark.yaml'}`);
}
