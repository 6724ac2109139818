/**
 * Signature verification for an image that was read: the registry-stage step `bulwark image --key` runs.
 * cosign signs the digest the user referred to (an index for multi-platform images), so that digest is
 * checked first, then the platform manifest's own digest when it differs. Images that did not come from
 * a registry have no registry digest to check: the verdict is "unsigned" with the reason.
 */
import type { Finding } from '../core/finding.js';
import { checkSignature } from '../analyzers/registry/index.js';
import { registryDetails, type RegistryOptions } from '../sources/registry.js';
import type { OpenedImage } from '../sources/types.js';
import { RegistryClient } from './client.js';
import { loadPublicKey, signatureTag, verifyCosignSignature, type SignatureVerdict } from './cosign.js';

export interface SignatureResult {
  verdict: SignatureVerdict;
  findings: Finding[];
}

export async function verifyImageSignature(image: OpenedImage, keyFile: string, opts: { registry?: RegistryOptions; required: boolean }): Promise<SignatureResult> {
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
