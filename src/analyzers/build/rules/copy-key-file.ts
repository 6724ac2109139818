import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { shippedStages } from '../../../dockerfile/model.js';
import type { Severity } from '../../../core/finding.js';
import { copyArgs, HISTORY_SOURCE, URL_RE } from './util.js';

/** Files that hold keys or credentials by name, and what they are. */
const KEY_FILES: Array<{ re: RegExp; what: string; severity: Severity }> = [
  { re: /(^|\/)\.ssh(\/|$)|(^|\/)id_(rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk)$/, what: 'an SSH private key (or the .ssh directory)', severity: 'critical' },
  { re: /(^|\/)\.aws\/credentials$|(^|\/)\.aws\/?$/, what: 'AWS credentials', severity: 'critical' },
  { re: /(^|\/)\.git-credentials$/, what: 'git credentials', severity: 'critical' },
  { re: /(^|\/)\.npmrc$/, what: 'an .npmrc (registry tokens)', severity: 'high' },
  { re: /(^|\/)\.pypirc$/, what: 'a .pypirc (PyPI credentials)', severity: 'high' },
  { re: /(^|\/)\.netrc$/, what: 'a .netrc (login passwords)', severity: 'high' },
  { re: /(^|\/)\.pgpass$/, what: 'a .pgpass (database passwords)', severity: 'high' },
  { re: /(^|\/)\.docker\/config\.json$/, what: 'a Docker client config (registry credentials)', severity: 'high' },
  { re: /(^|\/)\.env(\.(?!example$|sample$|template$|dist$|defaults$)[\w-]+)?$/, what: 'a .env file', severity: 'high' },
  { re: /\.key$/, what: 'a key file', severity: 'high' },
  { re: /\.(p12|pfx|jks|keystore)$/, what: 'a key store', severity: 'high' },
  { re: /(key|private|priv)[^/]*\.pem$/i, what: 'a PEM private key', severity: 'high' },
  { re: /\.pem$/, what: 'a PEM file (a private key unless it is a certificate)', severity: 'medium' },
];

/** where public certificates go: a .pem there is a certificate */
const CERT_DIRS = /(^|\/)(usr\/local\/share\/ca-certificates|usr\/share\/ca-certificates|etc\/ssl\/certs|etc\/pki\/ca-trust\/source\/anchors|etc\/pki\/tls\/certs)(\/|$)/;

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-074',
    title: 'Key or credential file copied into the image',
    severity: 'high',
    rationale:
      'COPY or ADD of an SSH key, .aws/credentials, .npmrc, .pypirc, .git-credentials, a .env file or a *.key/*.pem file puts the credential in a layer of the image: anyone who can pull it can extract the file, even if a later RUN deletes it.',
    remediation:
      'Do not copy credentials into the build: mount them for the one RUN that needs them (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`, `RUN --mount=type=ssh ...`), and list such files in .dockerignore.',
    references: ['CIS-4.10'],
    tags: ['secrets'],
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    const shipped = shippedStages(ctx.df);
    for (const inst of [...ctx.all('COPY'), ...ctx.all('ADD')]) {
      // what a build stage that is not shipped copies never reaches the image
      if (inst.stage >= 0 && !shipped.has(inst.stage) && !inst.onbuildOf) continue;
      if (inst.heredocs.length) continue;
      const { sources, dest } = copyArgs(inst);
      for (const src of sources) {
        if (URL_RE.test(src) || HISTORY_SOURCE.test(src)) continue;
        const path = src.replace(/\\/g, '/').replace(/\/+$/, '');
        const kind = KEY_FILES.find((k) => k.re.test(path));
        if (!kind) continue;
        if (kind.severity === 'medium' && dest && CERT_DIRS.test(dest.replace(/^\//, ''))) continue;
        hits.push({
          inst,
          message: `${inst.keyword} ${src}: ${kind.what} copied into the image`,
          key: src,
          severity: kind.severity,
          evidence: { source: src, kind: kind.what },
        });
      }
    }
    return hits;
  },
);
