/**
 * Registry authentication (distribution's token spec, as docker and containerd speak it):
 *  - a 401 carries `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` -> a token is fetched from
 *    the realm (GET with basic credentials, or POST with an identity token as an OAuth2 refresh token) for the
 *    scope asked for, cached per scope until it expires, and sent as `Authorization: Bearer ...`;
 *  - `WWW-Authenticate: Basic realm="..."` -> `Authorization: Basic ...` with the registry's credentials.
 * A challenge is answered once per request: a second 401 is an authentication failure, not a loop.
 */
import type { Credentials } from './credentials.js';
import { RegistryError, oneLine, registryErrorText } from './errors.js';
import type { Transport } from './http.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parse a WWW-Authenticate header value into its challenges (RFC 7235 syntax, tolerant). */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (!header) return [];
  const text = (Array.isArray(header) ? header.join(', ') : header).slice(0, 8192);
  const out: Challenge[] = [];
  let i = 0;
  const n = text.length;
  const skipWs = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
  };
  const token = (): string => {
    const s = i;
    while (i < n && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(text[i]!)) i++;
    return text.slice(s, i);
  };
  let cur: Challenge | undefined;
  while (i < n) {
    skipWs();
    const start = i;
    const t = token();
    if (!t) {
      i = Math.max(i + 1, start + 1);
      continue;
    }
    let j = i;
    while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] === '=' && cur) {
      // an auth-param of the current challenge
      i = j + 1;
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      let value = '';
      if (text[i] === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < n) i++;
          value += text[i];
          i++;
        }
        i++;
      } else {
        const s = i;
        while (i < n && text[i] !== ',' && text[i] !== ' ') i++;
        value = text.slice(s, i);
      }
      cur.params[t.toLowerCase()] = value;
    } else {
      cur = { scheme: t.toLowerCase(), params: {} };
      out.push(cur);
    }
  }
  return out;
}

interface CachedToken {
  value: string;
  expires: number;
}

export interface AuthState {
  /** the scheme the registry asked for last: requests are then authorised up front */
  scheme?: 'bearer' | 'basic';
  bearer?: Challenge;
}

/** Authorisation for one registry; tokens are cached per scope string. */
export class Authenticator {
  readonly state: AuthState = {};
  private readonly tokens = new Map<string, CachedToken>();
  private creds: Promise<Credentials | undefined> | undefined;

  constructor(
    readonly registry: string,
    private readonly transport: Transport,
    private readonly loadCredentials: () => Promise<Credentials | undefined>,
  ) {}

  credentials(): Promise<Credentials | undefined> {
    this.creds ??= this.loadCredentials();
    return this.creds;
  }

  /** The Authorization header for a request in `scope`, when one is known without asking the registry. */
  async header(scope: string): Promise<string | undefined> {
    if (this.state.scheme === 'basic') return this.basicHeader();
    if (this.state.scheme === 'bearer') {
      const t = this.tokens.get(scope);
      if (t && t.expires > Date.now()) return `Bearer ${t.value}`;
      if (this.state.bearer) return `Bearer ${await this.fetchToken(this.state.bearer, scope)}`;
    }
    return undefined;
  }

  private async basicHeader(): Promise<string | undefined> {
    const c = await this.credentials();
    if (!c?.username || c.password === undefined) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  }

  /**
   * Answer a 401. Returns the header to retry with, or throws a RegistryError saying why access is not
   * possible (no credentials, unsupported scheme).
   */
  async answer(wwwAuthenticate: string | string[] | undefined, scope: string, what: string): Promise<string> {
    const challenges = parseChallenges(wwwAuthenticate);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      if (!bearer.params.realm) throw new RegistryError(`${this.registry}: the Bearer challenge names no realm (token service)`, 401);
      this.state.scheme = 'bearer';
      this.state.bearer = bearer;
      this.tokens.delete(scope);
      return `Bearer ${await this.fetchToken(bearer, scope)}`;
    }
    if (basic) {
      this.state.scheme = 'basic';
      const h = await this.basicHeader();
      if (!h) throw new RegistryError(`${what}: ${this.registry} requires a login (basic auth) and no credentials were found; run 'docker login ${this.registry}' or pass --username with --password-stdin`, 401, 'UNAUTHORIZED');
      return h;
    }
    const schemes = challenges.map((c) => c.scheme).join(', ');
    throw new RegistryError(`${what}: ${this.registry} requires authentication${schemes ? ` with an unsupported scheme (${oneLine(schemes, 60)})` : ' but sent no usable WWW-Authenticate challenge'}`, 401, 'UNAUTHORIZED');
  }

  /** Fetch a bearer token for `scope` from the challenge's realm. */
  private async fetchToken(ch: Challenge, scope: string): Promise<string> {
    const cached = this.tokens.get(scope);
    if (cached && cached.expires > Date.now()) return cached.value;
    let realm: URL;
    try {
      realm = new URL(ch.params.realm!);
    } catch {
      throw new RegistryError(`${this.registry}: the token realm '${oneLine(ch.params.realm ?? '', 100)}' is not a URL`, 401);
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && this.transport.insecureAllowed(realm.host))) {
      throw new RegistryError(`${this.registry}: the token service ${oneLine(realm.origin, 100)} is not HTTPS; refused (allow it with --insecure-registry ${realm.host})`, 401);
    }
    const creds = await this.credentials();
    const scopes = scope ? scope.split(' ') : [];
    let res;
    if (creds?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'bulwark' });
      if (ch.params.service) form.set('service', ch.params.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.transport.send({ method: 'POST', url: realm, body: Buffer.from(form.toString()), headers: { 'content-type': 'application/x-www-form-urlencoded' }, kind: 'token', idempotent: true });
    } else {
      const u = new URL(realm);
      if (ch.params.service) u.searchParams.set('service', ch.params.service);
      for (const s of scopes) u.searchParams.append('scope', s);
      if (creds?.username) u.searchParams.set('account', creds.username);
      const headers: Record<string, string> = {};
      if (creds?.username && creds.password !== undefined) headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      res = await this.transport.send({ method: 'GET', url: u, headers, kind: 'token' });
    }
    const body = await this.transport.readBody(res, 1024 * 1024, `token from ${realm.host}`);
    if (res.status === 401 || res.status === 403) {
      const e = registryErrorText(body);
      const who = creds ? `the credentials from ${creds.source} were rejected` : 'anonymous access was refused';
      throw new RegistryError(`${this.registry}: token service ${realm.host}: ${who} (${res.status}${e.message ? `: ${e.message}` : ''})`, res.status, 'UNAUTHORIZED');
    }
    if (res.status !== 200) throw new RegistryError(`${this.registry}: token service ${realm.host} answered ${res.status}`, res.status);
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      doc = JSON.parse(body.toString('utf8')) as typeof doc;
    } catch {
      throw new RegistryError(`${this.registry}: token service ${realm.host} sent invalid JSON`);
    }
    const token = typeof doc?.token === 'string' && doc.token ? doc.token : typeof doc?.access_token === 'string' ? doc.access_token : '';
    if (!token || token.length > 64 * 1024 || /[\r\n]/.test(token)) throw new RegistryError(`${this.registry}: token service ${realm.host} sent no usable token`);
    const ttl = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? Math.min(doc.expires_in, 3600) : 60;
    this.tokens.set(scope, { value: token, expires: Date.now() + Math.max(1, ttl - 10) * 1000 });
    return token;
  }
}
