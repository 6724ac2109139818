import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { AVD, copyArgs, runs } from './util.js';
import { strongSecretShape } from './secret-shapes.js';

const CRED_COMMANDS = [
  /\baws\s+configure\s+set\s+(aws_access_key_id|aws_secret_access_key|aws_session_token)\b/,
  /\bgcloud\s+auth\s+activate-service-account\b/,
  /\baz\s+login\b/,
  /\bdocker\s+login\b.*\s(-p|--password)[\s=]/,
  /\bnpm\s+config\s+set\s+\S*_auth(Token)?\b/,
  /_authToken=[^$\s]/,
];
const SECRET_FILE_ENVS = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'HF_TOKEN_PATH', 'GOOGLE_APPLICATION_CREDENTIALS'];

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-068',
    title: 'Credentials set up in RUN or copied into the image',
    severity: 'high',
    rationale: 'Credentials written during a RUN (aws configure, docker login -p, npm auth tokens, a token or password-bearing URL on the command line) or copied into a credentials path stay in the layer and the image history for anyone with the image.',
    remediation: 'Use `RUN --mount=type=secret,id=...` so the credential is available to that RUN only and never written to a layer.',
    references: ['DS031', 'AVD-DS-0031', 'CIS-4.10'],
    helpUri: AVD('DS031'),
    tags: ['secrets'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of runs(ctx, true)) {
      if (inst.flags.some((f) => f.name === 'mount' && /type=secret/.test(f.value ?? ''))) continue;
      const text = inst.heredocs.length ? inst.source : inst.args;
      const m = CRED_COMMANDS.find((re) => re.test(text));
      if (m) {
        hits.push({ inst, message: 'RUN configures credentials that stay in the image layer', key: m.source });
        continue;
      }
      const shape = strongSecretShape(text);
      if (shape) hits.push({ inst, message: `RUN contains what looks like a ${shape} (value not shown): it is recorded in the image history`, key: shape, severity: 'critical' });
    }
    for (const inst of ctx.all('COPY')) {
      const dest = copyArgs(inst).dest ?? '';
      const env = SECRET_FILE_ENVS.find((e) => dest === `$${e}` || dest === `\${${e}}`);
      if (env) hits.push({ inst, message: `COPY into $${env}: a credentials file baked into the image`, key: env });
    }
    return hits;
  },
);
