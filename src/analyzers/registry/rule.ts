/**
 * The registry stage's rule shape: metadata plus one pure check over the evidence collected from one
 * registry endpoint (src/registry/audit.ts). Findings point at the registry URL and the aspect probed
 * (`tls.certificate`, `/v2/_catalog`, ...).
 */
import type { Finding, Severity } from '../../core/finding.js';
import { makeFinding, type RuleMeta } from '../../core/rule.js';
import type { RegistryEvidence } from '../../registry/audit.js';
import type { SignatureVerdict } from '../../registry/cosign.js';

export interface RegistryRule {
  meta: RuleMeta;
  check(ev: RegistryEvidence): Finding[];
}

export interface RegistryHit {
  /** what was probed: `tls.protocols`, `tls.certificate`, `/v2/_catalog`, `auth`, ... */
  aspect: string;
  /** content key for the fingerprint */
  key: string;
  message: string;
  severity?: Severity;
  evidence?: Record<string, unknown>;
  remediation?: string;
}

export function registryFinding(meta: RuleMeta, ev: RegistryEvidence, hit: RegistryHit): Finding {
  return makeFinding(meta, {
    location: { kind: 'host', path: ev.url, setting: hit.aspect, source: 'registry probe' },
    key: `${ev.target}|${hit.key}`,
    message: hit.message,
    ...(hit.severity ? { severity: hit.severity } : {}),
    ...(hit.evidence ? { evidence: hit.evidence } : {}),
    ...(hit.remediation ? { remediation: { text: hit.remediation } } : {}),
  });
}

/** Signature rules: one verdict of cosign verification for one image. */
export interface SignatureRule {
  meta: RuleMeta;
  check(v: SignatureVerdict, opts: { required: boolean }): Finding[];
}

export function signatureFinding(meta: RuleMeta, v: SignatureVerdict, init: { message: string; severity?: Severity; key: string }): Finding {
  return makeFinding(meta, {
    location: { kind: 'image', image: v.image, field: `signature (${v.signatureTag})` },
    key: `${v.repository}|${v.digest}|${init.key}`,
    message: init.message,
    ...(init.severity ? { severity: init.severity } : {}),
    evidence: { digest: v.digest, signatureTag: v.signatureTag, signatures: v.signatures },
  });
}
