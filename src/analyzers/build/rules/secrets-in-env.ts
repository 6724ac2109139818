import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { shippedStages, type Instruction } from '../../../dockerfile/model.js';
import { AVD, copyArgs } from './util.js';
import { isPlaceholder, isSecretName, redact, secretShape } from './secret-shapes.js';

/** Variables that name the file holding credentials, not the credentials (Trivy DS031's list plus AWS's second one). */
const SECRET_FILE_ENVS = new Set(['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'HF_TOKEN_PATH', 'GOOGLE_APPLICATION_CREDENTIALS']);

/** A value that is a file path (where a secret lives), not a secret. */
function isPathValue(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  return /^(\/|\.{1,2}\/|~\/)/.test(v) || /^[\w.-]+(\/[\w.-]+)+\.\w+$/.test(v) || /^[\w-]+\.(json|pem|key|p12|pfx|crt|ini|cfg|conf|ya?ml|toml)$/i.test(v);
}

/** The COPY/ADD destination of the same stage that `path` lies under, if any. */
function copiedUnder(ctx: BuildContext, inst: Instruction, path: string): string | undefined {
  const norm = (p: string) => p.trim().replace(/^["']|["']$/g, '').replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const target = norm(path);
  for (const c of [...ctx.all('COPY'), ...ctx.all('ADD')]) {
    if (c.stage !== inst.stage || c.flags.some((f) => f.name === 'from')) continue;
    const dest = copyArgs(c).dest;
    if (dest === undefined) continue;
    const d = norm(dest);
    if (d === '' || d === '.' || target === d || target.startsWith(`${d}/`)) return dest;
  }
  return undefined;
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-067',
    title: 'Secret in ENV, ARG or LABEL',
    severity: 'critical',
    rationale: 'ENV and LABEL values are stored in the image config and ARG values in its history: anyone who can pull the image can read them.',
    remediation: 'Pass secrets at build time with `RUN --mount=type=secret,id=...` and at run time with the orchestrator\'s secret store; never bake them into ENV/ARG/LABEL.',
    references: ['DS031', 'AVD-DS-0031', 'DL3064', 'CIS-4.10'],
    helpUri: AVD('DS031'),
    tags: ['secrets'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    const shipped = shippedStages(ctx.df);
    for (const inst of ctx.df.instructions) {
      if (inst.keyword !== 'ENV' && inst.keyword !== 'ARG' && inst.keyword !== 'LABEL') continue;
      // ARGs of stages not in the final image and global ARGs only used by FROM do not ship
      if (inst.stage >= 0 && !shipped.has(inst.stage) && inst.keyword !== 'ARG') continue;
      for (const p of inst.properties) {
        const value = p.value ?? '';
        const shape = value ? secretShape(value) : undefined;
        if (SECRET_FILE_ENVS.has(p.name.toUpperCase()) && inst.keyword !== 'LABEL') {
          // names the file that holds the credentials: a finding only when that file is copied into the image
          const copiedTo = value && isPathValue(value) ? copiedUnder(ctx, inst, value) : undefined;
          if (copiedTo) hits.push({ inst, message: `${inst.keyword} ${p.name}=${value}: the credentials file it names is copied into the image (COPY to ${copiedTo})`, key: `${p.name}:file`, evidence: { name: p.name, copiedTo } });
          continue;
        }
        const byName = isSecretName(p.name);
        const literal = value.trim() !== '' && !value.trim().startsWith('$') && !isPathValue(value);
        if (shape) {
          hits.push({ inst, message: `${inst.keyword} ${p.name} holds what looks like a ${shape} (${redact(value)})`, key: `${p.name}:shape`, evidence: { name: p.name, kind: shape } });
        } else if (byName && inst.keyword !== 'LABEL' && literal) {
          // a dummy-looking value (test, changeme) is still a literal credential baked into the image config
          const dummy = isPlaceholder(value);
          hits.push({
            inst,
            message: `${inst.keyword} ${p.name} sets a secret-named variable to a literal value (${redact(value)}${dummy ? ', a dummy-looking value' : ''})`,
            key: `${p.name}:value`,
            evidence: { name: p.name },
            ...(dummy ? { severity: 'low' as const } : {}),
          });
        } else if (byName && inst.keyword === 'ARG' && inst.stage >= 0 && shipped.has(inst.stage)) {
          hits.push({ inst, message: `ARG ${p.name}: a secret passed as a build argument is recorded in the image history`, key: `${p.name}:arg`, severity: 'high', evidence: { name: p.name } });
        } else if (byName && inst.keyword === 'ENV' && value.startsWith('$')) {
          hits.push({ inst, message: `ENV ${p.name}=${value}: a secret copied from a build argument into the image config`, key: `${p.name}:env`, severity: 'high', evidence: { name: p.name } });
        }
      }
    }
    return hits;
  },
);
