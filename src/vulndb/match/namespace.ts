/** The vulnerability-DB namespace of an image's distro release, from the inventory's OsInfo. */
import type { OsInfo } from '../../inventory/types.js';
import { DEBIAN_CODENAMES } from '../feeds/ecosystems.js';

export interface DistroNamespace {
  /** "debian:bookworm", "alpine:v3.20", "ubuntu:22.04"; undefined when the release cannot be told */
  namespace?: string;
  /** human-readable name of the release, for messages */
  label: string;
}

export function distroNamespace(os: OsInfo | undefined): DistroNamespace {
  if (!os) return { label: 'unknown OS (no os-release)' };
  const id = os.id.toLowerCase();
  const label = os.prettyName ?? `${os.id} ${os.versionId ?? ''}`.trim();
  if (id === 'debian' || os.idLike?.includes('debian') && id === 'debian') {
    let code = os.codename;
    if (!code && os.versionId) code = DEBIAN_CODENAMES[os.versionId.split('.')[0]!];
    return { namespace: code ? `debian:${code.toLowerCase()}` : undefined, label };
  }
  if (id === 'ubuntu') {
    return { namespace: os.versionId ? `ubuntu:${os.versionId}` : undefined, label };
  }
  if (id === 'alpine') {
    const v = os.versionId ?? '';
    if (/_alpha|_beta|_rc|edge/.test(v)) return { namespace: 'alpine:edge', label };
    const m = /^(\d+)\.(\d+)/.exec(v);
    return { namespace: m ? `alpine:v${m[1]}.${m[2]}` : undefined, label };
  }
  return { namespace: `${id}:${os.versionId ?? ''}`, label };
}
