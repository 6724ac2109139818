/**
 * Ownership and mode checks for Docker's files (CIS 3.x). Modes are compared as bit masks (a bit outside
 * the allowed set fails), not as decimal numbers like Docker Bench (which passes 606 and fails 700), on
 * the real file after resolving symlinks inside the audited root.
 */
import type { Severity } from '../../../core/finding.js';
import type { FileFacts, HostEvidence } from '../../../host/types.js';
import { defineRule, type Rule } from '../../../core/rule.js';
import type { CheckResult } from '../check.js';
import { cisRefs, modeString } from '../check.js';

export interface FilePermSpec {
  id: string;
  title: string;
  what: string;
  cisOwner: string;
  cisMode: string;
  /** the most permissive mode allowed, e.g. 0o644 */
  maxMode: number;
  /** allowed group: root only, or root or the docker group */
  group: 'root' | 'docker';
  severity: Severity;
  rationale: string;
  paths(ev: HostEvidence): FileFacts[];
  /** per-file override of the allowed mode (e.g. private keys among certificates) */
  maxModeFor?(f: FileFacts): number;
  /** why nothing is checked when paths() is empty */
  nothing?(ev: HostEvidence): string;
}

export function filePermCheck(spec: FilePermSpec): Rule<HostEvidence, CheckResult> {
  return defineRule<HostEvidence, CheckResult>(
    {
      id: spec.id,
      title: spec.title,
      severity: spec.severity,
      stage: 'daemon',
      rationale: spec.rationale,
      remediation: `chown root:${spec.group === 'docker' ? 'docker' : 'root'} ${spec.what} && chmod ${modeString(spec.maxMode).slice(1)} ${spec.what} (or stricter)`,
      references: cisRefs(spec.cisOwner, spec.cisMode),
      tags: ['file-permissions'],
      cis: { section: '3', ids: [spec.cisOwner, spec.cisMode].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) },
    },
    (ev) => {
      const files = spec.paths(ev);
      if (!files.length) {
        const why = spec.nothing?.(ev) ?? `${spec.what}: nothing to check`;
        return [
          { status: 'info', message: why, key: `${spec.what}|owner`, cis: spec.cisOwner },
          { status: 'info', message: why, key: `${spec.what}|mode`, cis: spec.cisMode },
        ];
      }
      const out: CheckResult[] = [];
      const dockerGid = ev.groups.dockerGroup?.gid;
      const u = ev.daemonUser;
      // rootless: what lives in the daemon user's home or runtime dir belongs to that user; system files to root
      const userOwned = (p: string) => ev.rootless && u.uid !== 0 && [u.home, u.runtimeDir].some((d) => d && (p === d || p.startsWith(d + '/')));
      const inSubgid = (gid: number | undefined) => gid !== undefined && u.subgids.some((r) => gid >= r.start && gid < r.start + r.count);
      for (const f of files) {
        const wantUid = userOwned(f.path) ? u.uid : 0;
        const shown = f.realPath ? `${f.path} (-> ${f.realPath})` : f.path;
        const location = { kind: 'host' as const, path: f.path, source: ev.mode === 'offline' ? `--root ${ev.root}` : 'lstat' };
        if (f.error) {
          out.push({ status: 'warn', message: `${shown}: cannot examine: ${f.error}`, key: `${f.path}|owner`, cis: spec.cisOwner, location });
          continue;
        }
        if (!f.exists) {
          out.push({ status: 'info', message: `${shown} not present`, key: `${f.path}|owner`, cis: spec.cisOwner, location });
          out.push({ status: 'info', message: `${shown} not present`, key: `${f.path}|mode`, cis: spec.cisMode, location });
          continue;
        }
        const owner = `${f.owner ?? f.uid}:${f.group ?? f.gid}`;
        const gidOk =
          f.gid === 0 ||
          (spec.group === 'docker' && dockerGid !== undefined && f.gid === dockerGid) ||
          (wantUid !== 0 && (f.gid === u.primaryGid || f.gid === wantUid || inSubgid(f.gid)));
        const ownerOk = f.uid === wantUid && gidOk;
        out.push({
          status: ownerOk ? 'pass' : 'fail',
          message: ownerOk
            ? `${shown} is owned by ${owner}${wantUid !== 0 && inSubgid(f.gid) ? ' (a subordinate gid of the rootless user)' : ''}`
            : `${shown} is owned by ${owner} (uid ${f.uid}, gid ${f.gid}); expected ${wantUid === 0 ? `root:${spec.group === 'docker' ? 'docker' : 'root'}` : `${u.name ?? `uid ${wantUid}`} (the rootless daemon's user) with its own or a subordinate group`}`,
          key: `${f.path}|owner`,
          cis: spec.cisOwner,
          location: { ...location, setting: 'owner' },
          evidence: { uid: f.uid, gid: f.gid, owner: f.owner, group: f.group },
        });
        const max = spec.maxModeFor?.(f) ?? spec.maxMode;
        // the sticky bit grants nothing on files and sockets (rootless dockerd sets it so tmpfiles cleaners keep them)
        const extra = (f.mode ?? 0) & ~max & ~(f.type === 'dir' ? 0 : 0o1000);
        out.push({
          status: extra ? 'fail' : 'pass',
          message: extra
            ? `${shown} has mode ${modeString(f.mode)}; allowed at most ${modeString(max)} (extra bits ${modeString(extra)}${extra & 0o002 ? ': world-writable' : extra & 0o004 ? ': world-readable' : ''})`
            : `${shown} has mode ${modeString(f.mode)} (at most ${modeString(max)})`,
          key: `${f.path}|mode`,
          cis: spec.cisMode,
          location: { ...location, setting: 'mode' },
          evidence: { mode: modeString(f.mode), allowed: modeString(max) },
          ...(extra & 0o022 && spec.severity !== 'critical' ? { severity: 'high' as const } : {}),
        });
      }
      return out;
    },
  );
}

export function tlsFile(ev: HostEvidence, key: 'tlscacert' | 'tlscert' | 'tlskey'): FileFacts[] {
  const v = ev.settings.settings.get(key)?.value;
  if (typeof v === 'string' && v && ev.files[v]) return [ev.files[v]!];
  const tlsOn = ev.settings.settings.get('tls')?.value === true || ev.settings.settings.get('tlsverify')?.value === true;
  if (!tlsOn) return [];
  const base = key === 'tlscacert' ? 'ca' : key === 'tlscert' ? 'cert' : 'key';
  return Object.values(ev.files).filter((f) => f.path.endsWith(`/.docker/${base}.pem`));
}

export const TLS_NOT_SET = (what: string) => (ev: HostEvidence) =>
  `no ${what} configured${ev.settings.settings.get('tlsverify')?.value === true ? '' : ' (TLS is not enabled on the daemon)'}`;
