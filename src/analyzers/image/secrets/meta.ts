/** Catalogue entries (RuleMeta) for secret findings; the kinds behind them are data in rules-table.ts. */
import type { RuleMeta } from '../../../core/rule.js';
import type { Severity } from '../../../core/finding.js';

const REMEDIATE =
  'Revoke and rotate the credential now: it is readable by anyone who can pull the image, from the layer that ' +
  'added it, even when a later layer deletes it. Then keep it out of the build: use BuildKit secret mounts ' +
  '(RUN --mount=type=secret), multi-stage builds that copy only artefacts, and a .dockerignore.';

function secretRule(id: string, title: string, severity: Severity, rationale: string, extra: string[] = []): RuleMeta {
  return {
    id,
    title,
    severity,
    stage: 'image',
    rationale,
    remediation: REMEDIATE,
    references: ['CIS-4.10', 'CIS-DI-0010', ...extra],
    tags: ['secret'],
  };
}

export const secretRuleMetas: RuleMeta[] = [
  secretRule('BW-SECRET-001', 'Private key in image', 'critical', 'A PEM private key (RSA, EC, DSA, OpenSSH, PKCS#8 or PGP) is stored in a layer.'),
  secretRule('BW-SECRET-002', 'Encrypted private key in image', 'medium', 'A passphrase-protected private key is stored in a layer; it can be brute-forced offline.'),
  secretRule('BW-SECRET-003', 'AWS access key ID in image', 'high', 'An AWS access key ID is stored in the image; together with its secret it grants AWS API access.'),
  secretRule('BW-SECRET-004', 'AWS secret access key in image', 'critical', 'An AWS secret access key is stored in the image.'),
  secretRule('BW-SECRET-005', 'GCP service account key in image', 'critical', 'A Google Cloud service-account key file is stored in the image.'),
  secretRule('BW-SECRET-006', 'Azure storage account key in image', 'critical', 'An Azure storage account key grants full access to the storage account.'),
  secretRule('BW-SECRET-007', 'GitHub token in image', 'critical', 'A GitHub token grants access to repositories and APIs as its owner.'),
  secretRule('BW-SECRET-008', 'GitLab token in image', 'critical', 'A GitLab token grants API or runner access.'),
  secretRule('BW-SECRET-009', 'Slack token or webhook in image', 'high', 'A Slack token or webhook URL lets anyone post as the app or read workspace data.'),
  secretRule('BW-SECRET-010', 'Stripe live secret key in image', 'critical', 'A live Stripe secret key can move money.'),
  secretRule('BW-SECRET-011', 'npm token in image', 'critical', 'An npm token (npm_..., or _authToken in .npmrc) can publish packages as its owner: a supply-chain risk.'),
  secretRule('BW-SECRET-012', 'PyPI token in image', 'critical', 'A PyPI token can upload releases of the owner\'s projects.'),
  secretRule('BW-SECRET-013', 'Docker registry credentials in image', 'critical', 'A Docker config.json with auths gives push/pull access to the registry as its owner.'),
  secretRule('BW-SECRET-014', 'Secret in .env file', 'high', 'A .env file with a credential-named variable was copied into the image.'),
  secretRule('BW-SECRET-015', 'git credentials in image', 'critical', 'A .git-credentials file stores passwords or tokens in clear text.'),
  secretRule('BW-SECRET-016', 'PostgreSQL password file in image', 'high', 'A .pgpass file stores database passwords in clear text.'),
  secretRule('BW-SECRET-017', 'Shell history in image', 'medium', 'A shell or client history file records commands run while building, often with inline credentials.', ['DKL-LI-0003']),
  secretRule('BW-SECRET-018', 'JSON Web Token in image', 'high', 'A signed JWT is a bearer credential until it expires.'),
  secretRule('BW-SECRET-019', 'Hard-coded password or secret', 'high', 'A password/secret/token assignment with a high-entropy value is stored in a configuration file.'),
  secretRule(
    'BW-SECRET-020',
    'Secret in image configuration (ENV, LABEL or build argument)',
    'high',
    'Environment variables, labels and build arguments used by RUN are stored in the image config and history, ' +
      'visible to anyone with `docker inspect` or `docker history` on the image.',
    ['DS031', 'AVD-DS-0031'],
  ),
  secretRule('BW-SECRET-099', 'Secret matched by a custom rule', 'high', 'A rule from the `secrets.rules` section of .bulwark.yaml matched.'),
];

export const secretMetaById = new Map(secretRuleMetas.map((m) => [m.id, m]));
