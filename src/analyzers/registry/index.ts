/**
 * The registry stage: rules over the evidence of one registry endpoint (`bulwark registry HOST[:PORT]`).
 * One rule per file in ./rules; add a rule by adding its file and one line here.
 */
import type { Finding } from '../../core/finding.js';
import type { RuleMeta } from '../../core/rule.js';
import type { RegistryEvidence } from '../../registry/audit.js';
import type { SignatureVerdict } from '../../registry/cosign.js';
import type { RegistryRule, SignatureRule } from './rule.js';
import { rule as plainHttp } from './rules/plain-http.js';
import { rule as tlsOldProtocol } from './rules/tls-old-protocol.js';
import { rule as tlsWeakCiphers } from './rules/tls-weak-ciphers.js';
import { rule as certExpired } from './rules/cert-expired.js';
import { rule as certUntrusted } from './rules/cert-untrusted.js';
import { rule as certHostname } from './rules/cert-hostname.js';
import { rule as certExpiring } from './rules/cert-expiring.js';
import { rule as anonymousCatalog } from './rules/anonymous-catalog.js';
import { rule as anonymousPull } from './rules/anonymous-pull.js';
import { rule as anonymousPush } from './rules/anonymous-push.js';
import { rule as cleartextCredentials } from './rules/cleartext-credentials.js';
import { rule as deletesEnabled } from './rules/deletes-enabled.js';
import { rule as vulnerableVersion } from './rules/vulnerable-version.js';
import { rule as imageUnsigned } from './rules/image-unsigned.js';
import { rule as signatureInvalid } from './rules/signature-invalid.js';
import { rule as signatureDigestMismatch } from './rules/signature-digest-mismatch.js';

export const registryRuleSet: RegistryRule[] = [
  plainHttp,
  tlsOldProtocol,
  tlsWeakCiphers,
  certExpired,
  certUntrusted,
  certHostname,
  certExpiring,
  anonymousCatalog,
  anonymousPull,
  anonymousPush,
  cleartextCredentials,
  deletesEnabled,
  vulnerableVersion,
];

export function checkRegistry(ev: RegistryEvidence): Finding[] {
  return registryRuleSet.flatMap((r) => r.check(ev));
}

export const signatureRuleSet: SignatureRule[] = [imageUnsigned, signatureInvalid, signatureDigestMismatch];

export function checkSignature(v: SignatureVerdict, opts: { required: boolean }): Finding[] {
  return signatureRuleSet.flatMap((r) => r.check(v, opts));
}

/** Every rule of the registry stage (metadata), for `bulwark rules` and SARIF. */
export const registryRules: RuleMeta[] = [...registryRuleSet, ...signatureRuleSet].map((r) => r.meta);
