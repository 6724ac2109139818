/**
 * The secret rules, as data. Each entry is one kind of secret: a regular expression (the capture group
 * `secret`, or the whole match, is the secret), keywords that must occur in the text before the
 * expression is tried (the prefilter that rejects most files without running any regex), an optional
 * Shannon-entropy floor for the captured value, the paths the rule is limited to or never fires on,
 * and dummy values it ignores. Users add entries of the same shape in `.bulwark.yaml` (`secrets.rules`).
 *
 * Order matters only for de-duplication: when two rules capture the same value on the same line, the one
 * listed first wins, so specific rules come before generic ones.
 */
import type { Severity } from '../../../core/finding.js';

export interface SecretRuleData {
  /** stable kind id, e.g. "aws-access-key-id" (used in `secrets.disable`) */
  id: string;
  /** the catalogue rule the findings are filed under */
  ruleId: string;
  /** human name of the kind */
  kind: string;
  description: string;
  /** JavaScript regular expression source; a named group `secret` marks the value, else the whole match */
  regex: string;
  /** extra regex flags (g is always added) */
  flags?: string;
  /** case-insensitive substrings; the regex runs only when one of them occurs (empty: always run) */
  keywords: string[];
  /** minimum Shannon entropy (bits per character) of the secret */
  entropy?: number;
  /** only files matching one of these globs (relative paths, no leading '/') */
  paths?: string[];
  /** never in files matching these globs (on top of the global allow-list) */
  allowPaths?: string[];
  /** secrets matching one of these regexes (case-insensitive) are dummy values, not secrets */
  allowValues?: string[];
  /** fire once per non-empty file matching `paths`, without looking for a value */
  fileOnly?: boolean;
  /** also apply to image config strings (Env, Labels, history); default true */
  config?: boolean;
  severity: Severity;
}

/** Values that are obviously dummies (templates, examples), shared by the assignment-style rules. */
export const DUMMY_VALUES = [
  '^\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?$', // ${VAR} / $VAR
  '^\\$\\(', // $(command)
  '^%\\(?[a-z_]+\\)?s?$', // %(name)s
  '^\\{\\{.*\\}\\}$', // {{ template }}
  '^<[^>]*>$', // <your-password>
  '^\\*+$',
  '^x{4,}$',
  '^(?:changeme|change_me|changeit|password|passwd|secret|example|sample|dummy|test|testing|none|null|nil|undefined|true|false|yes|no|redacted|foo|bar|foobar|admin|root|default)$',
  // your_password, my-secret, yourApiKeyHere, my_db_password2: the owner's noun, not a random value that happens to
  // start with "my" or "your"
  '^(?:your|my)[_-]?(?:[a-z]+[_-])?(?:pass(?:word|wd|phrase)?|pw|pwd|secret|token|key|api[_-]?key|access[_-]?key|secret[_-]?key|user(?:name)?|value|app|db|database|host|server|org|account|project|domain)(?:[_-]?(?:here|\\d{1,3}))?$',
  'example',
  'place[_-]?holder',
  '^\\.\\.\\.$',
];

const CODE_FILES = [
  '**/*.{py,pyi,pyx,js,mjs,cjs,jsx,ts,tsx,go,rb,java,kt,scala,c,h,cc,cpp,hpp,cs,php,pl,pm,rs,swift,lua,sh,bash,zsh,m4,tcl,el,vim,html,htm,css,map,d.ts}',
];

export const BUILTIN_SECRET_RULES: SecretRuleData[] = [
  {
    id: 'private-key-encrypted',
    ruleId: 'BW-SECRET-002',
    kind: 'encrypted private key',
    description: 'A passphrase-protected PEM private key (PKCS#8 ENCRYPTED or legacy Proc-Type: 4,ENCRYPTED).',
    regex:
      '-----BEGIN (?<label>ENCRYPTED PRIVATE KEY|(?:RSA|EC|DSA) PRIVATE KEY)-----\\s*(?:Proc-Type: 4,ENCRYPTED[^\\n]*\\n[^\\n]*\\n)?(?<secret>[A-Za-z0-9+/=\\s\\\\]{64,16384}?)-----END [A-Z ]*PRIVATE KEY-----',
    keywords: ['encrypted'],
    allowValues: [],
    severity: 'medium',
    config: false,
  },
  {
    id: 'private-key',
    ruleId: 'BW-SECRET-001',
    kind: 'private key',
    description: 'A PEM private key: RSA, EC, DSA, OpenSSH, PKCS#8 or a PGP private key block.',
    regex:
      '-----BEGIN (?<label>(?:RSA |EC |DSA |OPENSSH |PGP |SSH2 )?PRIVATE KEY(?: BLOCK)?)-----(?:\\s|\\\\n)*(?:(?:Version|Comment|Hash):[^\\n]*(?:\\n|\\\\n)(?:\\s|\\\\n)*)*(?<secret>[A-Za-z0-9+/=\\s\\\\]{64,65536}?)-----END (?:RSA |EC |DSA |OPENSSH |PGP |SSH2 )?PRIVATE KEY(?: BLOCK)?-----',
    keywords: ['private key'],
    severity: 'critical',
  },
  {
    id: 'aws-access-key-id',
    ruleId: 'BW-SECRET-003',
    kind: 'AWS access key ID',
    description: 'An AWS access key ID (AKIA long-term, ASIA temporary).',
    regex: '\\b(?<secret>(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16})\\b',
    keywords: ['akia', 'asia', 'abia', 'acca', 'agpa', 'aida', 'aroa', 'anpa', 'anva', 'aipa'],
    entropy: 3.0,
    allowValues: ['EXAMPLE$'],
    severity: 'high',
  },
  {
    id: 'aws-secret-access-key',
    ruleId: 'BW-SECRET-004',
    kind: 'AWS secret access key',
    description: 'An AWS secret access key assigned to an aws_secret_access_key-like name.',
    regex:
      '(?:aws)?_?(?:secret)_?(?:access)?_?key(?:_id)?["\']?\\s*(?::|=>|=|:=)\\s*["\']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])',
    flags: 'i',
    keywords: ['secret_access_key', 'secretaccesskey', 'secret-access-key', 'aws_secret'],
    entropy: 3.5,
    allowValues: ['EXAMPLEKEY$', 'EXAMPLE'],
    severity: 'critical',
  },
  {
    id: 'gcp-service-account',
    ruleId: 'BW-SECRET-005',
    kind: 'GCP service account key',
    description: 'A Google Cloud service-account JSON key file (type service_account with a private_key_id).',
    regex:
      '"type"\\s*:\\s*"service_account"[\\s\\S]{0,600}?"private_key_id"\\s*:\\s*"(?<secret>[a-f0-9]{40})"',
    keywords: ['service_account'],
    severity: 'critical',
  },
  {
    id: 'azure-storage-key',
    ruleId: 'BW-SECRET-006',
    kind: 'Azure storage account key',
    description: 'An Azure storage account key, in a connection string (AccountKey=) or assigned to a storage key name.',
    regex:
      '(?:AccountKey|(?:azure_)?storage(?:_account)?_?key)["\']?\\s*(?::|=)\\s*["\']?(?<secret>[A-Za-z0-9+/]{86}==)',
    flags: 'i',
    keywords: ['accountkey', 'storage_key', 'storagekey', 'storage_account_key'],
    entropy: 4.0,
    severity: 'critical',
  },
  {
    id: 'github-token',
    ruleId: 'BW-SECRET-007',
    kind: 'GitHub token',
    description: 'A GitHub personal access, OAuth, app or refresh token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_).',
    regex: '\\b(?<secret>(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}))\\b',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    entropy: 3.0,
    severity: 'critical',
  },
  {
    id: 'gitlab-token',
    ruleId: 'BW-SECRET-008',
    kind: 'GitLab token',
    description: 'A GitLab personal, project, runner or pipeline trigger token.',
    regex: '\\b(?<secret>(?:glpat|gldt|glrt|glptt|glcbt)-[A-Za-z0-9_-]{20,})\\b',
    keywords: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-'],
    entropy: 3.0,
    severity: 'critical',
  },
  {
    id: 'slack-token',
    ruleId: 'BW-SECRET-009',
    kind: 'Slack token',
    description: 'A Slack bot/user/app token (xox?-) or an incoming webhook URL.',
    regex:
      '(?<secret>\\bxox[abposr]-[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,}|https://hooks\\.slack\\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})',
    keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-', 'hooks.slack.com'],
    entropy: 3.0,
    severity: 'high',
  },
  {
    id: 'stripe-key',
    ruleId: 'BW-SECRET-010',
    kind: 'Stripe secret key',
    description: 'A live Stripe secret or restricted key (sk_live_, rk_live_).',
    regex: '\\b(?<secret>(?:sk|rk)_live_[0-9A-Za-z]{24,99})\\b',
    keywords: ['sk_live_', 'rk_live_'],
    entropy: 3.0,
    severity: 'critical',
  },
  {
    id: 'npm-token',
    ruleId: 'BW-SECRET-011',
    kind: 'npm access token',
    description: 'An npm granular/automation token (npm_...).',
    regex: '\\b(?<secret>npm_[A-Za-z0-9]{36})\\b',
    keywords: ['npm_'],
    entropy: 3.0,
    severity: 'critical',
  },
  {
    id: 'npmrc-auth',
    ruleId: 'BW-SECRET-011',
    kind: 'npm auth token in .npmrc',
    description: 'An `_authToken`, `_auth` or `_password` entry in an .npmrc file.',
    regex: '(?:_authToken|_auth|_password)\\s*=\\s*["\']?(?<secret>[^\\s"\']{8,})',
    keywords: ['_auth', '_password'],
    paths: ['**/.npmrc', '.npmrc', '**/npmrc'],
    allowValues: DUMMY_VALUES,
    severity: 'critical',
    config: false,
  },
  {
    id: 'pypi-token',
    ruleId: 'BW-SECRET-012',
    kind: 'PyPI upload token',
    description: 'A PyPI API token (pypi-AgEIcHlwaS5vcmc...).',
    regex: '\\b(?<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})',
    keywords: ['pypi-ageicHlwas5vcmc'],
    severity: 'critical',
  },
  {
    id: 'docker-config-auth',
    ruleId: 'BW-SECRET-013',
    kind: 'Docker registry credentials',
    description: 'An `auth` (base64 user:password) or `identitytoken` entry in a Docker config.json / .dockercfg.',
    regex: '"(?:auth|identitytoken)"\\s*:\\s*"(?<secret>[A-Za-z0-9+/=._-]{8,})"',
    keywords: ['"auth"', '"identitytoken"'],
    paths: ['**/.docker/config.json', '.docker/config.json', '**/.dockercfg', '.dockercfg'],
    severity: 'critical',
    config: false,
  },
  {
    id: 'git-credentials',
    ruleId: 'BW-SECRET-015',
    kind: 'git credentials',
    description: 'A URL with a password in a git credential store file (.git-credentials).',
    regex: '(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}://[^:@\\s/]{1,256}:(?<secret>[^@\\s]{1,512})@',
    keywords: ['://'],
    paths: ['**/.git-credentials', '.git-credentials', '**/git/credentials'],
    severity: 'critical',
    config: false,
  },
  {
    id: 'pgpass',
    ruleId: 'BW-SECRET-016',
    kind: 'PostgreSQL password file',
    description: 'A password line in a .pgpass file (host:port:db:user:password).',
    regex: '^(?!#)[^:\\n]*:[^:\\n]*:[^:\\n]*:[^:\\n]*:(?<secret>[^\\n]+)$',
    flags: 'm',
    keywords: [],
    paths: ['**/.pgpass', '.pgpass'],
    severity: 'high',
    config: false,
  },
  {
    id: 'shell-history',
    ruleId: 'BW-SECRET-017',
    kind: 'shell history',
    description:
      'A non-empty shell or client history file: commands typed during the build, often with inline credentials.',
    regex: '',
    keywords: [],
    fileOnly: true,
    paths: [
      '**/.bash_history',
      '**/.zsh_history',
      '**/.ash_history',
      '**/.sh_history',
      '**/.history',
      '**/.psql_history',
      '**/.mysql_history',
      '**/.python_history',
      '**/.node_repl_history',
      '**/.rediscli_history',
      '**/.lesshst',
    ],
    severity: 'medium',
    config: false,
  },
  {
    id: 'jwt',
    ruleId: 'BW-SECRET-018',
    kind: 'JSON Web Token',
    description: 'A signed JWT (header.payload.signature, base64url, header and payload starting with {").',
    regex: '\\b(?<secret>eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,})',
    keywords: ['eyj'],
    entropy: 4.0,
    severity: 'high',
  },
  {
    id: 'dotenv-secret',
    ruleId: 'BW-SECRET-014',
    kind: '.env secret',
    description:
      'A credential-named variable (PASSWORD, SECRET, TOKEN, API_KEY, ...) with a real-looking (non-dummy) value in a .env file.',
    regex:
      '^[ \\t]*(?:export[ \\t]+)?[A-Za-z0-9_.-]{0,64}(?:pass(?:word|wd)?|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth)[A-Za-z0-9_.-]{0,64}[ \\t]*=[ \\t]*["\']?(?<secret>[^\\s"\'#]{4,512})',
    flags: 'im',
    keywords: ['pass', 'secret', 'token', 'key', 'credential', 'auth'],
    paths: ['**/.env', '.env', '**/.env.*', '.env.*', '**/*.env'],
    allowPaths: ['**/.env.example', '**/.env.sample', '**/.env.template', '**/.env.dist'],
    allowValues: DUMMY_VALUES,
    severity: 'high',
    config: false,
  },
  {
    id: 'url-credentials',
    ruleId: 'BW-SECRET-021',
    kind: 'password in a connection URL',
    description:
      'user:password@ in a postgres, mysql/mariadb, mongodb(+srv), redis(s), amqp(s) or http(s) URL (DATABASE_URL, ' +
      'broker and proxy settings); placeholders (`user:password@localhost`, `${DB_PASS}`, `%s`, `{password}`) and the ' +
      'documentation domains (example.com/.org/.net, *.example, *.test, *.invalid) are not secrets.',
    regex:
      '\\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|https?)://[^\\s:@/"\'<>\\\\]{0,64}:(?<secret>[^\\s@/"\'<>\\\\]{4,128})@(?=[A-Za-z0-9[_-])(?!(?:[A-Za-z0-9-]+\\.)*(?:example|test|invalid)(?:\\.(?:com|org|net))?(?![A-Za-z0-9-]))',
    flags: 'i',
    keywords: ['postgres://', 'postgresql://', 'mysql://', 'mariadb://', 'mongodb://', 'mongodb+srv://', 'redis://', 'rediss://', 'amqp://', 'amqps://', 'http://', 'https://'],
    allowValues: [
      ...DUMMY_VALUES,
      // the passwords documentation uses
      '^(?:pass(?:word)?\\d*|passwd|pwd|pw|secret|s3cr3t|tiger|foo|bar|baz|qux|user(?:name)?|guest|admin|root|test|demo|x+|p@ss(?:w[o0]rd)?|mypass(?:word)?|yourpass(?:word)?|hunter2|pa\\$\\$w[o0]rd)$',
      // template placeholders: %s, %(password)s, {password}, :password, $PASS, <pass>, [password]
      '^(?:%|\\{|:|\\$|<|\\[)',
    ],
    severity: 'high',
  },
  {
    id: 'generic-password',
    ruleId: 'BW-SECRET-019',
    kind: 'hard-coded password or secret',
    description:
      'A password=/secret=/token=/api_key= assignment whose value has high entropy, in a configuration-like file ' +
      '(source code files are skipped: their assignments are mostly reads of variables).',
    regex:
      '(?<![A-Za-z0-9_-])(?:[A-Za-z0-9-]{1,40}_){0,4}(?:password|passwd|pwd|secret|secret_?key|api_?key|apikey|access_?token|auth_?token|client_?secret)["\']?\\s*(?::|=|=>)\\s*(?<q>["\']?)(?<secret>[A-Za-z0-9!#%&*+,./:;<>?@^_|~=-]{8,128})\\k<q>(?=\\s|$|[,;}])',
    flags: 'i',
    keywords: ['pass', 'pwd', 'secret', 'api_key', 'apikey', 'token'],
    entropy: 3.2,
    allowPaths: CODE_FILES,
    allowValues: [
      ...DUMMY_VALUES,
      '^[a-z_]+(?:\\.[a-z_]+)+$', // dotted identifiers: settings.SECRET_KEY
      '^/', // paths
      '^https?://[^:@]*$', // URLs without credentials
      '^[A-Za-z_-]+$', // words and identifiers (elevated-privileges, some_setting): no digit, no symbol
      '^[A-Za-z_]+[A-Za-z0-9_]*\\(', // calls
    ],
    severity: 'high',
  },
];
