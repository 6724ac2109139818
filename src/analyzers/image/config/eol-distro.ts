import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';
import { lookupEol } from '../eol-table.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-006',
  title: 'Distribution release is end-of-life',
  severity: 'high',
  stage: 'image',
  rationale: 'An end-of-life release gets no security fixes: every new vulnerability in its packages stays open, and scanners may not even know about them.',
  remediation: 'Move the base image to a supported release of the distribution (FROM debian:trixie, alpine:3.22, ...).',
  references: ['CIS-4.4', 'CIS-DI-0004'],
  tags: ['config'],
};

function rhelLike(id: string, like: string[] | undefined): string {
  if (['rhel', 'centos', 'rocky', 'almalinux', 'ol', 'amzn', 'debian', 'ubuntu', 'alpine'].includes(id)) return id;
  return like?.find((l) => ['rhel', 'debian', 'ubuntu'].includes(l)) ?? id;
}

function check(ctx: ImageCheckContext): Finding[] {
  const os = ctx.os();
  if (!os) return [];
  const e = lookupEol(rhelLike(os.id, os.idLike), os.versionId);
  if (!e) return [];
  const now = ctx.now.toISOString().slice(0, 10);
  if (now < e.eol) return [];
  const inExtended = e.extendedEnd !== undefined && now < e.extendedEnd;
  const name = os.prettyName ?? `${os.id} ${os.versionId}`;
  const osFile = ctx.finalFile(os.evidence);
  return [
    ctx.finding(meta, {
      path: os.evidence,
      layerIndex: osFile?.layerIndex,
      key: `${e.distro}:${e.cycle}`,
      severity: inExtended ? 'low' : 'high',
      message: inExtended
        ? `${name}: regular security support ended ${e.eol}; only the extended/LTS programme covers it until ${e.extendedEnd}`
        : `${name} is end-of-life since ${e.extendedEnd ?? e.eol}: no more security updates`,
      evidence: { distro: e.distro, cycle: e.cycle, eol: e.eol, extendedEnd: e.extendedEnd, versionId: os.versionId },
    }),
  ];
}

export default defineRule<ImageCheckContext>(meta, check);
