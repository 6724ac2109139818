/**
 * An inventory from a document someone saved: Bulwark's own InventoryReport, the JSON report of
 * `bulwark sbom -f json` / `bulwark image -f json`, a CycloneDX JSON BOM or an SPDX 2.x JSON document
 * (Bulwark's, Trivy's, Syft's...). The matcher needs per package its ecosystem, name and version, for OS
 * packages the source package, and the OS release; these come from purls (type, namespace, name, version,
 * the `arch`, `epoch`, `distro` and `upstream` qualifiers), the OS component, and the producers' properties
 * (`bulwark:*`, Trivy's `aquasecurity:trivy:*`).
 *
 * The document is untrusted: every walk is iterative and linear, and anything that is not understood becomes a
 * warning (the count of components skipped and why), never a crash.
 */
import { InputError } from '../core/errors.js';
import type { Ecosystem, InventoryReport, OsInfo, Package } from '../core/inventory.js';
import { parsePurl, type PurlParts } from './purl.js';

export type DocumentKind = 'inventory' | 'bulwark-report' | 'cyclonedx' | 'spdx';

const ECOSYSTEMS: Record<string, Ecosystem> = { deb: 'deb', apk: 'apk', rpm: 'rpm', npm: 'npm', pypi: 'pypi', golang: 'golang', maven: 'maven', gem: 'gem', cargo: 'cargo', composer: 'composer' };
const OS_TYPES = new Set(['deb', 'apk', 'rpm']);
/** purl namespaces that are not the os-release ID (the reverse of inventory/purl.ts) */
const VENDOR_OS: Record<string, string> = { redhat: 'rhel', oracle: 'ol', amazon: 'amzn', suse: 'sles', opensuse: 'opensuse-leap' };
/** more components than this is not an SBOM of one image */
const MAX_COMPONENTS = 2_000_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What a producer says about a package beyond its purl. */
interface Extra {
  name?: string;
  version?: string;
  path?: string;
  sourceName?: string;
  sourceVersion?: string;
  licenses?: string[];
  layerIndex?: number;
  layerDigest?: string;
  ownedBy?: { ecosystem: Ecosystem; name: string };
  goToolchain?: string;
  fromLockfile?: boolean;
}

/** Skipped components, counted by reason, reported as one warning each. */
class Skips {
  private counts = new Map<string, number>();
  add(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }
  warnings(label: string): string[] {
    return [...this.counts].map(([reason, n]) => `${label}: ${n} component${n === 1 ? '' : 's'} not matched: ${reason}`);
  }
}

/** The inventory a parsed JSON document describes; `label` names it in messages. Throws InputError when none. */
export function inventoryFromDocument(data: unknown, label: string): { inv: InventoryReport; kind: DocumentKind } {
  if (!isObj(data)) throw new InputError(`${label}: not an inventory or SBOM (a JSON object is expected)`);
  if (data.bomFormat === 'CycloneDX') return { inv: fromCycloneDx(data, label), kind: 'cyclonedx' };
  if (typeof data.spdxVersion === 'string') {
    if (!/^SPDX-2\.\d+$/.test(data.spdxVersion)) throw new InputError(`${label}: ${bounded(data.spdxVersion)} is not supported (SPDX 2.x JSON is)`);
    return { inv: fromSpdx(data, label), kind: 'spdx' };
  }
  // `bulwark sbom -f json` / `bulwark image -f json`: packages at the top, OS and image under summary.inventory
  if (Array.isArray(data.packages) && isObj(data.summary) && isObj(data.summary.inventory) && Array.isArray(data.targets)) {
    const meta = data.summary.inventory as Partial<InventoryReport>;
    const inv = checkInventory({ packages: data.packages as Package[], os: meta.os, image: meta.image, warnings: [] }, label);
    return { inv, kind: 'bulwark-report' };
  }
  const inner = 'inventory' in data && isObj(data.inventory) ? data.inventory : data;
  if (!Array.isArray(inner.packages)) throw new InputError(`${label}: not an inventory report or SBOM (no "packages" array, no CycloneDX "bomFormat", no "spdxVersion")`);
  return { inv: checkInventory(inner as unknown as InventoryReport, label), kind: 'inventory' };
}

function bounded(s: string, max = 80): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}...` : s);
}

function checkInventory(inv: InventoryReport, label: string): InventoryReport {
  for (const [i, p] of inv.packages.entries()) {
    if (!isObj(p) || typeof p.name !== 'string' || typeof p.version !== 'string' || typeof p.ecosystem !== 'string') {
      throw new InputError(`${label}: packages[${i}] lacks name, version or ecosystem`);
    }
    p.path ??= '';
    p.purl ??= '';
  }
  if (inv.os !== undefined && (!isObj(inv.os) || typeof inv.os.id !== 'string')) throw new InputError(`${label}: "os" lacks an "id"`);
  inv.warnings = Array.isArray(inv.warnings) ? inv.warnings.filter((w) => typeof w === 'string') : [];
  return inv;
}

/** `debian-12`, `alpine-3.20.3`, `ubuntu-22.04`, `rhel-9.4` */
function osFromDistro(distro: string, purl: PurlParts): OsInfo | undefined {
  const m = /^([a-z][a-z0-9_.]*?(?:-[a-z][a-z0-9_.]*)*)-(\d[\w.~+-]*)$/i.exec(distro);
  if (m) return { id: m[1]!.toLowerCase(), versionId: m[2]!, evidence: `purl distro qualifier of ${purl.name}` };
  // a bare release (`distro=3.20.3`, as Trivy writes it): the namespace names the distribution
  if (/^\d[\w.~+-]*$/.test(distro) && purl.namespace) return { id: VENDOR_OS[purl.namespace] ?? purl.namespace, versionId: distro, evidence: `purl namespace and distro qualifier of ${purl.name}` };
  // a codename (`distro=bookworm`, the purl-spec example)
  if (/^[a-z]+$/.test(distro) && purl.namespace) return { id: VENDOR_OS[purl.namespace] ?? purl.namespace, codename: distro, evidence: `purl namespace and distro qualifier of ${purl.name}` };
  return undefined;
}

/** "glibc", "glibc@2.36-9" (Syft), "openssl-3.0.7-27.el9.src.rpm" (an rpm's source RPM) */
function upstream(u: string | undefined, type: string): { name: string; version?: string } | undefined {
  if (!u) return undefined;
  if (type === 'rpm') {
    const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(u);
    if (m) return { name: m[1]!, version: `${m[2]}-${m[3]}` };
  }
  const at = u.indexOf('@');
  return at > 0 ? { name: u.slice(0, at), version: u.slice(at + 1) || undefined } : { name: u };
}

/** A Package from a purl and what the producer adds; a reason string when it cannot be matched. */
function packageOf(purlText: string, x: Extra): Package | string {
  const p = parsePurl(purlText);
  if (!p) return 'not a valid purl';
  const ecosystem = ECOSYSTEMS[p.type];
  if (!ecosystem) return `purl type '${p.type}' is not matched by Bulwark`;
  const q = p.qualifiers ?? {};
  let version = p.version ?? x.version ?? '';
  let name = p.name;
  const pkg: Partial<Package> & { name: string; ecosystem: Ecosystem } = { name, ecosystem };
  switch (ecosystem) {
    case 'npm':
    case 'composer':
      name = p.namespace ? `${p.namespace}/${p.name}` : p.name;
      break;
    case 'golang':
      name = p.namespace ? `${p.namespace}/${p.name}` : p.name;
      // the toolchain: `go1.22.5`, `1.22.5` -> v1.22.5 (the inventory's spelling)
      if (name === 'stdlib' && version) version = `v${version.replace(/^(go|v)/, '')}`;
      break;
    case 'maven':
      name = p.namespace ? `${p.namespace}:${p.name}` : p.name;
      break;
    case 'rpm': {
      const dash = version.lastIndexOf('-');
      if (dash > 0) {
        pkg.release = version.slice(dash + 1);
        version = version.slice(0, dash);
      }
      if (q.epoch && /^\d+$/.test(q.epoch)) pkg.epoch = Number(q.epoch);
      break;
    }
    case 'deb':
    case 'apk':
      if (q.epoch && /^\d+$/.test(q.epoch) && !version.includes(':')) pkg.epoch = Number(q.epoch);
      break;
  }
  pkg.name = name;
  if (!version) return 'no version';
  pkg.version = version;
  pkg.purl = purlText;
  pkg.path = x.path ?? '';
  if (OS_TYPES.has(ecosystem)) {
    if (q.arch) pkg.arch = q.arch;
    const up = upstream(q.upstream, p.type);
    const sourceName = x.sourceName ?? up?.name;
    const sourceVersion = x.sourceVersion ?? up?.version;
    if (sourceName) pkg.sourceName = sourceName;
    if (sourceVersion) pkg.sourceVersion = sourceVersion;
  }
  if (x.licenses?.length) pkg.licenses = x.licenses;
  if (x.layerIndex !== undefined) pkg.layerIndex = x.layerIndex;
  if (x.layerDigest) pkg.layerDigest = x.layerDigest;
  if (x.ownedBy) pkg.ownedBy = x.ownedBy;
  if (x.fromLockfile) pkg.fromLockfile = true;
  if (ecosystem === 'golang' && x.goToolchain) pkg.go = { toolchain: x.goToolchain, binary: pkg.path };
  return pkg as Package;
}

/** The OS release of the document, else from the first OS package's `distro` qualifier. */
function finishOs(os: OsInfo | undefined, packages: Package[], label: string, warnings: string[]): OsInfo | undefined {
  if (os) return os;
  const first = packages.find((p) => OS_TYPES.has(p.ecosystem));
  if (!first) return undefined;
  const purl = parsePurl(first.purl)!;
  const distro = purl.qualifiers?.distro;
  const fromDistro = distro ? osFromDistro(distro, purl) : undefined;
  if (fromDistro) return fromDistro;
  const n = packages.filter((p) => OS_TYPES.has(p.ecosystem)).length;
  warnings.push(`${label}: no operating system release (no operating-system component, no distro qualifier): ${n} OS packages are not matched`);
  if (purl.namespace) return { id: VENDOR_OS[purl.namespace] ?? purl.namespace, evidence: `purl namespace of ${purl.name}` };
  return undefined;
}

function osOf(name: string | undefined, version: string | undefined, pretty: string | undefined, label: string): OsInfo | undefined {
  if (!name) return undefined;
  const id = name.toLowerCase().replace(/\s+/g, '-');
  return { id, ...(version ? { versionId: version } : {}), ...(pretty ? { prettyName: pretty } : {}), evidence: `operating system in ${label}` };
}

// ---------------------------------------------------------------- CycloneDX

function properties(c: Obj): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(c.properties)) return out;
  for (const p of c.properties) {
    if (isObj(p) && typeof p.name === 'string' && typeof p.value === 'string' && !out.has(p.name)) out.set(p.name, p.value);
  }
  return out;
}

function cdxLicenses(c: Obj): string[] | undefined {
  if (!Array.isArray(c.licenses)) return undefined;
  const out: string[] = [];
  for (const l of c.licenses) {
    if (!isObj(l)) continue;
    if (typeof l.expression === 'string') out.push(l.expression);
    else if (isObj(l.license)) {
      const v = str(l.license.id) ?? str(l.license.name);
      if (v) out.push(v);
    }
  }
  return out.length ? out : undefined;
}

function ownedByOf(v: string | undefined): Extra['ownedBy'] {
  const m = v ? /^(deb|apk|rpm):(.+)$/.exec(v) : null;
  return m ? { ecosystem: m[1] as Ecosystem, name: m[2]! } : undefined;
}

function fromCycloneDx(doc: Obj, label: string): InventoryReport {
  const packages: Package[] = [];
  const skips = new Skips();
  let os: OsInfo | undefined;
  const stack: unknown[] = [];
  const push = (list: unknown) => {
    if (Array.isArray(list)) for (let i = list.length - 1; i >= 0; i--) stack.push(list[i]);
  };
  push(doc.components);
  let seen = 0;
  while (stack.length) {
    const c = stack.pop();
    if (++seen > MAX_COMPONENTS) throw new InputError(`${label}: more than ${MAX_COMPONENTS} components`);
    if (!isObj(c)) continue;
    push(c.components);
    if (c.type === 'operating-system') {
      os ??= osOf(str(c.name), str(c.version), str(c.description), label);
      continue;
    }
    const purl = str(c.purl);
    if (!purl) {
      if (c.type === 'library' || c.type === 'framework') skips.add('no purl');
      continue;
    }
    const props = properties(c);
    const trivy = (k: string) => props.get(`aquasecurity:trivy:${k}`);
    const srcVersion = trivy('SrcVersion');
    const layer = props.get('bulwark:layer:index');
    const result = packageOf(purl, {
      version: str(c.version),
      path: props.get('bulwark:path') ?? trivy('FilePath') ?? props.get('syft:location:0:path'),
      sourceName: props.get('bulwark:sourceName') ?? trivy('SrcName'),
      sourceVersion: props.get('bulwark:sourceVersion') ?? (srcVersion ? `${trivy('SrcEpoch') && trivy('SrcEpoch') !== '0' ? `${trivy('SrcEpoch')}:` : ''}${srcVersion}${trivy('SrcRelease') ? `-${trivy('SrcRelease')}` : ''}` : undefined),
      licenses: cdxLicenses(c),
      layerIndex: layer && /^\d+$/.test(layer) ? Number(layer) : undefined,
      layerDigest: props.get('bulwark:layer:digest') ?? trivy('LayerDiffID'),
      ownedBy: ownedByOf(props.get('bulwark:ownedBy')),
      goToolchain: props.get('bulwark:go:toolchain'),
      fromLockfile: props.get('bulwark:fromLockfile') === 'true',
    });
    if (typeof result === 'string') skips.add(result);
    else packages.push(result);
  }
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  const subject = isObj(meta.component) ? meta.component : undefined;
  if (!os && subject?.type === 'operating-system') os = osOf(str(subject.name), str(subject.version), str(subject.description), label);
  const warnings = skips.warnings(label);
  os = finishOs(os, packages, label, warnings);
  const inv: InventoryReport = { packages, warnings, ...(os ? { os } : {}) };
  const name = str(subject?.name);
  if (name) {
    const props = subject ? properties(subject) : undefined;
    const id = props?.get('bulwark:image:id');
    const manifest = props?.get('bulwark:image:manifestDigest');
    inv.image = { name, ref: label, kind: 'sbom', ...(id ? { configDigest: id } : {}), ...(manifest ? { manifestDigest: manifest } : {}), layers: [] };
  }
  return inv;
}

// ---------------------------------------------------------------- SPDX

function spdxPurl(p: Obj): string | undefined {
  if (!Array.isArray(p.externalRefs)) return undefined;
  for (const r of p.externalRefs) {
    if (isObj(r) && typeof r.referenceType === 'string' && r.referenceType.toLowerCase() === 'purl' && typeof r.referenceLocator === 'string') return r.referenceLocator;
  }
  return undefined;
}

const NO_VALUE = new Set(['NOASSERTION', 'NONE']);

function fromSpdx(doc: Obj, label: string): InventoryReport {
  const list = Array.isArray(doc.packages) ? doc.packages : [];
  if (list.length > MAX_COMPONENTS) throw new InputError(`${label}: more than ${MAX_COMPONENTS} packages`);
  const packages: Package[] = [];
  const skips = new Skips();
  let os: OsInfo | undefined;
  let image: string | undefined;
  let imageId: string | undefined;
  for (const p of list) {
    if (!isObj(p)) continue;
    const purpose = typeof p.primaryPackagePurpose === 'string' ? p.primaryPackagePurpose.replace(/-/g, '_') : '';
    if (purpose === 'OPERATING_SYSTEM') {
      os ??= osOf(str(p.name), str(p.versionInfo), str(p.comment)?.replace(/ \(distroless\)$/, ''), label);
      continue;
    }
    if (purpose === 'CONTAINER') {
      image ??= str(p.name);
      // Bulwark's SPDX writer puts the image ID (config digest) in the container's versionInfo
      const v = str(p.versionInfo);
      if (v && /^sha256:[0-9a-f]{64}$/.test(v)) imageId ??= v;
      continue;
    }
    const purl = spdxPurl(p);
    if (!purl) {
      // the scanned folder, files, archives: not packages
      if (!purpose || purpose === 'LIBRARY' || purpose === 'APPLICATION' || purpose === 'FRAMEWORK') skips.add('no purl');
      continue;
    }
    const comment = str(p.comment) ?? '';
    const source = /^built package from:\s*(\S+)(?:\s+(\S+))?/.exec(str(p.sourceInfo) ?? '');
    const foundIn = /^package found in:\s*(.+)$/.exec(str(p.sourceInfo) ?? '');
    const layer = /(?:^|; )layer: (\d+) (\S+)/.exec(comment);
    const owned = /(?:^|; )owned by (deb|apk|rpm) package ([^;\s]+)/.exec(comment);
    const declared = str(p.licenseDeclared);
    const result = packageOf(purl, {
      version: str(p.versionInfo),
      path: /(?:^|; )path: ([^;]*)/.exec(comment)?.[1] ?? foundIn?.[1]?.replace(/^\//, ''),
      sourceName: source?.[1],
      sourceVersion: source?.[2],
      licenses: declared && !NO_VALUE.has(declared) ? [declared] : undefined,
      layerIndex: layer ? Number(layer[1]) : undefined,
      layerDigest: layer?.[2],
      ownedBy: owned ? { ecosystem: owned[1] as Ecosystem, name: owned[2]! } : undefined,
      fromLockfile: /(?:^|; )from lock file(?:;|$)/.test(comment),
    });
    if (typeof result === 'string') skips.add(result);
    else packages.push(result);
  }
  const warnings = skips.warnings(label);
  os = finishOs(os, packages, label, warnings);
  const name = image ?? str(doc.name);
  return { packages, warnings, ...(os ? { os } : {}), ...(name ? { image: { name, ref: label, kind: 'sbom', ...(imageId ? { configDigest: imageId } : {}), layers: [] } } : {}) };
}

/**
 * A CycloneDX or SPDX JSON document as the service indexes it (`POST /api/v1/index {"sbom": ...}`): the same
 * reading as `sbom:FILE` and `db match --sbom`, plus the subject's name and digest (the image's manifest digest,
 * else its ID, when the SBOM names them). Anything else, a saved inventory included, is refused.
 */
export function inventoryFromSbom(doc: unknown, label = 'SBOM'): { inventory: InventoryReport; name?: string; digest?: string; format: 'cyclonedx' | 'spdx' } {
  if (!isObj(doc) || (doc.bomFormat !== 'CycloneDX' && typeof doc.spdxVersion !== 'string')) {
    throw new InputError('not an SBOM: expected CycloneDX JSON (bomFormat "CycloneDX") or SPDX JSON (spdxVersion "SPDX-2.x")');
  }
  const { inv, kind } = inventoryFromDocument(doc, label);
  const { image, ...inventory } = inv;
  const digest = image?.manifestDigest ?? image?.configDigest;
  return { inventory, format: kind as 'cyclonedx' | 'spdx', ...(image?.name ? { name: image.name } : {}), ...(digest ? { digest } : {}) };
}
