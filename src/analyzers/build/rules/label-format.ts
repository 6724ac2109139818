import { createRequire } from 'node:module';
import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit, LabelType } from '../context.js';
import { HADOLINT } from './util.js';

const SPDX = /^(\(?\s*[A-Za-z0-9.+-]+(\s+WITH\s+[A-Za-z0-9.+-]+)?\s*\)?)(\s+(AND|OR)\s+\(?\s*[A-Za-z0-9.+-]+(\s+WITH\s+[A-Za-z0-9.+-]+)?\s*\)?)*$/;
let spdxIds: ((id: string) => boolean) | undefined;

/** Every license of an SPDX expression is on the SPDX list (or a LicenseRef-); exceptions after WITH are not checked. */
function spdxIdsKnown(expr: string): boolean {
  // the list ships with the CycloneDX library, loaded only when a label schema asks for SPDX
  spdxIds ??= (createRequire(import.meta.url)('@cyclonedx/cyclonedx-library/SPDX') as { isSupportedSpdxId(id: string): boolean }).isSupportedSpdxId;
  const words = expr.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean);
  return words.every((w, i) => /^(AND|OR|WITH)$/.test(w) || words[i - 1] === 'WITH' || w.startsWith('LicenseRef-') || spdxIds!(w.replace(/\+$/, '')));
}

const CHECKS: Record<Exclude<LabelType, 'text'>, { ok: (v: string) => boolean; what: string; ref: string }> = {
  url: { ok: (v) => { try { return Boolean(new URL(v).protocol); } catch { return false; } }, what: 'a valid URL', ref: 'DL3052' },
  rfc3339: { ok: (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)), what: 'an RFC 3339 time', ref: 'DL3053' },
  spdx: { ok: (v) => SPDX.test(v.trim()) && spdxIdsKnown(v), what: 'an SPDX license expression', ref: 'DL3054' },
  hash: { ok: (v) => /^[0-9a-f]{7,40}$/.test(v) || /^[0-9a-f]{64}$/.test(v), what: 'a git hash', ref: 'DL3055' },
  semver: { ok: (v) => /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(v), what: 'a semantic version', ref: 'DL3056' },
  email: { ok: (v) => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(v), what: 'an email address', ref: 'DL3058' },
};

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-059',
    title: 'Label value does not match its schema type',
    severity: 'info',
    rationale: 'Labels typed in build.labelSchema (url, rfc3339, spdx, hash, semver, email) are read by tools that expect that format.',
    remediation: 'Write the value in the format the schema names.',
    references: ['DL3052', 'DL3053', 'DL3054', 'DL3055', 'DL3056', 'DL3058'],
    helpUri: HADOLINT('DL3052'),
    tags: ['labels', 'config'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of ctx.all('LABEL')) {
      for (const p of inst.properties) {
        const t = ctx.settings.labelSchema[p.name];
        if (!t || t === 'text' || !p.value || p.value.includes('$')) continue;
        const c = CHECKS[t];
        if (!c.ok(p.value)) hits.push({ inst, message: `label '${p.name}' is not ${c.what} (${c.ref})`, key: p.name, evidence: { type: t, upstream: c.ref } });
      }
    }
    return hits;
  },
);
