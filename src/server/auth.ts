/**
 * Who may call what. Every write (index, delete, database update, webhook settings, acknowledgements) needs
 * a credential; reads too unless `--public-reads`. Two kinds of credential, both as `Authorization: Bearer`:
 *
 *  - tokens from `--tokens FILE`: one `TOKEN SCOPE[,SCOPE...]` per line (`#` comments), scopes read, write,
 *    admin; compared in constant time through their SHA-256 (the file's tokens are never kept in clear);
 *  - JWTs signed with a pre-shared key (`--jwt-key FILE`, HS256, as Clair does): `exp` required, `nbf` and
 *    `iss` (against `--jwt-issuer`) checked, scopes in the `scope` claim (space- or comma-separated).
 *
 * Scopes nest: `admin` includes `write`, `write` includes `read`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../core/errors.js';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  /** a label safe to log: `token:<first 8 hex of its hash>` or `jwt:<sub>` */
  id: string;
  scopes: Set<Scope>;
}

const MAX_FILE = 1 << 20;

function readSmall(path: string, what: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`${what} not found: ${path}`);
  }
  if (!st.isFile()) throw new UserError(`${what} is not a file: ${path}`);
  if (st.size > MAX_FILE) throw new UserError(`${what} is larger than 1 MiB: ${path}`);
  return readFileSync(path, 'utf8');
}

const sha = (s: string) => createHash('sha256').update(s).digest();

function parseScopes(list: string, where: string): Set<Scope> {
  const out = new Set<Scope>();
  for (const raw of list.split(/[,\s]+/)) {
    if (!raw) continue;
    const s = raw.toLowerCase();
    if (!(SCOPES as readonly string[]).includes(s)) throw new UserError(`${where}: unknown scope '${raw}' (read, write, admin)`);
    out.add(s as Scope);
  }
  return out;
}

/** Parse a tokens file: `TOKEN SCOPE[,SCOPE...]` per line. */
export function parseTokens(text: string, file = 'tokens file'): Array<{ hash: Buffer; scopes: Set<Scope> }> {
  const out: Array<{ hash: Buffer; scopes: Set<Scope> }> = [];
  text.split('\n').forEach((line, i) => {
    const t = line.replace(/\r$/, '').trim();
    if (!t || t.startsWith('#')) return;
    const m = /^(\S+)\s+(\S.*)$/.exec(t);
    if (!m) throw new UserError(`${file}:${i + 1}: expected "TOKEN SCOPE[,SCOPE...]"`);
    if (m[1]!.length < 16) throw new UserError(`${file}:${i + 1}: token shorter than 16 characters`);
    const scopes = parseScopes(m[2]!, `${file}:${i + 1}`);
    if (!scopes.size) throw new UserError(`${file}:${i + 1}: no scope`);
    out.push({ hash: sha(m[1]!), scopes });
  });
  return out;
}

function b64urlJson(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface AuthOptions {
  tokensFile?: string;
  jwtKeyFile?: string;
  jwtIssuers?: string[];
  /** GET endpoints (reads) need no credential */
  publicReads?: boolean;
}

export class Authenticator {
  private readonly tokens: Array<{ hash: Buffer; scopes: Set<Scope> }>;
  private readonly jwtKey?: Buffer;
  private readonly issuers?: Set<string>;
  readonly publicReads: boolean;

  constructor(opts: AuthOptions) {
    this.tokens = opts.tokensFile ? parseTokens(readSmall(opts.tokensFile, 'tokens file'), opts.tokensFile) : [];
    if (opts.jwtKeyFile) {
      const key = readSmall(opts.jwtKeyFile, 'JWT key file').trim();
      if (key.length < 32) throw new UserError(`JWT key in ${opts.jwtKeyFile} is shorter than 32 characters`);
      this.jwtKey = Buffer.from(key, 'utf8');
    }
    if (opts.jwtIssuers?.length) this.issuers = new Set(opts.jwtIssuers);
    this.publicReads = Boolean(opts.publicReads);
  }

  /** True when no credential can ever be valid (then writes are impossible: the server says so at start). */
  get empty(): boolean {
    return this.tokens.length === 0 && !this.jwtKey;
  }

  /** The principal of an `Authorization` header value, or undefined when missing or invalid. */
  authenticate(header: string | undefined): Principal | undefined {
    if (!header) return undefined;
    const m = /^Bearer\s+(\S{1,8192})$/i.exec(header.trim());
    if (!m) return undefined;
    const cred = m[1]!;
    if (this.jwtKey && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(cred)) {
      const p = this.verifyJwt(cred);
      if (p) return p;
    }
    const h = sha(cred);
    for (const t of this.tokens) if (timingSafeEqual(t.hash, h)) return { id: `token:${h.toString('hex').slice(0, 8)}`, scopes: t.scopes };
    return undefined;
  }

  private verifyJwt(jwt: string): Principal | undefined {
    const [h, p, sig] = jwt.split('.') as [string, string, string];
    const header = b64urlJson(h);
    if (!header || header.alg !== 'HS256') return undefined;
    const want = createHmac('sha256', this.jwtKey!).update(`${h}.${p}`).digest();
    let got: Buffer;
    try {
      got = Buffer.from(sig, 'base64url');
    } catch {
      return undefined;
    }
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    const claims = b64urlJson(p);
    if (!claims) return undefined;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp < now - 30) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > now + 30) return undefined;
    if (this.issuers && (typeof claims.iss !== 'string' || !this.issuers.has(claims.iss))) return undefined;
    let scopes: Set<Scope>;
    try {
      scopes = parseScopes(typeof claims.scope === 'string' ? claims.scope : '', 'jwt');
    } catch {
      return undefined;
    }
    return { id: `jwt:${typeof claims.sub === 'string' ? claims.sub.slice(0, 64) : 'anonymous'}`, scopes };
  }
}

const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export function hasScope(p: Principal | undefined, scope: Scope): boolean {
  if (!p) return false;
  for (const s of p.scopes) if (RANK[s] >= RANK[scope]) return true;
  return false;
}

/** An HS256 JWT (for tests and for `bulwark image --server` users who hold the key). */
export function signJwt(claims: Record<string, unknown>, key: string): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
}
