/**
 * What a TLS server accepts, asked the way testssl.sh and sslscan do: a hand-built ClientHello offering one
 * protocol version and a chosen set of cipher suites, and the server's first answer read back (ServerHello:
 * the version and suite it picked; an alert or a closed connection: refused). This does not depend on what
 * the local OpenSSL still implements (RC4, export and NULL suites are long gone from it) and completes no
 * handshake. The certificate itself is read with node:tls (`inspectCertificate`).
 */
import net from 'node:net';
import tls, { type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';

export const TLS_VERSIONS = { 'TLSv1.0': 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303 } as const;
export type ProbedVersion = keyof typeof TLS_VERSIONS;

/** A cipher suite class Bulwark calls weak, with its IANA suites and why. */
export interface CipherClass {
  name: string;
  why: string;
  /** higher = worse */
  weight: number;
  suites: Record<number, string>;
}

export const WEAK_CIPHER_CLASSES: CipherClass[] = [
  {
    name: 'NULL',
    why: 'no encryption at all',
    weight: 4,
    suites: { 0x0001: 'TLS_RSA_WITH_NULL_MD5', 0x0002: 'TLS_RSA_WITH_NULL_SHA', 0x003b: 'TLS_RSA_WITH_NULL_SHA256', 0xc006: 'TLS_ECDHE_ECDSA_WITH_NULL_SHA', 0xc010: 'TLS_ECDHE_RSA_WITH_NULL_SHA' },
  },
  {
    name: 'anonymous',
    why: 'no server authentication (anyone on the path can impersonate the registry)',
    weight: 4,
    suites: { 0x0018: 'TLS_DH_anon_WITH_RC4_128_MD5', 0x0034: 'TLS_DH_anon_WITH_AES_128_CBC_SHA', 0x003a: 'TLS_DH_anon_WITH_AES_256_CBC_SHA', 0xc018: 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA', 0xc019: 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA' },
  },
  {
    name: 'EXPORT',
    why: '40/56-bit export-grade keys (FREAK, Logjam)',
    weight: 4,
    suites: { 0x0003: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', 0x0006: 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5', 0x0008: 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA', 0x0014: 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA' },
  },
  {
    name: 'RC4',
    why: 'RC4 keystream biases (RFC 7465 prohibits it)',
    weight: 3,
    suites: { 0x0004: 'TLS_RSA_WITH_RC4_128_MD5', 0x0005: 'TLS_RSA_WITH_RC4_128_SHA', 0xc007: 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 0xc011: 'TLS_ECDHE_RSA_WITH_RC4_128_SHA' },
  },
  {
    name: 'DES/3DES',
    why: '64-bit block ciphers (SWEET32) or 56-bit DES',
    weight: 3,
    suites: { 0x0009: 'TLS_RSA_WITH_DES_CBC_SHA', 0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 0x0016: 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', 0xc008: 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA', 0xc012: 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA' },
  },
  {
    name: 'static RSA key exchange',
    why: 'no forward secrecy: a stolen server key decrypts every recorded session (and ROBOT-class oracles)',
    weight: 2,
    suites: { 0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA', 0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA', 0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256', 0x003d: 'TLS_RSA_WITH_AES_256_CBC_SHA256', 0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256', 0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384' },
  },
  {
    name: 'CBC without AEAD',
    why: 'MAC-then-encrypt CBC suites (Lucky13, padding oracles); current guidance keeps only AEAD suites',
    weight: 1,
    suites: { 0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 0xc023: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 0xc027: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 0x0033: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 0x0039: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA' },
  },
];

/** A broad list (modern and legacy) used when only the protocol version is being asked about. */
const ALL_SUITES: number[] = [
  0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009e, 0x009f,
  ...WEAK_CIPHER_CLASSES.flatMap((c) => Object.keys(c.suites).map(Number)),
];

export interface HelloAnswer {
  accepted: boolean;
  /** the version the server answered with (0x0301...) */
  version?: number;
  suite?: number;
  /** why not: alert description, closed, timeout, not TLS */
  reason?: string;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function ext(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), u16(body.length), body]);
}

/** Build a ClientHello record offering `version` and `suites`. */
export function clientHello(version: number, suites: number[], servername?: string): Buffer {
  const random = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) random[i] = Math.floor(Math.random() * 256);
  const exts: Buffer[] = [];
  if (servername && !isIP(servername)) {
    const name = Buffer.from(servername, 'ascii');
    const entry = Buffer.concat([Buffer.from([0]), u16(name.length), name]);
    exts.push(ext(0x0000, Buffer.concat([u16(entry.length), entry])));
  }
  const groups = [0x001d, 0x0017, 0x0018, 0x0019];
  exts.push(ext(0x000a, Buffer.concat([u16(groups.length * 2), ...groups.map(u16)])));
  exts.push(ext(0x000b, Buffer.from([1, 0])));
  if (version >= 0x0303) {
    const sigalgs = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201];
    exts.push(ext(0x000d, Buffer.concat([u16(sigalgs.length * 2), ...sigalgs.map(u16)])));
  }
  exts.push(ext(0xff01, Buffer.from([0])));
  exts.push(ext(0x0017, Buffer.alloc(0)));
  const extBlock = Buffer.concat(exts);
  const body = Buffer.concat([
    u16(version),
    random,
    Buffer.from([0]), // no session id
    u16(suites.length * 2),
    ...suites.map(u16),
    Buffer.from([1, 0]), // compression: null
    u16(extBlock.length),
    extBlock,
  ]);
  const hs = Buffer.concat([Buffer.from([1, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), u16(hs.length), hs]);
}

/** Parse the server's first record(s): a ServerHello, an alert, or something that is not TLS. */
export function parseServerAnswer(buf: Buffer): HelloAnswer | undefined {
  if (buf.length < 5) return undefined;
  const type = buf[0]!;
  if (type === 0x15) {
    if (buf.length < 7) return undefined;
    return { accepted: false, reason: `alert ${buf[6]}` };
  }
  if (type !== 0x16) return { accepted: false, reason: 'not TLS' };
  const len = buf.readUInt16BE(3);
  if (buf.length < 5 + Math.min(len, 4 + 2 + 32 + 1)) return undefined;
  const hs = buf.subarray(5);
  if (hs[0] !== 2) return { accepted: false, reason: `unexpected handshake message ${hs[0]}` };
  if (hs.length < 4 + 2 + 32 + 1) return undefined;
  let p = 4;
  const version = hs.readUInt16BE(p);
  p += 2 + 32;
  const sidLen = hs[p]!;
  p += 1 + sidLen;
  if (hs.length < p + 2) return undefined;
  const suite = hs.readUInt16BE(p);
  return { accepted: true, version, suite };
}

/** Send one ClientHello and read the answer (bounded: 16 KiB, `timeoutMs`). */
export function probeHello(host: string, port: number, version: number, suites: number[], opts: { servername?: string; timeoutMs?: number } = {}): Promise<HelloAnswer> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (a: HelloAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => finish({ accepted: false, reason: 'timeout' }), opts.timeoutMs ?? 10_000);
    sock.on('connect', () => sock.write(clientHello(version, suites, opts.servername ?? host)));
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const a = parseServerAnswer(buf);
      if (a) finish(a);
      else if (buf.length > 16 * 1024) finish({ accepted: false, reason: 'unparseable answer' });
    });
    sock.on('error', (e) => finish({ accepted: false, reason: (e as NodeJS.ErrnoException).code ?? e.message }));
    sock.on('close', () => finish({ accepted: false, reason: 'closed' }));
  });
}

/** Does the server complete a hello at `version` (with any suite)? */
export async function acceptsVersion(host: string, port: number, v: ProbedVersion, opts: { servername?: string; timeoutMs?: number } = {}): Promise<boolean> {
  const a = await probeHello(host, port, TLS_VERSIONS[v], ALL_SUITES, opts);
  return a.accepted && a.version === TLS_VERSIONS[v];
}

export interface WeakCipherHit {
  class: string;
  why: string;
  weight: number;
  suite: string;
  version: ProbedVersion;
}

/**
 * The weak suites the server picks, class by class: offer the class, note the suite chosen, offer the rest
 * again (so every accepted suite of a class is found, at most one connection per suite).
 */
export async function weakCiphers(host: string, port: number, versions: ProbedVersion[], opts: { servername?: string; timeoutMs?: number } = {}): Promise<WeakCipherHit[]> {
  const out: WeakCipherHit[] = [];
  for (const v of versions) {
    for (const cls of WEAK_CIPHER_CLASSES) {
      let offer = Object.keys(cls.suites).map(Number);
      while (offer.length) {
        const a = await probeHello(host, port, TLS_VERSIONS[v], offer, opts);
        if (!a.accepted || a.suite === undefined || !offer.includes(a.suite) || a.version !== TLS_VERSIONS[v]) break;
        out.push({ class: cls.name, why: cls.why, weight: cls.weight, suite: cls.suites[a.suite]!, version: v });
        offer = offer.filter((s) => s !== a.suite);
      }
    }
  }
  return out;
}

export interface CertificateFacts {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** days until notAfter (negative: expired) */
  daysLeft: number;
  selfSigned: boolean;
  /** DNS names and IPs the certificate is valid for */
  names: string[];
  /** null when the name matches, else why not */
  hostnameError: string | null;
  /** the chain verification error against the trusted roots (system + --ca-cert + certs.d), or null */
  verifyError: string | null;
  /** TLS version and suite negotiated by node:tls (modern client) */
  protocol: string | null;
  cipher: string | null;
  fingerprint256: string;
}

/** Connect with node:tls (no verification enforced), read the leaf certificate and the verification verdict. */
export function inspectCertificate(host: string, port: number, opts: { ca?: Buffer[]; servername?: string; timeoutMs?: number } = {}): Promise<CertificateFacts> {
  return new Promise((resolve, reject) => {
    const servername = opts.servername ?? host;
    const sock = tls.connect({
      host,
      port,
      servername: isIP(servername) ? undefined : servername,
      rejectUnauthorized: false,
      // read the certificate even from servers that only speak old protocols or suites
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
      ca: opts.ca?.length ? [...tls.rootCertificates, ...opts.ca.map((b) => b.toString('utf8'))] : undefined,
    });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(Object.assign(new Error(`TLS handshake with ${host}:${port} timed out`), { code: 'BULWARK_TIMEOUT' }));
    }, opts.timeoutMs ?? 10_000);
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('secureConnect', () => {
      clearTimeout(timer);
      try {
        const peer = sock.getPeerCertificate(false) as PeerCertificate;
        if (!peer || !peer.raw) throw new Error('the server sent no certificate');
        const x = new X509Certificate(peer.raw);
        const names = (x.subjectAltName ?? '')
          .split(/,\s*/)
          .map((s) => s.replace(/^(DNS|IP Address):/, ''))
          .filter(Boolean);
        const idErr = tls.checkServerIdentity(servername, peer);
        // the chain verdict only: a name mismatch is reported apart (hostnameError)
        const authErr = sock.authorized ? null : String((sock.authorizationError as unknown as { code?: string })?.code ?? sock.authorizationError ?? 'not trusted');
        const verifyError = authErr === 'ERR_TLS_CERT_ALTNAME_INVALID' ? null : authErr;
        const cipher = sock.getCipher();
        resolve({
          subject: x.subject.replace(/\n/g, ', '),
          issuer: x.issuer.replace(/\n/g, ', '),
          validFrom: new Date(x.validFrom).toISOString(),
          validTo: new Date(x.validTo).toISOString(),
          daysLeft: Math.floor((Date.parse(x.validTo) - Date.now()) / 86_400_000),
          selfSigned: x.checkIssued(x) && x.verify(x.publicKey),
          names,
          hostnameError: idErr ? idErr.message : null,
          verifyError,
          protocol: sock.getProtocol(),
          cipher: cipher?.standardName ?? cipher?.name ?? null,
          fingerprint256: x.fingerprint256,
        });
      } catch (e) {
        reject(e);
      } finally {
        sock.destroy();
      }
    });
  });
}
