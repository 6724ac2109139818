/**
 * cosign signatures verified with a public key (what `cosign verify --key cosign.pub --insecure-ignore-tlog`
 * checks), read from the registry the way cosign stores them:
 *   - the signatures of image digest `sha256:<hex>` live in the same repository under the tag
 *     `sha256-<hex>.sig`: an OCI manifest whose layers are simple-signing payloads
 *     (`application/vnd.dev.cosign.simplesigning.v1+json`), each annotated with
 *     `dev.cosignproject.cosign/signature` = base64 of the signature over the payload bytes;
 *   - the payload is `{"critical":{"identity":{"docker-reference":R},"image":{"docker-manifest-digest":D},
 *     "type":"cosign container image signature"},"optional":...}`; D must be the image's digest.
 * Signatures: ECDSA (P-256/P-384/P-521) with SHA-256 in ASN.1 DER, RSA PKCS#1 v1.5 with SHA-256, or Ed25519,
 * as sigstore's LoadVerifier does for those key types.
 * Transparency-log and certificate (keyless) verification are not part of this path.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { RegistryClient } from './client.js';
import { RegistryError, oneLine } from './errors.js';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const COSIGN_TYPE = 'cosign container image signature';

export type SignatureStatus = 'valid' | 'unsigned' | 'invalid' | 'digest-mismatch';

export interface SignatureDetail {
  /** the payload blob's digest */
  layer: string;
  status: 'valid' | 'bad-signature' | 'digest-mismatch' | 'malformed';
  reason?: string;
  /** critical.image.docker-manifest-digest, when the payload was readable */
  signedDigest?: string;
  dockerReference?: string;
}

export interface SignatureVerdict {
  status: SignatureStatus;
  /** the image digest the signature must name */
  digest: string;
  repository: string;
  /** image name for reports */
  image: string;
  /** the tag the signatures were looked up at */
  signatureTag: string;
  signatures: SignatureDetail[];
  message: string;
}

/** Load a cosign public key (PEM `PUBLIC KEY`). Encrypted cosign *private* keys are refused with a hint. */
export function loadPublicKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`--key ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (/PRIVATE KEY-----/.test(pem)) throw new InputError(`--key ${file} is a private key; give the public key (cosign.pub)`);
  try {
    const k = createPublicKey(pem);
    const t = k.asymmetricKeyType;
    if (t !== 'ec' && t !== 'rsa' && t !== 'ed25519') throw new Error(`unsupported key type ${t}`);
    return k;
  } catch (e) {
    throw new InputError(`--key ${file}: not a usable PEM public key (${oneLine((e as Error).message, 100)})`);
  }
}

/** The tag cosign stores an image digest's signatures under. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

/** Verify one signature over `payload` with `key` (cosign's hash and encoding choices per key type). */
export function verifyPayloadSignature(payload: Buffer, signatureB64: string, key: KeyObject): boolean {
  const sig = Buffer.from(signatureB64.trim(), 'base64');
  if (sig.length === 0 || sig.length > 4096) return false;
  try {
    if (key.asymmetricKeyType === 'ed25519') return cryptoVerify(null, payload, key, sig);
    return cryptoVerify('sha256', payload, key, sig);
  } catch {
    return false;
  }
}

interface Payload {
  critical?: { identity?: { 'docker-reference'?: unknown }; image?: { 'docker-manifest-digest'?: unknown }; type?: unknown };
}

/** Check one payload + signature against the key and the expected digest. */
export function checkSignature(payload: Buffer, signatureB64: string | undefined, key: KeyObject, digest: string, layer: string): SignatureDetail {
  if (!signatureB64) return { layer, status: 'malformed', reason: `no ${SIGNATURE_ANNOTATION} annotation` };
  if (!verifyPayloadSignature(payload, signatureB64, key)) return { layer, status: 'bad-signature', reason: 'the signature does not verify with the given key (wrong key, or the payload was altered)' };
  let doc: Payload;
  try {
    doc = JSON.parse(payload.toString('utf8')) as Payload;
  } catch {
    return { layer, status: 'malformed', reason: 'the signed payload is not JSON' };
  }
  const signed = doc?.critical?.image?.['docker-manifest-digest'];
  const ref = doc?.critical?.identity?.['docker-reference'];
  const base: SignatureDetail = { layer, status: 'valid' };
  if (typeof ref === 'string') base.dockerReference = oneLine(ref, 200);
  if (typeof doc?.critical?.type !== 'string' || doc.critical.type.toLowerCase() !== COSIGN_TYPE) return { ...base, status: 'malformed', reason: `the payload's critical.type is not '${COSIGN_TYPE}'` };
  if (typeof signed !== 'string') return { ...base, status: 'malformed', reason: 'the payload has no critical.image.docker-manifest-digest' };
  base.signedDigest = oneLine(signed, 140);
  if (signed !== digest) return { ...base, status: 'digest-mismatch', reason: `the signature is for ${base.signedDigest}, not ${digest}` };
  return base;
}

/**
 * Look up and verify the cosign signatures of `digest` in `repository`. The verdict is `valid` when at least
 * one signature verifies and names the digest; `digest-mismatch` when signatures verify but name another
 * digest; `invalid` when none verifies; `unsigned` when there is no signature manifest.
 */
export async function verifyCosignSignature(client: RegistryClient, repository: string, digest: string, key: KeyObject, image: string): Promise<SignatureVerdict> {
  const tag = signatureTag(digest);
  const verdict = (status: SignatureStatus, signatures: SignatureDetail[], message: string): SignatureVerdict => ({ status, digest, repository, image, signatureTag: tag, signatures, message });
  let sigManifest;
  try {
    sigManifest = await client.manifest(repository, tag);
  } catch (e) {
    if (e instanceof RegistryError && e.status === 404) return verdict('unsigned', [], `${image} has no cosign signature (no ${repository}:${tag})`);
    throw e;
  }
  if (sigManifest.doc.kind !== 'manifest') return verdict('invalid', [], `${repository}:${tag} is an index, not a cosign signature manifest`);
  const layers = sigManifest.doc.layers.filter((l) => l.mediaType === SIMPLE_SIGNING);
  if (!layers.length) return verdict('invalid', [], `${repository}:${tag} holds no simple-signing payload`);
  const details: SignatureDetail[] = [];
  for (const l of layers.slice(0, 100)) {
    if (l.size > 1024 * 1024) {
      details.push({ layer: l.digest, status: 'malformed', reason: `payload of ${l.size} bytes is over the 1 MiB limit` });
      continue;
    }
    const payload = await client.blobBytes(repository, l.digest, `signature payload ${l.digest}`, 1024 * 1024);
    details.push(checkSignature(payload, l.annotations?.[SIGNATURE_ANNOTATION], key, digest, l.digest));
  }
  const valid = details.find((d) => d.status === 'valid');
  if (valid) return verdict('valid', details, `${image} is signed (${details.filter((d) => d.status === 'valid').length} valid cosign signature${details.length > 1 ? 's' : ''} for ${digest})`);
  const mismatch = details.find((d) => d.status === 'digest-mismatch');
  if (mismatch) return verdict('digest-mismatch', details, `${image}: the cosign signature verifies but is for ${mismatch.signedDigest}, not ${digest}`);
  return verdict('invalid', details, `${image}: no cosign signature verifies with the given key (${[...new Set(details.map((d) => d.reason))].join('; ')})`);
}
