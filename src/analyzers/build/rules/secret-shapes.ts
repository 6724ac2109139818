/** Does a name or a value look like a secret? Values are never echoed back: see redact(). */

const SECRET_NAME = /(^|[_.-])(pass(word|wd|phrase)?|pwd|pword|psw|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|secret[_-]?key|client[_-]?secret|credentials?|auth[_-]?token|session[_-]?token|signing[_-]?key|encryption[_-]?key|db[_-]?pass|connection[_-]?string|dsn)($|[_.-])/i;
/** names that contain a secret word but name something harmless (a path, a flag, a public part) */
const HARMLESS_NAME = /(_FILE|_PATH|_DIR|_URL|_URI|_HOST|_PORT|_USER(NAME)?|_NAME|_ID|_VERSION|_LENGTH|_TTL|_EXPIRY|_TIMEOUT|_ENABLED|_HEADER|_TYPE|_ALGORITHM|_MODE)$|PUBLIC|_PUB$|NO_AUTH/i;
/** Trivy DS031's list */
const KNOWN = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'GITHUB_TOKEN', 'OPENAI_API_KEY', 'HF_TOKEN', 'NPM_TOKEN', 'GH_TOKEN', 'GITLAB_TOKEN', 'DOCKER_PASSWORD', 'DOCKER_AUTH_CONFIG', 'SLACK_TOKEN', 'STRIPE_SECRET_KEY', 'SENTRY_AUTH_TOKEN', 'ANTHROPIC_API_KEY']);

export function isSecretName(name: string): boolean {
  const bare = name.replace(/^(VITE_|REACT_APP_|NEXT_PUBLIC_)/, '');
  if (KNOWN.has(bare.toUpperCase())) return true;
  return SECRET_NAME.test(bare) && !HARMLESS_NAME.test(bare);
}

const SHAPES: Array<[string, RegExp]> = [
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['GitHub token', /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/],
  ['GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['Stripe key', /\b[sr]k_live_[A-Za-z0-9]{20,}\b/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['private key', /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/],
  ['JSON web token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['password in URL', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@$]{3,}@/i],
];

export function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Only the unmistakable token formats (no entropy guess): safe to run over whole RUN lines. */
export function strongSecretShape(text: string): string | undefined {
  for (const [kind, re] of SHAPES) if (re.test(text)) return kind;
  return undefined;
}

/** The kind of secret a value looks like, or undefined. */
export function secretShape(value: string): string | undefined {
  const strong = strongSecretShape(value);
  if (strong) return strong;
  const v = value.trim();
  // a long random-looking token: letters and digits mixed, high entropy, no spaces or path/URL shape
  if (v.length >= 24 && v.length <= 200 && !/\s/.test(v) && !/^[/.~]/.test(v) && !/^[a-z]+:\/\//i.test(v) && /[0-9]/.test(v) && /[A-Za-z]/.test(v) && !/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(v) && !/^sha\d+:/.test(v)) {
    if (shannon(v) >= 4.2) return 'high-entropy string';
  }
  return undefined;
}

/** Never show a secret: keep a hint of its length only. */
export function redact(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 2)}…(${value.length} chars)`;
}

/** Placeholder values that are clearly not secrets. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  return v === '' || v.startsWith('$') || /^(changeme|change_me|example|xxx+|\*+|none|null|false|true|todo|secret|password|dummy|test|<.*>)$/i.test(v) || /^\/(run\/secrets|etc|var|tmp|app|home)\//.test(v);
}
