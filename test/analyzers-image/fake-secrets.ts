/** Fake secrets generated at test time (random, never live): the shapes the rules look for. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = ALNUM + '+/';

export function randomFrom(alphabet: string, n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[b[i] % alphabet.length];
  return s;
}

export const fake = {
  rsaPem: (): string =>
    generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  ecPem: (): string =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
  pkcs8Pem: (): string =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  encryptedPem: (): string =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString(),
  awsKeyId: (): string => 'AKIA' + randomFrom(UPPER32, 16),
  awsSecret: (): string => randomFrom(B64, 40),
  githubToken: (): string => 'ghp_' + randomFrom(ALNUM, 36),
  gitlabToken: (): string => 'glpat-' + randomFrom(ALNUM, 20),
  slackToken: (): string => `xoxb-${randomFrom('0123456789', 12)}-${randomFrom('0123456789', 12)}-${randomFrom(ALNUM, 24)}`,
  stripeKey: (): string => 'sk_live_' + randomFrom(ALNUM, 24),
  npmToken: (): string => 'npm_' + randomFrom(ALNUM, 36),
  pypiToken: (): string => 'pypi-AgEIcHlwaS5vcmc' + randomFrom(ALNUM, 60),
  azureKey: (): string => randomFrom(B64, 86) + '==',
  password: (): string => randomFrom(ALNUM, 10) + '#' + randomFrom(ALNUM, 6),
  jwt: (): string => {
    const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${b({ alg: 'HS256', typ: 'JWT' })}.${b({ sub: randomFrom(ALNUM, 8), iat: 1700000000 })}.${randomBytes(32).toString('base64url')}`;
  },
  gcpServiceAccount: (pem: string): string =>
    JSON.stringify(
      {
        type: 'service_account',
        project_id: 'demo-project',
        private_key_id: randomBytes(20).toString('hex'),
        private_key: pem,
        client_email: 'demo@demo-project.iam.gserviceaccount.com',
      },
      null,
      2,
    ),
};
