import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-026',
  title: 'Secret passed as an environment variable',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'Environment variables are visible in docker inspect, /proc/*/environ, crash dumps and child processes, and are often logged; secrets belong in files (Docker/compose secrets, mounted with restricted mode).',
  remediation: 'Use secrets (compose `secrets:`, `--mount type=secret`) or a *_FILE variable pointing at a mounted secret file.',
  references: ['CWE-526'],
  tags: ['secrets'],
};

const NAME = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|SECRET_KEY|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY|CREDENTIALS?|CLIENT_SECRET)($|_)/i;
const PLACEHOLDER = /^(\s*|changeme|change_me|xxx+|\*+|<.*>|\$\{.*\}|null|none|false|true)$/i;

export function looksSecret(name: string, value: string | undefined): boolean {
  if (!NAME.test(name) || /_FILE$|_PATH$|_DIR$|_URL_FILE$/i.test(name)) return false;
  if (/^(PWD|OLDPWD)$/.test(name)) return false;
  if (value === undefined || PLACEHOLDER.test(value)) return false;
  if (value.startsWith('/run/secrets/')) return false;
  return true;
}

export default defineRule<ContainerSpec>(meta, (spec) => {
  const out = [];
  for (const e of spec.env) {
    if (e.from === 'image' || e.from === 'k8s-secret' || e.from === 'k8s-field') continue;
    if (e.from === 'k8s-configmap') {
      // the value is not in the manifest, but a ConfigMap is readable by anyone who can read the namespace's config
      if (!looksSecret(e.name, 'x')) continue;
      out.push(
        hit(meta, spec, {
          fields: [`env.${e.name}`, 'env'],
          key: e.name,
          message: `${who(spec)} takes secret-looking variable ${e.name} from a ConfigMap (use a Secret: secretKeyRef)`,
          evidence: { name: e.name, from: e.from },
        }),
      );
      continue;
    }
    if (!looksSecret(e.name, e.value)) continue;
    out.push(
      hit(meta, spec, {
        fields: [`env.${e.name}`, 'env'],
        key: e.name,
        message: `${who(spec)} gets secret-looking variable ${e.name} from ${e.file ? e.file : e.from === 'k8s-value' ? 'a literal value in the manifest (use secretKeyRef)' : e.from} (value redacted)`,
        evidence: { name: e.name, from: e.from, ...(e.file ? { file: e.file } : {}) },
      }),
    );
  }
  return out;
});
