/**
 * An SBOM as an inventory: CycloneDX (1.4-1.6) or SPDX (2.2/2.3) JSON in, an InventoryReport out, so an SBOM
 * is matched like an image's own inventory. Packages are read from their purls (deb, apk, rpm, npm, pypi,
 * golang, maven); Bulwark's own SBOM properties (source package, path, layer, arch) are read back when present.
 * The OS comes from the operating-system component / package, else from the purls' `distro` qualifier.
 * Bounded: at most MAX_SBOM_PACKAGES packages; anything else in the document is ignored, never trusted.
 */
import { InputError } from '../core/errors.js';
import type { Ecosystem, InventoryReport, OsInfo, Package } from './types.js';
import { parsePurl, pep503, type PurlParts } from './purl.js';

export const MAX_SBOM_PACKAGES = 200_000;

const ECOSYSTEMS: Record<string, Ecosystem> = { deb: 'deb', apk: 'apk', alpine: 'apk', rpm: 'rpm', npm: 'npm', pypi: 'pypi', golang: 'golang', maven: 'maven' };
const OS_TYPES = new Set(['deb', 'apk', 'rpm']);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 4096 ? v : undefined);

export function sbomFormat(doc: unknown): 'cyclonedx' | 'spdx' | undefined {
  if (!isObj(doc)) return undefined;
  if (doc.bomFormat === 'CycloneDX') return 'cyclonedx';
  if (typeof doc.spdxVersion === 'string' && doc.spdxVersion.startsWith('SPDX-')) return 'spdx';
  return undefined;
}

/** os-release style facts from a `distro` qualifier: `debian-12`, `alpine-3.20.3`, `ubuntu-22.04`, `rhel-9.2`. */
function osFromDistro(distro: string | undefined, vendor: string | undefined): Omit<OsInfo, 'evidence'> | undefined {
  if (!distro) return vendor ? { id: vendor.toLowerCase() } : undefined;
  const m = /^([a-z][a-z0-9._]*?)-(\d[\w.]*)$/i.exec(distro);
  if (m) return { id: m[1]!.toLowerCase(), versionId: m[2]! };
  if (vendor) return { id: vendor.toLowerCase(), codename: distro };
  return undefined;
}

interface Extra {
  sourceName?: string;
  sourceVersion?: string;
  path?: string;
  arch?: string;
  layerIndex?: number;
  layerDigest?: string;
  fromLockfile?: boolean;
}

function packageFrom(purl: PurlParts, extra: Extra, fallbackName: string | undefined, fallbackVersion: string | undefined, raw: string): Package | undefined {
  const eco = ECOSYSTEMS[String(purl.type)];
  if (!eco) return undefined;
  let name = purl.name;
  if (eco === 'npm' && purl.namespace) name = `${purl.namespace}/${purl.name}`;
  else if (eco === 'golang' && purl.namespace) name = `${purl.namespace}/${purl.name}`;
  else if (eco === 'maven' && purl.namespace) name = `${purl.namespace}:${purl.name}`;
  else if (eco === 'pypi') name = pep503(purl.name);
  const version = purl.version ?? fallbackVersion ?? '';
  if (!name && !fallbackName) return undefined;
  const q = purl.qualifiers ?? {};
  const p: Package = { name: name || fallbackName!, version, ecosystem: eco, purl: raw, path: extra.path ?? '' };
  const upstream = q.upstream ?? q['source'];
  const src = extra.sourceName ?? (upstream ? upstream.split('@')[0] : undefined);
  if (src) p.sourceName = src;
  const srcVersion = extra.sourceVersion ?? (upstream?.includes('@') ? upstream.split('@')[1] : undefined);
  if (srcVersion) p.sourceVersion = srcVersion;
  const arch = extra.arch ?? q.arch;
  if (arch) p.arch = arch;
  if (eco === 'rpm' && q.epoch && /^\d+$/.test(q.epoch)) p.epoch = Number(q.epoch);
  if (extra.layerIndex !== undefined) p.layerIndex = extra.layerIndex;
  if (extra.layerDigest) p.layerDigest = extra.layerDigest;
  if (extra.fromLockfile) p.fromLockfile = true;
  return p;
}

function cycloneDx(doc: Json): { packages: Package[]; os?: Omit<OsInfo, 'evidence'>; name?: string; digest?: string; warnings: string[] } {
  const warnings: string[] = [];
  const packages: Package[] = [];
  let os: Omit<OsInfo, 'evidence'> | undefined;
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  const root = isObj(meta.component) ? meta.component : undefined;
  const props = (c: Json): Map<string, string> => {
    const m = new Map<string, string>();
    if (Array.isArray(c.properties)) for (const p of c.properties.slice(0, 1000)) if (isObj(p) && s(p.name) && s(p.value) !== undefined) m.set(p.name as string, p.value as string);
    return m;
  };
  const rootProps = root ? props(root) : new Map<string, string>();
  const digest = rootProps.get('bulwark:image:manifestDigest') ?? rootProps.get('bulwark:image:id');
  // components may nest (components[].components): walk iteratively, bounded
  const stack: unknown[] = Array.isArray(doc.components) ? [...doc.components].reverse() : [];
  let seen = 0;
  while (stack.length) {
    const c = stack.pop();
    if (!isObj(c)) continue;
    if (++seen > MAX_SBOM_PACKAGES) throw new InputError(`SBOM has more than ${MAX_SBOM_PACKAGES} components`);
    if (Array.isArray(c.components)) for (const x of [...c.components].reverse()) stack.push(x);
    if (c.type === 'operating-system') {
      const id = s(c.name);
      if (id && !os) os = { id: id.toLowerCase(), ...(s(c.version) ? { versionId: s(c.version)! } : {}), ...(s(c.description) ? { prettyName: s(c.description)! } : {}) };
      continue;
    }
    const raw = s(c.purl);
    if (!raw) continue;
    const purl = parsePurl(raw);
    if (!purl) {
      warnings.push(`component ${s(c.name) ?? '?'}: unparsable purl`);
      continue;
    }
    const pr = props(c);
    const li = pr.get('bulwark:layer:index');
    const pkg = packageFrom(
      purl,
      {
        sourceName: pr.get('bulwark:sourceName'),
        sourceVersion: pr.get('bulwark:sourceVersion'),
        path: pr.get('bulwark:path'),
        arch: pr.get('bulwark:arch'),
        ...(li && /^\d+$/.test(li) ? { layerIndex: Number(li) } : {}),
        layerDigest: pr.get('bulwark:layer:digest'),
        fromLockfile: pr.get('bulwark:fromLockfile') === 'true',
      },
      s(c.name),
      s(c.version),
      raw,
    );
    if (pkg) packages.push(pkg);
  }
  return { packages, ...(os ? { os } : {}), ...(root && s(root.name) ? { name: s(root.name) } : {}), ...(digest ? { digest } : {}), warnings };
}

function spdx(doc: Json): { packages: Package[]; os?: Omit<OsInfo, 'evidence'>; name?: string; digest?: string; warnings: string[] } {
  const warnings: string[] = [];
  const packages: Package[] = [];
  let os: Omit<OsInfo, 'evidence'> | undefined;
  let name: string | undefined;
  let digest: string | undefined;
  const list = Array.isArray(doc.packages) ? doc.packages : [];
  if (list.length > MAX_SBOM_PACKAGES) throw new InputError(`SBOM has more than ${MAX_SBOM_PACKAGES} packages`);
  for (const p of list) {
    if (!isObj(p)) continue;
    if (p.primaryPackagePurpose === 'OPERATING-SYSTEM') {
      const id = s(p.name);
      if (id && !os) os = { id: id.toLowerCase(), ...(s(p.versionInfo) ? { versionId: s(p.versionInfo)! } : {}) };
      continue;
    }
    if (p.primaryPackagePurpose === 'CONTAINER') {
      name ??= s(p.name);
      const v = s(p.versionInfo);
      if (v && /^sha256:[0-9a-f]{64}$/.test(v)) digest ??= v;
      continue;
    }
    const refs = Array.isArray(p.externalRefs) ? p.externalRefs : [];
    const ref = refs.find((r) => isObj(r) && r.referenceType === 'purl' && s(r.referenceLocator));
    if (!isObj(ref)) continue;
    const raw = s(ref.referenceLocator)!;
    const purl = parsePurl(raw);
    if (!purl) {
      warnings.push(`package ${s(p.name) ?? '?'}: unparsable purl`);
      continue;
    }
    const src = /^built package from: (\S+)(?: (\S+))?/.exec(s(p.sourceInfo) ?? '');
    const comment = s(p.comment) ?? '';
    const path = /(?:^|; )path: ([^;]*)/.exec(comment)?.[1];
    const layer = /(?:^|; )layer: (\d+) (\S+)/.exec(comment);
    const pkg = packageFrom(
      purl,
      {
        ...(src ? { sourceName: src[1], ...(src[2] ? { sourceVersion: src[2] } : {}) } : {}),
        ...(path ? { path } : {}),
        ...(layer ? { layerIndex: Number(layer[1]), layerDigest: layer[2] } : {}),
        fromLockfile: /(?:^|; )from lock file/.test(comment),
      },
      s(p.name),
      s(p.versionInfo),
      raw,
    );
    if (pkg) packages.push(pkg);
  }
  return { packages, ...(os ? { os } : {}), ...(name ? { name } : {}), ...(digest ? { digest } : {}), warnings };
}

/** Read an SBOM document (parsed JSON) into an InventoryReport; `name`/`digest` as the SBOM names its subject. */
export function inventoryFromSbom(doc: unknown): { inventory: InventoryReport; name?: string; digest?: string; format: 'cyclonedx' | 'spdx' } {
  const format = sbomFormat(doc);
  if (!format) throw new InputError('not an SBOM: expected CycloneDX JSON (bomFormat "CycloneDX") or SPDX JSON (spdxVersion "SPDX-2.x")');
  const r = format === 'cyclonedx' ? cycloneDx(doc as Json) : spdx(doc as Json);
  let os = r.os;
  if (!os) {
    const first = r.packages.find((p) => OS_TYPES.has(p.ecosystem));
    const q = first ? parsePurl(first.purl) : undefined;
    if (q) os = osFromDistro(q.qualifiers?.distro, q.namespace);
  }
  const inventory: InventoryReport = {
    packages: r.packages,
    ...(os ? { os: { ...os, evidence: `${format} SBOM` } } : {}),
    warnings: r.warnings.slice(0, 50),
  };
  return { inventory, format, ...(r.name ? { name: r.name } : {}), ...(r.digest ? { digest: r.digest } : {}) };
}
