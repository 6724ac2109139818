/**
 * The registry stage: rules over the evidence of one registry endpoint (`bulwark registry HOST[:PORT]`)
 * and over the cosign verdict of one image (`bulwark image --key`). One rule per file in ./rules; add a
 * rule by adding its file and one line here.
 */
import type { Finding } from '../../core/finding.js';
import { ruleSet, type RuleMeta } from '../../core/rule.js';
import type { RegistryEvidence } from '../../registry/audit.js';
import type { SignatureVerdict } from '../../registry/cosign.js';
import type { ContainerImageRule, RegistryRule, SignatureRule } from './rule.js';
import type { AllowedRegistry } from '../../registry/allowed.js';
import type { ContainerSpec } from '../../runtime/model.js';
import plainHttp from './rules/plain-http.js';
import tlsOldProtocol from './rules/tls-old-protocol.js';
import tlsWeakCiphers from './rules/tls-weak-ciphers.js';
import certExpired from './rules/cert-expired.js';
import certUntrusted from './rules/cert-untrusted.js';
import certHostname from './rules/cert-hostname.js';
import certExpiring from './rules/cert-expiring.js';
import anonymousCatalog from './rules/anonymous-catalog.js';
import anonymousPull from './rules/anonymous-pull.js';
import anonymousPush from './rules/anonymous-push.js';
import cleartextCredentials from './rules/cleartext-credentials.js';
import deletesEnabled from './rules/deletes-enabled.js';
import vulnerableVersion from './rules/vulnerable-version.js';
import imageUnsigned from './rules/image-unsigned.js';
import signatureInvalid from './rules/signature-invalid.js';
import signatureDigestMismatch from './rules/signature-digest-mismatch.js';
import ciContentTrustOff from './rules/ci-content-trust-off.js';
import containerImageNotPinned from './rules/container-image-not-pinned.js';
import containerContentTrustOff from './rules/container-content-trust-off.js';
import imageRegistryNotAllowed from './rules/image-registry-not-allowed.js';

export const registryRuleSet: RegistryRule[] = ruleSet<RegistryRule>([
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
]);

export const signatureRuleSet: SignatureRule[] = ruleSet<SignatureRule>([imageUnsigned, signatureInvalid, signatureDigestMismatch]);

export function checkRegistry(ev: RegistryEvidence): Finding[] {
  return registryRuleSet.flatMap((r) => r.check(ev));
}

export function checkSignature(verdict: SignatureVerdict, opts: { required: boolean }): Finding[] {
  return signatureRuleSet.flatMap((r) => r.check({ verdict, required: opts.required }));
}

/** Where the images of containers come from (pinning, content trust, allowed registries): over the runtime stage's ContainerSpec. */
export const containerImageRuleSet: ContainerImageRule[] = ruleSet<ContainerImageRule>([containerImageNotPinned, containerContentTrustOff, imageRegistryNotAllowed]);

/** The registry-stage findings about one container's image (run by the runtime audits next to their own rules). */
export function checkContainerImage(spec: ContainerSpec, allowedRegistries?: readonly AllowedRegistry[]): Finding[] {
  const input = { spec, allowedRegistries };
  return containerImageRuleSet.flatMap((r) => r.check(input));
}

/** Every rule of the registry stage (metadata), for `bulwark rules` and SARIF. */
export const registryRules: RuleMeta[] = [...registryRuleSet, ...signatureRuleSet, ...containerImageRuleSet, ciContentTrustOff].map((r) => r.meta);
