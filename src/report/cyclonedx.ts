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
import type { RenderOptions } from './index.js';
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
  const byPurl = new Map<string, CDX.Models.Component[]>();
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
    const same = byPurl.get(p.purl);
    if (same) same.push(c);
    else byPurl.set(p.purl, [c]);
  });
  addVulnerabilities(bom, report, byPurl);
  return bom;
}

const CDX_SEVERITY: Record<string, CDX.Enums.Vulnerability.Severity> = {
  critical: Enums.Vulnerability.Severity.Critical,
  high: Enums.Vulnerability.Severity.High,
  medium: Enums.Vulnerability.Severity.Medium,
  low: Enums.Vulnerability.Severity.Low,
  info: Enums.Vulnerability.Severity.Info,
  unknown: Enums.Vulnerability.Severity.Unknown,
};

function cvssMethod(version: string): CDX.Enums.Vulnerability.RatingMethod {
  if (version.startsWith('4')) return Enums.Vulnerability.RatingMethod.CVSSv4;
  if (version.startsWith('3.1')) return Enums.Vulnerability.RatingMethod.CVSSv31;
  if (version.startsWith('3')) return Enums.Vulnerability.RatingMethod.CVSSv3;
  if (version.startsWith('2')) return Enums.Vulnerability.RatingMethod.CVSSv2;
  return Enums.Vulnerability.RatingMethod.Other;
}

/**
 * The vulnerability findings as a CycloneDX VDR: one vulnerability per advisory, `affects` the components of the
 * vulnerable packages (by purl), `ratings` (the severity and its source, the CVSS score and vector), and the
 * `analysis` (state: not_affected when a VEX statement says so, exploitable when CISA KEV lists it, else in_triage;
 * response: update when a fixed version exists, will_not_fix / can_not_fix when the distribution says so).
 */
function addVulnerabilities(bom: CDX.Models.Bom, report: Report, byPurl: Map<string, CDX.Models.Component[]>): void {
  const groups = new Map<string, Report['findings']>();
  for (const f of report.findings) {
    if (!f.vulnerability) continue;
    const list = groups.get(f.vulnerability.id);
    if (list) list.push(f);
    else groups.set(f.vulnerability.id, [f]);
  }
  for (const [id, findings] of groups) {
    const first = findings[0]!;
    const v = first.vulnerability!;
    const vuln = new Models.Vulnerability.Vulnerability({
      bomRef: `vuln:${id}`,
      id,
      source: new Models.Vulnerability.Source({ name: v.feed }),
      description: first.title,
      detail: first.message,
      ...(v.fixedVersion ? { recommendation: `Upgrade ${v.package.name} to ${v.fixedVersion} or later.` } : {}),
    });
    for (const alias of v.aliases) if (alias !== id) vuln.references.add(new Models.Vulnerability.Reference(alias, new Models.Vulnerability.Source({ name: v.feed })));
    // every rating the feeds carry, each under its source (the one that set the severity is named in a property);
    // without any, one rating says the severity is unknown
    for (const r of v.ratings ?? []) {
      const rating = new Models.Vulnerability.Rating({
        severity: CDX_SEVERITY[r.severity] ?? Enums.Vulnerability.Severity.Unknown,
        source: new Models.Vulnerability.Source({ name: r.source }),
        method: r.method.startsWith('CVSS:') ? cvssMethod(r.method.slice(5)) : Enums.Vulnerability.RatingMethod.Other,
      });
      if (r.method === 'vendor' && r.label) rating.justification = `${r.source}'s own rating: ${r.label}`;
      if (r.score !== undefined) rating.score = r.score;
      if (r.vector) rating.vector = r.vector;
      vuln.ratings.add(rating);
    }
    if (!v.ratings?.length) {
      const rating = new Models.Vulnerability.Rating({
        severity: CDX_SEVERITY[first.severity] ?? Enums.Vulnerability.Severity.Unknown,
        source: new Models.Vulnerability.Source({ name: v.severitySource ?? v.feed }),
      });
      if (v.cvss) {
        rating.score = v.cvss.score;
        rating.vector = v.cvss.vector;
        rating.method = cvssMethod(v.cvss.version);
      }
      vuln.ratings.add(rating);
    }
    vuln.properties.add(new Models.Property('bulwark:severity', first.severity));
    if (v.severitySource) vuln.properties.add(new Models.Property('bulwark:severitySource', v.severitySource));
    if (v.rating) vuln.properties.add(new Models.Property('bulwark:rating:chosen', `${v.rating.source} ${v.rating.method}`));
    // one affects entry per component and version: the same advisory found twice for one package (two paths
    // with one purl) must not repeat it (the schema wants unique items)
    const affected = new Set<string>();
    for (const f of findings) {
      const pkg = f.vulnerability!.package;
      const comps = (pkg.purl ? byPurl.get(pkg.purl) : undefined) ?? [];
      const status = f.vulnerability!.status === 'not_affected' ? Enums.Vulnerability.AffectStatus.Unaffected : Enums.Vulnerability.AffectStatus.Affected;
      for (const c of comps) {
        const key = `${c.bomRef.value ?? ''}\u0000${pkg.version}\u0000${status}`;
        if (affected.has(key)) continue;
        affected.add(key);
        const affect = new Models.Vulnerability.Affect(c.bomRef);
        if (pkg.version) affect.versions.add(new Models.Vulnerability.AffectedSingleVersion(pkg.version, { status }));
        vuln.affects.add(affect);
      }
    }
    const vex = findings.every((f) => f.suppressed?.kind === 'vex') || v.status === 'not_affected';
    const analysis = new Models.Vulnerability.Analysis({
      state: vex ? Enums.Vulnerability.AnalysisState.NotAffected : v.kev ? Enums.Vulnerability.AnalysisState.Exploitable : Enums.Vulnerability.AnalysisState.InTriage,
      detail: `${v.status}${v.statusDetail ? ` (${v.statusDetail})` : ''}${v.fixedVersion ? `, fixed in ${v.fixedVersion}` : ''}${v.kev ? `, in CISA KEV since ${v.kev.dateAdded}` : ''}${first.suppressed ? `; suppressed (${first.suppressed.kind}${first.suppressed.reason ? `: ${first.suppressed.reason}` : ''})` : ''}`,
    });
    if (v.fixedVersion) analysis.response.add(Enums.Vulnerability.AnalysisResponse.Update);
    if (v.status === 'will_not_fix') analysis.response.add(Enums.Vulnerability.AnalysisResponse.WillNotFix);
    if (v.status === 'end_of_life') analysis.response.add(Enums.Vulnerability.AnalysisResponse.CanNotFix);
    vuln.analysis = analysis;
    if (v.kev) vuln.properties.add(new Models.Property('bulwark:kev:dateAdded', v.kev.dateAdded));
    if (first.origin) vuln.properties.add(new Models.Property('bulwark:origin', first.origin));
    bom.vulnerabilities.add(vuln);
  }
}

export function renderCycloneDx(report: Report, _opts?: RenderOptions): string {
  const bom = buildCycloneDx(report);
  const ser = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  return ser.serialize(bom, { sortLists: true, space: 2 }) + '\n';
}
