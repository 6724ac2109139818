/**
 * SPDX 2.3 JSON: the image as the described package (primaryPackagePurpose CONTAINER), the OS as an
 * OPERATING_SYSTEM package (the 2.3 schema's spelling), every inventory package with its purl as a PACKAGE-MANAGER external reference.
 * Relationships: DOCUMENT DESCRIBES image; image CONTAINS OS and language packages; OS CONTAINS its packages.
 * licenseDeclared holds the declared licence only when it is a valid SPDX expression (else NOASSERTION and the
 * text goes to licenseComments).
 */
import { randomUUID } from 'node:crypto';
import type { Report } from '../core/report.js';
import type { Package } from '../core/inventory.js';
import type { RenderOptions } from './index.js';
import { OS_ECOSYSTEMS, packageExpression, sbomInput, shortHash } from './sbom-common.js';

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  licenseConcluded: string;
  licenseDeclared: string;
  licenseComments?: string;
  copyrightText: string;
  sourceInfo?: string;
  supplier?: string;
  primaryPackagePurpose?: string;
  externalRefs?: Array<{ referenceCategory: string; referenceType: string; referenceLocator: string }>;
  comment?: string;
  checksums?: Array<{ algorithm: string; checksumValue: string }>;
  attributionTexts?: string[];
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'x';

function spdxPackage(p: Package): SpdxPackage {
  const ex = packageExpression(p);
  const sp: SpdxPackage = {
    SPDXID: `SPDXRef-Package-${p.ecosystem}-${safe(p.name)}-${shortHash(`${p.purl}\0${p.path}`)}`,
    name: p.name,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: ex ?? 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: p.go?.binary && p.main ? 'APPLICATION' : 'LIBRARY',
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
  };
  if (p.version) sp.versionInfo = p.version;
  if (!ex && p.licenses?.length) sp.licenseComments = `declared: ${p.licenses.join('; ')}`;
  if (p.sourceName && (p.sourceName !== p.name || (p.sourceVersion && p.sourceVersion !== p.version))) {
    sp.sourceInfo = `built package from: ${p.sourceName}${p.sourceVersion ? ` ${p.sourceVersion}` : ''}`;
  }
  const notes = [`path: ${p.path}`];
  if (p.layerDigest) notes.push(`layer: ${p.layerIndex} ${p.layerDigest}`);
  if (p.ownedBy) notes.push(`owned by ${p.ownedBy.ecosystem} package ${p.ownedBy.name}`);
  if (p.fromLockfile) notes.push('from lock file');
  sp.comment = notes.join('; ');
  return sp;
}

export function buildSpdx(report: Report, opts: { created?: Date; namespaceId?: string } = {}): SpdxDocument {
  const input = sbomInput(report);
  const created = (opts.created ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const docName = input.name;
  const doc: SpdxDocument = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: docName,
    documentNamespace: `https://spdx.org/spdxdocs/bulwark/${encodeURIComponent(safe(docName))}-${opts.namespaceId ?? randomUUID()}`,
    creationInfo: { created, creators: [`Tool: ${report.tool.name}-${report.tool.version}`] },
    packages: [],
    relationships: [],
  };
  const imageId = `SPDXRef-Image-${safe(docName)}`;
  const img: SpdxPackage = {
    SPDXID: imageId,
    name: docName,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: 'CONTAINER',
  };
  if (input.image?.configDigest) {
    const [alg, hex] = input.image.configDigest.split(':');
    if (alg === 'sha256' && hex && /^[0-9a-f]{64}$/.test(hex)) {
      img.checksums = [{ algorithm: 'SHA256', checksumValue: hex }];
      img.versionInfo = input.image.configDigest;
    }
  }
  doc.packages.push(img);
  doc.relationships.push({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId });
  let osId: string | undefined;
  if (input.os) {
    osId = `SPDXRef-OperatingSystem-${safe(input.os.id)}`;
    const os: SpdxPackage = {
      SPDXID: osId,
      name: input.os.id,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    };
    if (input.os.versionId) os.versionInfo = input.os.versionId;
    if (input.os.prettyName) os.comment = input.os.prettyName + (input.os.distroless ? ' (distroless)' : '');
    doc.packages.push(os);
    doc.relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: osId });
  }
  const used = new Set<string>();
  for (const p of input.packages) {
    const sp = spdxPackage(p);
    let id = sp.SPDXID;
    for (let n = 2; used.has(id); n++) id = `${sp.SPDXID}-${n}`;
    sp.SPDXID = id;
    used.add(id);
    doc.packages.push(sp);
    const parent = osId && OS_ECOSYSTEMS.has(p.ecosystem) ? osId : imageId;
    doc.relationships.push({ spdxElementId: parent, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  }
  return doc;
}

export function renderSpdx(report: Report, _opts?: RenderOptions): string {
  return JSON.stringify(buildSpdx(report), null, 2) + '\n';
}
