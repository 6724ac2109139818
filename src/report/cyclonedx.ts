/**
 * CycloneDX 1.6 JSON, built with @cyclonedx/cyclonedx-library: the image as metadata.component (container),
 * the OS as an operating-system component, every package as a library with purl, licences, and Bulwark
 * properties (layer, evidence path, source package, owning OS package). Dependencies: image -> OS and packages,
 * OS -> its packages.
 */
import { randomUUID } from 'node:crypto';
import * as CDX from '@cyclonedx/cyclonedx-library';
import type { Report } from '../core/report.js';
import type { Package } from '../core/inventory.js';
import { registerRenderer, type RenderOptions } from './index.js';
import { OS_ECOSYSTEMS, packageExpression, sbomInput } from './sbom-common.js';

const { Models, Enums } = CDX;

function licensesOf(p: Package): CDX.Models.LicenseRepository {
  const repo = new Models.LicenseRepository();
  const ex = packageExpression(p);
  if (ex) {
    if (/\s/.test(ex) || ex.endsWith('+')) repo.add(new Models.LicenseExpression(ex));
    else repo.add(new Models.SpdxLicense(ex));
  } else {
    for (const l of p.licenses ?? []) if (l.trim()) repo.add(new Models.NamedLicense(l.trim()));
  }
  return repo;
}

/** bom-refs must be unique: the purl, disambiguated by the evidence path when the same purl occurs twice. */
function bomRefs(pkgs: Package[]): string[] {
  const count = new Map<string, number>();
  for (const p of pkgs) count.set(p.purl, (count.get(p.purl) ?? 0) + 1);
  const seen = new Map<string, number>();
  return pkgs.map((p) => {
    if (count.get(p.purl) === 1) return p.purl;
    const n = (seen.get(p.purl) ?? 0) + 1;
    seen.set(p.purl, n);
    return `${p.purl}${p.purl.includes('?') ? '&' : '?'}package-id=${n}`;
  });
}

export function buildCycloneDx(report: Report, opts: { timestamp?: Date; serialNumber?: string } = {}): CDX.Models.Bom {
  const input = sbomInput(report);
  const bom = new Models.Bom();
  bom.serialNumber = opts.serialNumber ?? `urn:uuid:${randomUUID()}`;
  bom.metadata.timestamp = opts.timestamp ?? new Date();
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, report.tool.name, { version: report.tool.version }));
  const img = input.image;
  const root = new Models.Component(Enums.ComponentType.Container, input.name, { bomRef: img?.configDigest ?? `image:${input.name}` });
  if (img?.configDigest) root.properties.add(new Models.Property('bulwark:image:id', img.configDigest));
  if (img?.manifestDigest) root.properties.add(new Models.Property('bulwark:image:manifestDigest', img.manifestDigest));
  for (const l of img?.layers ?? []) root.properties.add(new Models.Property('bulwark:image:layer', `${l.index}:${l.diffId ?? l.digest}`));
  bom.metadata.component = root;

  let osComp: CDX.Models.Component | undefined;
  if (input.os) {
    osComp = new Models.Component(Enums.ComponentType.OperatingSystem, input.os.id, { version: input.os.versionId, bomRef: `os:${input.os.id}${input.os.versionId ? '@' + input.os.versionId : ''}`, description: input.os.prettyName });
    if (input.os.distroless) osComp.properties.add(new Models.Property('bulwark:os:distroless', 'true'));
    bom.components.add(osComp);
    root.dependencies.add(osComp.bomRef);
  }
  const refs = bomRefs(input.packages);
  input.packages.forEach((p, i) => {
    const c = new Models.Component(Enums.ComponentType.Library, p.name, { version: p.version || undefined, purl: p.purl, bomRef: refs[i], licenses: licensesOf(p) });
    if (p.ecosystem === 'maven' && p.name.includes(':')) {
      c.group = p.name.slice(0, p.name.indexOf(':'));
      c.name = p.name.slice(p.name.indexOf(':') + 1);
    }
    const prop = (k: string, v: string | number | undefined) => {
      if (v !== undefined && v !== '') c.properties.add(new Models.Property(k, String(v)));
    };
    prop('bulwark:ecosystem', p.ecosystem);
    prop('bulwark:path', p.path);
    prop('bulwark:layer:index', p.layerIndex);
    prop('bulwark:layer:digest', p.layerDigest);
    prop('bulwark:sourceName', p.sourceName);
    prop('bulwark:sourceVersion', p.sourceVersion);
    prop('bulwark:arch', p.arch);
    if (p.ownedBy) prop('bulwark:ownedBy', `${p.ownedBy.ecosystem}:${p.ownedBy.name}`);
    if (p.go) prop('bulwark:go:toolchain', p.go.toolchain);
    if (p.fromLockfile) prop('bulwark:fromLockfile', 'true');
    bom.components.add(c);
    if (osComp && OS_ECOSYSTEMS.has(p.ecosystem)) osComp.dependencies.add(c.bomRef);
    else root.dependencies.add(c.bomRef);
  });
  return bom;
}

export function renderCycloneDx(report: Report, _opts?: RenderOptions): string {
  const bom = buildCycloneDx(report);
  const ser = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  return ser.serialize(bom, { sortLists: true, space: 2 }) + '\n';
}

registerRenderer('cyclonedx', renderCycloneDx);
