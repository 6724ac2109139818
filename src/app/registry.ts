/**
 * The registry use cases:
 *
 *   auditRegistry(target, opts)            probe a registry endpoint -> Report (BW-REGISTRY findings + evidence)
 *   imageSignature(image, key, opts)       cosign verification of an image read from a registry -> verdict + findings
 *
 * Pulling images from registries needs no use case of its own: registry references are one more image
 * source (src/sources/registry.ts), so indexImage / sbom read them like any other reference.
 */
import type { Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import { TOOL } from '../core/version.js';
import { checkRegistry, checkSignature } from '../analyzers/registry/index.js';
import { collectRegistryEvidence, type AuditOptions, type ProbeResult, type RegistryEvidence } from '../registry/audit.js';
import { RegistryClient } from '../registry/client.js';
import { loadPublicKey, signatureTag, verifyCosignSignature, type SignatureVerdict } from '../registry/cosign.js';
import { registryDetails, type RegistryOptions } from '../sources/registry.js';
import type { OpenedImage } from '../sources/types.js';

function status(p: ProbeResult | undefined): string {
  if (!p) return 'not probed';
  if (p.status === undefined) return `failed (${p.error ?? 'no answer'})`;
  return `${p.status}${p.code ? ` ${p.code}` : ''}`;
}

/** The evidence as text for the table output. */
export function evidenceText(ev: RegistryEvidence): string {
  const lines: string[] = [];
  lines.push(`Registry: ${ev.target} (${ev.url})`);
  if (ev.tls?.cert) {
    const c = ev.tls.cert;
    lines.push(`TLS:      ${c.protocol ?? '?'} ${c.cipher ?? ''}; also accepts: ${ev.tls.oldProtocols.length ? ev.tls.oldProtocols.join(', ') : 'nothing below TLS 1.2'}`);
    lines.push(`Cert:     ${c.subject} issued by ${c.issuer}, valid ${c.validFrom.slice(0, 10)} .. ${c.validTo.slice(0, 10)}; ${c.verifyError ? `NOT trusted (${c.verifyError})` : 'trusted'}${c.hostnameError ? '; name mismatch' : ''}`);
  } else lines.push('TLS:      none (plain HTTP)');
  const ch = ev.ping.challenge;
  lines.push(`Auth:     ${ch ? `${ch.scheme}${ch.realm ? ` (realm ${ch.realm})` : ''}` : ev.ping.status === 200 ? 'none required' : status(ev.ping)}`);
  lines.push(`Anonymous: catalog ${status(ev.anonymous.catalog)}, pull ${ev.anonymous.pull ? `${status(ev.anonymous.pull)} (${ev.anonymous.pull.repository})` : 'not probed'}, push ${status(ev.anonymous.push)}${ev.anonymous.push.cancelled ? ' (cancelled)' : ''}, delete ${status(ev.anonymous.delete)}`);
  if (ev.authenticated) lines.push(`Authenticated (${ev.authenticated.source}): catalog ${status(ev.authenticated.catalog)}, delete ${status(ev.authenticated.delete)}`);
  const prod = Object.entries(ev.productHeaders).filter(([k]) => k !== 'docker-distribution-api-version');
  if (prod.length) lines.push(`Headers:  ${prod.map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  return lines.join('\n');
}

/** `bulwark registry HOST[:PORT]`: collect the evidence, run the registry-stage rules, shape the Report. */
export async function auditRegistry(target: string, opts: AuditOptions = {}): Promise<{ report: Report; evidence: RegistryEvidence }> {
  const evidence = await collectRegistryEvidence(target, opts);
  const findings = checkRegistry(evidence);
  const report: Report = {
    tool: TOOL,
    targets: [{ type: 'registry', name: evidence.target, url: evidence.url }],
    findings,
    summary: { registry: evidence, text: evidenceText(evidence) },
    warnings: evidence.notes,
  };
  return { report, evidence };
}

export interface SignatureResult {
  verdict: SignatureVerdict;
  findings: Finding[];
}

/**
 * Verify the cosign signature of an image that was read (it may be closed). cosign signs the digest the
 * user referred to (an index for multi-platform images), so that digest is checked first, then the
 * platform manifest's own. Images that did not come from a registry have no registry digest to check:
 * the verdict is "unsigned", with the reason.
 */
export async function imageSignature(image: OpenedImage, keyFile: string, opts: { registry?: RegistryOptions; required: boolean }): Promise<SignatureResult> {
  const key = loadPublicKey(keyFile);
  const d = registryDetails(image);
  let verdict: SignatureVerdict;
  if (!d) {
    const digest = image.manifestDigest ?? image.configDigest ?? '';
    verdict = {
      status: 'unsigned',
      digest,
      repository: image.name,
      image: image.name,
      signatureTag: digest ? signatureTag(digest) : '',
      signatures: [],
      message: `${image.name}: no signature can be checked: the image was read from ${image.kind}, not from a registry (give the registry reference to verify it)`,
    };
  } else {
    const client = new RegistryClient(d.reference.registry, opts.registry ?? {});
    try {
      verdict = await verifyCosignSignature(client, d.reference.repository, d.topDigest, key, image.name);
      if (verdict.status !== 'valid' && d.manifestDigest !== d.topDigest) {
        const own = await verifyCosignSignature(client, d.reference.repository, d.manifestDigest, key, image.name);
        if (own.status === 'valid' || (own.status !== 'unsigned' && verdict.status === 'unsigned')) verdict = own;
      }
    } finally {
      client.close();
    }
  }
  return { verdict, findings: checkSignature(verdict, { required: opts.required }) };
}
