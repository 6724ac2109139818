/**
 * Crafting archives in-process for the image tests: a raw tar writer that lets a test write any name
 * (hostile ones included, as raw bytes), and an OCI image layout / docker-archive writer.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TarItem {
  name: string | Buffer;
  /** '0' file (default), '1' hardlink, '2' symlink, '5' dir, '3' char, '6' fifo */
  type?: string;
  content?: Buffer | string;
  linkname?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
}

function octal(n: number, len: number): string {
  return n.toString(8).padStart(len - 1, '0') + '\0';
}

function rawHeader(name: Buffer, type: string, size: number, linkname: Buffer, mode: number, uid = 0, gid = 0): Buffer {
  const h = Buffer.alloc(512);
  name.copy(h, 0, 0, Math.min(100, name.length));
  h.write(octal(mode, 8), 100, 'latin1');
  h.write(octal(uid, 8), 108, 'latin1');
  h.write(octal(gid, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(1_700_000_000, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  linkname.copy(h, 157, 0, Math.min(100, linkname.length));
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

function pad(n: number): Buffer {
  return Buffer.alloc((512 - (n % 512)) % 512);
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

/** One member (with a PAX header first when the name or link does not fit). */
export function tarMember(it: TarItem): Buffer {
  const name = Buffer.isBuffer(it.name) ? it.name : Buffer.from(it.name);
  const link = it.linkname === undefined ? Buffer.alloc(0) : Buffer.isBuffer(it.linkname) ? it.linkname : Buffer.from(it.linkname);
  const content = it.content === undefined ? Buffer.alloc(0) : Buffer.isBuffer(it.content) ? it.content : Buffer.from(it.content);
  const type = it.type ?? '0';
  const parts: Buffer[] = [];
  if (name.length > 100 || link.length > 100) {
    const pax = Buffer.concat([...(name.length > 100 ? [paxRecord('path', name)] : []), ...(link.length > 100 ? [paxRecord('linkpath', link)] : [])]);
    parts.push(rawHeader(Buffer.from('PaxHeader'), 'x', pax.length, Buffer.alloc(0), 0o644), pax, pad(pax.length));
  }
  const size = type === '0' ? content.length : 0;
  parts.push(rawHeader(name.subarray(0, 100), type, size, link.subarray(0, 100), it.mode ?? (type === '5' ? 0o755 : 0o644), it.uid, it.gid));
  if (size) parts.push(content, pad(size));
  return Buffer.concat(parts);
}

export function tarBuffer(items: TarItem[], opts: { end?: boolean } = {}): Buffer {
  return Buffer.concat([...items.map(tarMember), ...(opts.end === false ? [] : [Buffer.alloc(1024)])]);
}

export function sha256(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

export interface CraftedLayer {
  tar: Buffer;
  /** compress the blob (default gzip) */
  compression?: 'gzip' | 'none';
  createdBy?: string;
}

/** Write an OCI image layout directory with one image; returns digests. */
export function writeOciLayout(
  dir: string,
  layers: CraftedLayer[],
  opts: { platform?: { os: string; architecture: string; variant?: string }; refName?: string; tamper?: (blobs: Map<string, Buffer>) => void } = {},
): { configDigest: string; manifestDigest: string; layerDigests: string[]; diffIds: string[] } {
  const blobs = new Map<string, Buffer>();
  const put = (b: Buffer) => {
    const d = sha256(b);
    blobs.set(d, b);
    return d;
  };
  const diffIds = layers.map((l) => sha256(l.tar));
  const stored = layers.map((l) => (l.compression === 'none' ? l.tar : gzipSync(l.tar)));
  const layerDigests = stored.map(put);
  const plat = opts.platform ?? { os: 'linux', architecture: 'amd64' };
  const config = Buffer.from(
    JSON.stringify({
      ...plat,
      created: '2024-01-02T03:04:05Z',
      config: { Env: ['PATH=/usr/bin:/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layers.map((l, i) => ({ created: '2024-01-02T03:04:05Z', created_by: l.createdBy ?? `layer ${i + 1}` })),
    }),
  );
  const configDigest = put(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: stored.map((b, i) => ({ mediaType: layers[i]!.compression === 'none' ? 'application/vnd.oci.image.layer.v1.tar' : 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigests[i], size: b.length })),
    }),
  );
  const manifestDigest = put(manifest);
  opts.tamper?.(blobs);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [d, b] of blobs) writeFileSync(join(dir, 'blobs', 'sha256', d.slice(7)), b);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, platform: plat, ...(opts.refName ? { annotations: { 'org.opencontainers.image.ref.name': opts.refName } } : {}) }],
    }),
  );
  return { configDigest, manifestDigest, layerDigests, diffIds };
}

/** A legacy `docker save` archive (manifest.json, <id>.json, <n>/layer.tar) with uncompressed layers. */
export function dockerArchiveBuffer(layers: CraftedLayer[], opts: { repoTag?: string; tamperLayer?: number } = {}): Buffer {
  const diffIds = layers.map((l) => sha256(l.tar));
  const config = Buffer.from(
    JSON.stringify({
      os: 'linux',
      architecture: 'amd64',
      created: '2024-01-02T03:04:05Z',
      config: {},
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layers.map((l, i) => ({ created_by: l.createdBy ?? `layer ${i + 1}` })),
    }),
  );
  const cfgName = `${sha256(config).slice(7)}.json`;
  const items: TarItem[] = [{ name: cfgName, content: config }];
  const paths: string[] = [];
  layers.forEach((l, i) => {
    const dir = createHash('sha256').update(`v1-${i}`).digest('hex');
    paths.push(`${dir}/layer.tar`);
    items.push({ name: `${dir}/`, type: '5' });
    let tar = l.tar;
    if (opts.tamperLayer === i) {
      tar = Buffer.from(tar);
      tar[600] = tar[600]! ^ 0xff;
    }
    items.push({ name: `${dir}/layer.tar`, content: tar });
  });
  items.push({ name: 'manifest.json', content: JSON.stringify([{ Config: cfgName, RepoTags: opts.repoTag ? [opts.repoTag] : null, Layers: paths }]) });
  return tarBuffer(items);
}
