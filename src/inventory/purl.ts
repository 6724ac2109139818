/**
 * Package URLs (https://github.com/package-url/purl-spec) for the ecosystems Bulwark inventories.
 * Rules per type:
 *  - deb/apk/rpm: namespace = distro vendor (os-release ID); qualifiers arch, distro (`debian-12`, `alpine-3.20.3`),
 *    rpm epoch as `epoch=` qualifier (the version is VERSION-RELEASE); deb keeps an epoch inside the version.
 *  - npm: scope is the namespace (`@scope` percent-encoded as `%40scope`), name as published.
 *  - pypi: name lower-cased with '_' -> '-' (PEP 503 normalised).
 *  - golang: namespace/name = the module path split on '/', lower-case kept as is; `stdlib` for the toolchain.
 *  - maven: namespace = groupId, name = artifactId.
 *  - composer: namespace = vendor, name = package; gem and cargo: the name as published.
 */
import type { Ecosystem, OsInfo, Package } from './types.js';
import { wellFormed } from '../core/unicode.js';

/** Percent-encode one purl segment/value. ':' may stay literal (purl spec), everything unsafe is encoded. */
export function purlEncode(s: string): string {
  // a lone UTF-16 surrogate (a JSON \ud800 escape in package.json) cannot be percent-encoded: U+FFFD stands in
  return encodeURIComponent(wellFormed(s)).replace(/%3A/gi, ':');
}

export interface PurlParts {
  type: Ecosystem | string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers?: Record<string, string | undefined>;
  subpath?: string;
}

export function formatPurl(p: PurlParts): string {
  let out = `pkg:${p.type}/`;
  if (p.namespace) out += p.namespace.split('/').filter(Boolean).map(purlEncode).join('/') + '/';
  out += purlEncode(p.name);
  if (p.version) out += '@' + purlEncode(p.version);
  const q = Object.entries(p.qualifiers ?? {})
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (q.length) out += '?' + q.map(([k, v]) => `${k.toLowerCase()}=${purlEncode(v)}`).join('&');
  if (p.subpath) out += '#' + p.subpath.split('/').filter((s) => s && s !== '.' && s !== '..').map(purlEncode).join('/');
  return out;
}

/** PEP 503 normalised name. */
export function pep503(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** distro qualifier: `debian-12`, `ubuntu-22.04`, `alpine-3.20.3`. */
export function distroQualifier(os: OsInfo | undefined): string | undefined {
  if (!os?.id) return undefined;
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}

/** os-release IDs whose purl namespace is the vendor's usual name (as Trivy and Syft write them). */
const NAMESPACE: Record<string, string> = {
  rhel: 'redhat', ol: 'oracle', amzn: 'amazon', sles: 'suse', 'sles_sap': 'suse', 'opensuse-leap': 'opensuse', 'opensuse-tumbleweed': 'opensuse',
};

function vendor(os: OsInfo | undefined, fallback: string | undefined): string | undefined {
  if (!os?.id || os.id === 'unknown') return fallback;
  return NAMESPACE[os.id] ?? os.id;
}

export function purlFor(pkg: Omit<Package, 'purl'> | Package, os?: OsInfo): string {
  switch (pkg.ecosystem) {
    case 'deb':
      return formatPurl({
        type: 'deb',
        namespace: vendor(os, 'debian'),
        name: pkg.name,
        version: pkg.version,
        qualifiers: { arch: pkg.arch, distro: distroQualifier(os) },
      });
    case 'apk':
      return formatPurl({
        type: 'apk',
        namespace: vendor(os, 'alpine'),
        name: pkg.name,
        version: pkg.version,
        qualifiers: { arch: pkg.arch, distro: distroQualifier(os) },
      });
    case 'rpm': {
      const version = pkg.release ? `${pkg.version}-${pkg.release}` : pkg.version;
      return formatPurl({
        type: 'rpm',
        namespace: vendor(os, undefined),
        name: pkg.name,
        version,
        qualifiers: { arch: pkg.arch, epoch: pkg.epoch ? String(pkg.epoch) : undefined, distro: distroQualifier(os) },
      });
    }
    case 'npm': {
      const m = /^(@[^/]+)\/(.+)$/.exec(pkg.name);
      return formatPurl({ type: 'npm', namespace: m ? m[1] : undefined, name: m ? m[2]! : pkg.name, version: pkg.version });
    }
    case 'pypi':
      return formatPurl({ type: 'pypi', name: pep503(pkg.name), version: pkg.version });
    case 'golang': {
      const parts = pkg.name.split('/');
      const name = parts.pop()!;
      return formatPurl({ type: 'golang', namespace: parts.join('/') || undefined, name, version: pkg.version });
    }
    case 'maven': {
      const i = pkg.name.indexOf(':');
      return i > 0
        ? formatPurl({ type: 'maven', namespace: pkg.name.slice(0, i), name: pkg.name.slice(i + 1), version: pkg.version })
        : formatPurl({ type: 'maven', name: pkg.name, version: pkg.version });
    }
    case 'composer': {
      const i = pkg.name.indexOf('/');
      return i > 0
        ? formatPurl({ type: 'composer', namespace: pkg.name.slice(0, i), name: pkg.name.slice(i + 1), version: pkg.version })
        : formatPurl({ type: 'composer', name: pkg.name, version: pkg.version });
    }
    default:
      return formatPurl({ type: String(pkg.ecosystem), name: pkg.name, version: pkg.version });
  }
}

const LOWERCASE_NAMESPACE = new Set(['apk', 'deb', 'rpm', 'bitbucket', 'github', 'alpm']);
const LOWERCASE_NAME = new Set(['apk', 'deb', 'bitbucket', 'github', 'alpm']);

function purlDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a stray '%' is kept as written
  }
}

/**
 * Parse a package URL (purl-spec "How to parse"): `pkg:type/namespace/name@version?qualifiers#subpath`.
 * Returns undefined for a string that is not a purl. Linear in the length of the string.
 */
export function parsePurl(s: string): PurlParts | undefined {
  if (typeof s !== 'string' || s.length > 4096 || !/^pkg:/i.test(s)) return undefined;
  let rest = s.slice(4).replace(/^\/+/, '');
  let subpath: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    subpath = rest.slice(hash + 1).split('/').filter((x) => x && x !== '.' && x !== '..').map(purlDecode).join('/') || undefined;
    rest = rest.slice(0, hash);
  }
  let qualifiers: Record<string, string> | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) {
    qualifiers = {};
    for (const kv of rest.slice(q + 1).split('&')) {
      const eq = kv.indexOf('=');
      if (eq <= 0) continue;
      const key = kv.slice(0, eq);
      // keys are ASCII letters, digits, '.', '-', '_' and do not start with a digit (case is folded, not refused)
      if (!/^[A-Za-z._-][A-Za-z0-9._-]*$/.test(key)) return undefined;
      const v = purlDecode(kv.slice(eq + 1));
      if (v) qualifiers[key.toLowerCase()] = v;
    }
    rest = rest.slice(0, q);
  }
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const type = rest.slice(0, slash).toLowerCase();
  if (!/^[a-z.+-][a-z0-9.+-]*$/.test(type) || type.startsWith('.') || type.startsWith('+') || type.startsWith('-')) return undefined;
  rest = rest.slice(slash + 1).replace(/\/+$/, '');
  // the version follows the last '@' after the last '/' (a literal '@scope' namespace is not a version)
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at > rest.lastIndexOf('/')) {
    version = purlDecode(rest.slice(at + 1)) || undefined;
    rest = rest.slice(0, at);
  }
  const segs = rest.split('/').filter(Boolean).map(purlDecode);
  let name = segs.pop();
  if (!name) return undefined;
  // the type-specific case rules of the purl-spec types Bulwark reads (and the two hosting types it lists)
  if (LOWERCASE_NAMESPACE.has(type)) segs.forEach((x, i) => (segs[i] = x.toLowerCase()));
  if (LOWERCASE_NAME.has(type)) name = name.toLowerCase();
  if (type === 'pypi') name = name.toLowerCase().replace(/_/g, '-');
  return { type, ...(segs.length ? { namespace: segs.join('/') } : {}), name, ...(version ? { version } : {}), ...(qualifiers ? { qualifiers } : {}), ...(subpath ? { subpath } : {}) };
}
