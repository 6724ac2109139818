/**
 * Signing in cosign's exact format, for the tests (there is no cosign binary here): the simple-signing
 * payload serialised as sigstore's payload.Cosign does, an ECDSA-SHA256 signature in ASN.1 DER, base64 in
 * the `dev.cosignproject.cosign/signature` annotation of the payload layer, a config like cosign's, and
 * the OCI manifest pushed at tag `sha256-<hex>.sig` through the registry API.
 */
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RegistryClient } from '../../../src/registry/client.js';
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING, signatureTag } from '../../../src/registry/cosign.js';

export const KEYS = new URL('../../fixtures/registry/cosign/', import.meta.url).pathname;
export const TEST_PUB = `${KEYS}test.pub`;
export const OTHER_PUB = `${KEYS}other.pub`;

/** The payload cosign signs (field order and `"optional":null` as sigstore's payload.Cosign writes them). */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  return Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
}

export function signPayload(payload: Buffer, keyFile: string): string {
  const key = createPrivateKey(readFileSync(keyFile));
  return cryptoSign('sha256', payload, key).toString('base64');
}

/**
 * Push a signature for `digest` into `repo`: `payload` (default: the right one) signed with `keyFile`
 * (default: the test key); `tamper` changes the payload after signing.
 */
export async function pushSignature(client: RegistryClient, repo: string, digest: string, opts: { keyFile?: string; payload?: Buffer; tamper?: (p: Buffer) => Buffer; dockerReference?: string } = {}): Promise<string> {
  const payload = opts.payload ?? simpleSigningPayload(opts.dockerReference ?? `${client.registry}/${repo}`, digest);
  const signature = signPayload(payload, opts.keyFile ?? `${KEYS}test.key`);
  const stored = opts.tamper ? opts.tamper(payload) : payload;
  const layerDigest = await client.pushBlob(repo, stored);
  const config = Buffer.from(JSON.stringify({ architecture: '', created: '0001-01-01T00:00:00Z', history: [{ created: '0001-01-01T00:00:00Z' }], os: '', rootfs: { type: 'layers', diff_ids: [layerDigest] }, config: {} }));
  const configDigest = await client.pushBlob(repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: configDigest },
      layers: [{ mediaType: SIMPLE_SIGNING, size: stored.length, digest: layerDigest, annotations: { [SIGNATURE_ANNOTATION]: signature } }],
    }),
  );
  return client.pushManifest(repo, signatureTag(digest), manifest, 'application/vnd.oci.image.manifest.v1+json');
}
