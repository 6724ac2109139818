/**
 * Image references as Docker reads them (the grammar of distribution/reference):
 *
 *   [DOMAIN[:PORT]/]PATH[:TAG][@ALGO:HEX]
 *
 * The first path component is a registry domain when it contains '.' or ':' or is 'localhost' (and has no
 * upper-case letters); otherwise the image lives on Docker Hub (`docker.io`, with `library/` added to one-part
 * names). `registry-1.docker.io` is where Docker Hub's API answers, `https://index.docker.io/v1/` is the key
 * Docker Hub credentials are stored under in ~/.docker/config.json.
 */
import { InputError } from '../core/errors.js';

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API = 'registry-1.docker.io';
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const MAX_NAME = 255;

export interface ImageReference {
  /** registry as written: `docker.io`, `127.0.0.1:5000`, `ghcr.io`, `[::1]:5000` */
  registry: string;
  /** repository path: `library/alpine`, `team/app` */
  repository: string;
  tag?: string;
  /** `sha256:...` when the reference pins a digest */
  digest?: string;
  /** true when the user wrote no registry (Docker Hub was assumed) */
  implicitRegistry: boolean;
}

/** The host[:port] the HTTP API answers on (Docker Hub's API is not on docker.io itself). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB || registry === 'index.docker.io' ? DOCKER_HUB_API : registry;
}

/** `host` and `port` of a registry name (`[::1]:5000` -> `::1`, 5000). */
export function splitHostPort(registry: string): { host: string; port?: number } {
  const m = /^\[([0-9a-fA-F:]+)\](?::(\d+))?$/.exec(registry);
  if (m) return m[2] ? { host: m[1]!, port: Number(m[2]) } : { host: m[1]! };
  const i = registry.lastIndexOf(':');
  if (i > 0 && /^\d+$/.test(registry.slice(i + 1))) return { host: registry.slice(0, i), port: Number(registry.slice(i + 1)) };
  return { host: registry };
}

export function isValidRegistry(registry: string): boolean {
  const { host, port } = splitHostPort(registry);
  if (port !== undefined && (port < 1 || port > 65535)) return false;
  if (registry.startsWith('[')) return /^\[[0-9a-fA-F:]+\](:\d+)?$/.test(registry) && host.includes(':');
  if (host.includes(':')) return false; // IPv6 needs brackets
  return host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
}

/**
 * Parse a reference. Throws InputError with the reason when it is not a valid image reference.
 * `defaultTag` is applied when neither a tag nor a digest is given.
 */
export function parseReference(input: string, opts: { defaultTag?: string } = {}): ImageReference {
  const ref = input.trim();
  if (!ref) throw new InputError('empty image reference');
  if (ref.length > 4096) throw new InputError('image reference is too long');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InputError(`invalid digest '${digest}' in '${input}' (expected e.g. sha256:<64 hex digits>)`);
    const [algo, hex] = digest.split(':') as [string, string];
    if (algo === 'sha256' && !/^[a-f0-9]{64}$/.test(hex)) throw new InputError(`invalid sha256 digest in '${input}' (64 lower-case hex digits)`);
    if (algo === 'sha512' && !/^[a-f0-9]{128}$/.test(hex)) throw new InputError(`invalid sha512 digest in '${input}'`);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InputError(`invalid tag '${tag}' in '${input}'`);
  }
  let registry = DOCKER_HUB;
  let path = rest;
  let implicitRegistry = true;
  const firstSlash = rest.indexOf('/');
  if (firstSlash > 0) {
    const first = rest.slice(0, firstSlash);
    // Docker's rule: a domain has a '.' or a ':', is 'localhost', or has upper-case letters (then it must be a valid host)
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[') || first.toLowerCase() !== first) {
      if (!isValidRegistry(first)) throw new InputError(`invalid registry '${first}' in '${input}'`);
      registry = first;
      path = rest.slice(firstSlash + 1);
      implicitRegistry = false;
    }
  }
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  if (!path) throw new InputError(`'${input}' names no repository`);
  if (path.length > MAX_NAME) throw new InputError(`repository name in '${input}' is longer than ${MAX_NAME} characters`);
  for (const c of path.split('/')) {
    if (!COMPONENT.test(c)) {
      const hint = c.toLowerCase() !== c ? ' (repository names must be lower case)' : '';
      throw new InputError(`invalid repository name '${path}' in '${input}'${hint}`);
    }
  }
  if (implicitRegistry && /^[a-f0-9]{64}$/.test(path)) throw new InputError(`'${input}' is a 64-digit hexadecimal string, which cannot be a repository name (an image ID?)`);
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  const out: ImageReference = { registry, repository: path, implicitRegistry };
  if (tag) out.tag = tag;
  if (digest) out.digest = digest;
  if (!tag && !digest && opts.defaultTag) out.tag = opts.defaultTag;
  return out;
}

/** The reference as Docker would print it in full: `docker.io/library/alpine:3.20`, `host:5000/app@sha256:...`. */
export function formatReference(r: ImageReference): string {
  return `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** The short name Docker shows (`alpine:3.20` for Docker Hub official images). */
export function familiarName(r: ImageReference): string {
  const name = r.registry !== DOCKER_HUB ? `${r.registry}/${r.repository}` : /^library\/[^/]+$/.test(r.repository) ? r.repository.slice('library/'.length) : r.repository;
  return `${name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** What the manifest endpoint is asked for: the digest when pinned, else the tag. */
export function manifestRef(r: ImageReference): string {
  return r.digest ?? r.tag ?? 'latest';
}

/**
 * True when `ref` names a registry explicitly (`host.tld/...`, `host:port/...`, `localhost/...`), i.e. it can
 * only be a registry image, never a bare name for the local engine.
 */
export function hasExplicitRegistry(ref: string): boolean {
  const firstSlash = ref.indexOf('/');
  if (firstSlash <= 0) return false;
  const first = ref.slice(0, firstSlash);
  return (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[') || first.toLowerCase() !== first) && isValidRegistry(first);
}
