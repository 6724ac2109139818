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

/** Parse a purl (the inverse of formatPurl); undefined when it is not one. */
export function parsePurl(purl: string): PurlParts | undefined {
  const m = /^pkg:([A-Za-z][A-Za-z0-9.+-]*)\/([^?#@]*?)(?:@([^?#]*))?(?:\?([^#]*))?(?:#(.*))?$/.exec(purl.trim());
  if (!m) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const segs = m[2]!.split('/').filter(Boolean).map(dec);
  const name = segs.pop();
  if (!name) return undefined;
  const qualifiers: Record<string, string> = {};
  for (const kv of (m[4] ?? '').split('&')) {
    if (!kv) continue;
    const eq = kv.indexOf('=');
    if (eq > 0) qualifiers[kv.slice(0, eq).toLowerCase()] = dec(kv.slice(eq + 1));
  }
  return {
    type: m[1]!.toLowerCase(),
    ...(segs.length ? { namespace: segs.join('/') } : {}),
    name,
    ...(m[3] !== undefined ? { version: dec(m[3]) } : {}),
    qualifiers,
    ...(m[5] ? { subpath: m[5] } : {}),
  };
}
