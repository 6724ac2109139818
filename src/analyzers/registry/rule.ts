/**
 * The registry stage's rule inputs and finding helpers. Three inputs, one contract (`defineRule` in
 * core/rule.ts): the evidence collected from one registry endpoint (src/registry/audit.ts), the cosign
 * verdict for one image (src/registry/cosign.ts), and a container's image with the registry policy. Endpoint findings point at the registry URL and the
 * aspect probed (`tls.certificate`, `/v2/_catalog`, ...); signature findings at the image.
 */
import type { Finding, Severity } from '../../core/finding.js';
import { makeFinding, type Rule, type RuleMeta } from '../../core/rule.js';
import type { RegistryEvidence } from '../../registry/audit.js';
import type { SignatureVerdict } from '../../registry/cosign.js';
import type { AllowedRegistry } from '../../registry/allowed.js';
import type { ContainerSpec } from '../../runtime/model.js';

export type RegistryRule = Rule<RegistryEvidence>;

export interface SignatureInput {
  verdict: SignatureVerdict;
  /** --require-signature: a missing signature is then worse */
  required: boolean;
}

export type SignatureRule = Rule<SignatureInput>;

/** A container's image as the registry stage sees it: the runtime model and the registry policy in force. */
export interface ContainerImageInput {
  spec: ContainerSpec;
  /** `allowedRegistries` (src/registry/allowed.ts); undefined: no policy */
  allowedRegistries?: readonly AllowedRegistry[];
}

export type ContainerImageRule = Rule<ContainerImageInput>;

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

export function signatureFinding(meta: RuleMeta, v: SignatureVerdict, init: { message: string; severity?: Severity; key: string }): Finding {
  return makeFinding(meta, {
    location: { kind: 'image', image: v.image, field: `signature (${v.signatureTag})` },
    key: `${v.repository}|${v.digest}|${init.key}`,
    message: init.message,
    ...(init.severity ? { severity: init.severity } : {}),
    evidence: { digest: v.digest, signatureTag: v.signatureTag, signatures: v.signatures },
  });
}
