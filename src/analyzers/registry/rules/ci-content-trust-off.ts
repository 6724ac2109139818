import type { Finding } from '../../../core/finding.js';
import { defineRule, makeFinding, type RuleMeta } from '../../../core/rule.js';
import type { PipelineFile } from '../ci-files.js';

const meta: RuleMeta = {
  id: 'BW-REGISTRY-032',
  title: 'Docker Content Trust disabled in a CI file or script',
  severity: 'high',
  stage: 'registry',
  rationale:
    'DOCKER_CONTENT_TRUST=0 and `--disable-content-trust` in a pipeline make every pull, build and push of that job skip signature verification: a substituted base or deployment image goes through unnoticed, in the one place images are trusted most.',
  remediation: 'Remove DOCKER_CONTENT_TRUST=0 / --disable-content-trust from the pipeline; sign images (cosign, Notary) and verify them before use.',
  references: ['CIS-4.5', 'CWE-347'],
  tags: ['supply-chain', 'signature', 'ci'],
};

const ENV_OFF = /\bDOCKER_CONTENT_TRUST\b["']?\s*[:=]\s*(["']?)(0|false|no|off)\1(?=\s|$|[;,}&|)#])/i;
const FLAG = /--disable-content-trust(?!=\s*(?:false|0)\b)(?=[\s"'=;)]|$)/;
const DOCKER = /\b(docker|buildx|podman)\b/;

function commentStart(line: string, kind: PipelineFile['kind']): boolean {
  const t = line.trimStart();
  return t.startsWith('#') || (kind === 'groovy' && t.startsWith('//'));
}

export default defineRule<PipelineFile>(meta, (file) => {
  const out: Finding[] = [];
  const lines = file.text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > 10_000 || commentStart(line, file.kind)) continue;
    const env = ENV_OFF.exec(line);
    if (env) {
      out.push(makeFinding(meta, { location: { kind: 'file', file: file.path, line: i + 1, column: env.index + 1 }, key: `env|${line.trim()}`, message: `${file.path}:${i + 1} sets DOCKER_CONTENT_TRUST=${env[2]}: image signatures are not verified in this job` }));
    }
    const flag = FLAG.exec(line);
    if (flag && DOCKER.test(line)) {
      out.push(makeFinding(meta, { location: { kind: 'file', file: file.path, line: i + 1, column: flag.index + 1 }, key: `flag|${line.trim()}`, message: `${file.path}:${i + 1} runs docker with --disable-content-trust: this image is used without signature verification` }));
    }
  }
  return out;
});
