/** Material for the service tests: images crafted from the real Alpine 3.20.3 rootfs subset, feeds before/after a fix. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerArchiveBuffer, tarBuffer } from '../image/support/craft.js';

export const ALPINE_ROOTFS = fileURLToPath(new URL('../fixtures/image/alpine-minirootfs-3.20.3-subset.tar.gz', import.meta.url));
export const SECDB = fileURLToPath(new URL('../fixtures/vulndb/alpine/v3.20/main.json', import.meta.url));

let files: { installed: Buffer; osRelease: Buffer } | undefined;

/** lib/apk/db/installed and etc/os-release of the real Alpine 3.20.3 minirootfs subset. */
export function alpineFiles(): { installed: Buffer; osRelease: Buffer } {
  files ??= {
    installed: execFileSync('tar', ['-xzOf', ALPINE_ROOTFS, './lib/apk/db/installed']),
    osRelease: execFileSync('tar', ['-xzOf', ALPINE_ROOTFS, './etc/os-release']),
  };
  return files;
}

/** The Alpine base layer every crafted image shares (same bytes, same digest). */
export function baseLayer(): Buffer {
  const f = alpineFiles();
  return tarBuffer([
    { name: 'etc/', type: '5', mode: 0o755 },
    { name: 'etc/os-release', content: f.osRelease },
    { name: 'lib/', type: '5', mode: 0o755 },
    { name: 'lib/apk/', type: '5', mode: 0o755 },
    { name: 'lib/apk/db/', type: '5', mode: 0o755 },
    { name: 'lib/apk/db/installed', content: f.installed },
  ]);
}

/** A docker save archive: the shared base plus one layer of its own (`n` makes the digest unique). */
export function craftImage(dir: string, n: number, opts: { extraBytes?: number } = {}): string {
  const own = tarBuffer([
    { name: 'srv/', type: '5', mode: 0o755 },
    { name: `srv/app-${n}.txt`, content: `image ${n}\n${'x'.repeat(opts.extraBytes ?? 0)}` },
  ]);
  const path = join(dir, `image-${n}.tar`);
  writeFileSync(path, dockerArchiveBuffer([{ tar: baseLayer(), createdBy: 'ADD alpine' }, { tar: own, createdBy: `COPY app-${n}` }], { repoTag: `bulwark-test/served:${n}` }));
  return path;
}

/** The secdb feed without the openssl 3.3.2-r1 fix (CVE-2024-9143 unknown to the database). */
export function secdbWithoutOpensslFix(dir: string): string {
  const doc = JSON.parse(readFileSync(SECDB, 'utf8')) as { packages: Array<{ pkg: { name: string; secfixes: Record<string, string[]> } }> };
  for (const p of doc.packages) if (p.pkg.name === 'openssl') delete p.pkg.secfixes['3.3.2-r1'];
  const out = join(dir, 'secdb-before.json');
  writeFileSync(out, JSON.stringify(doc));
  return out;
}
