/**
 * Who the server is: the certificate check every TLS connection of a
 * session runs when its handshake ends, control and data alike.
 *
 * Node verifies a certificate inside the handshake and, when it refuses,
 * destroys the socket before anyone can read the certificate, so an error
 * could never say which certificate was refused. The check therefore runs
 * here, on the finished handshake: Node still computes the verdict
 * (`authorized`, `authorizationError`, the host name check included) and we
 * act on it, with the certificate at hand. A pinned fingerprint replaces the
 * verdict: the certificate is accepted if and only if its SHA-256 matches,
 * whoever signed it, and data connections must show the same certificate.
 */
import type * as tls from 'node:tls';
import { FtpError } from './errors';
import { tlsError } from './tls-errors';

/** What a connection must prove; stored on the connection options under a symbol tls.connect ignores. */
export interface PeerPolicy {
  /** Refuse a certificate Node did not authorize (chain and host name). */
  verify: boolean;
  /** Accept exactly this certificate (normalized "AB:CD:..." SHA-256), instead of `verify`. */
  pin?: string;
}

/** The server certificate as a user can compare it: from an error, a log or "Test connection". */
export interface PeerCertificate {
  subject: string;
  issuer: string;
  /** SHA-256 of the DER certificate, "AB:CD:..." upper case. */
  fingerprint256: string;
  validFrom: string;
  validTo: string;
}

const POLICY = Symbol('ftps.peerPolicy');
/** The pinned certificate as a full handshake showed it (DER), per policy: a resumed session is checked against it. */
const pinnedDer = new WeakMap<PeerPolicy, Buffer>();
type WithPolicy = tls.ConnectionOptions & { [POLICY]?: PeerPolicy };

/**
 * "ab cd:EF..." → "AB:CD:EF:..." (64 hex digits, separators and case free).
 * Anything else is an input error naming the setting, so a typo is not
 * mistaken for a server with a different certificate.
 */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/^\s*sha-?256\s*[:=]?/i, '').replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new FtpError('fingerprint: expected the SHA-256 fingerprint of the server certificate (64 hex digits, colons optional)', { kind: 'input' });
  }
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/**
 * Put the policy on connection options. Node's own refusal is switched off
 * (the verdict is acted on in checkPeer); with a pin the host name check is
 * too, as a device's self-signed certificate rarely names the address used.
 */
export function withPeerPolicy(o: tls.ConnectionOptions, policy: PeerPolicy): tls.ConnectionOptions {
  const out: WithPolicy = { ...o, rejectUnauthorized: false };
  out[POLICY] = policy;
  if (policy.pin) out.checkServerIdentity = () => undefined;
  return out;
}

/** The policy on a set of options (kept through object spread); none means: accept. */
export function peerPolicyOf(o: tls.ConnectionOptions): PeerPolicy | undefined {
  return (o as WithPolicy)[POLICY];
}

function dn(name: unknown): string {
  if (!name || typeof name !== 'object') return '';
  return Object.entries(name as Record<string, unknown>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** The peer's certificate in comparable terms, or null when the connection has none. */
export function peerCertificate(sock: tls.TLSSocket): PeerCertificate | null {
  const c = sock.getPeerCertificate();
  if (!c || !c.fingerprint256) return null;
  return { subject: dn(c.subject), issuer: dn(c.issuer), fingerprint256: c.fingerprint256.toUpperCase(), validFrom: c.valid_from, validTo: c.valid_to };
}

/** "subject ..., issuer ..., SHA-256 fingerprint ..." for error texts. */
export function describeCertificate(c: PeerCertificate): string {
  return `certificate subject "${c.subject}", issuer "${c.issuer}", SHA-256 fingerprint ${c.fingerprint256}`;
}

/** A refused certificate: the error carries the certificate, so a caller can offer to pin it. */
export class CertificateError extends FtpError {
  readonly certificate: PeerCertificate | null;

  constructor(message: string, certificate: PeerCertificate | null, cause: Error) {
    super(message, { kind: 'tls', code: 0, cause });
    this.certificate = certificate;
  }
}

/**
 * Check a finished handshake against the policy on its options: null when
 * the connection may be used, else the error to fail it with.
 */
export function checkPeer(options: tls.ConnectionOptions, sock: tls.TLSSocket, where: string): FtpError | null {
  const policy = peerPolicyOf(options);
  if (!policy) return null;
  const cert = peerCertificate(sock);
  if (policy.pin) {
    if (cert && cert.fingerprint256 === policy.pin) {
      const der = sock.getPeerCertificate().raw;
      if (der) pinnedDer.set(policy, der);
      return null;
    }
    // A resumed session shows no certificate (Node gives none): it is accepted only when the
    // session offered is one that holds the pinned certificate (an OpenSSL session carries
    // the peer's certificate), so a session planted by another server cannot stand in for it.
    const der = pinnedDer.get(policy);
    const offered = options.session;
    if (!cert && sock.isSessionReused() && der && Buffer.isBuffer(offered) && offered.indexOf(der) >= 0) return null;
    const why = cert ? `its ${describeCertificate(cert)}` : 'it showed no certificate';
    const cause = Object.assign(new Error('certificate fingerprint mismatch'), { code: 'ERR_FTPS_FINGERPRINT_MISMATCH' });
    return new CertificateError(`TLS handshake of the ${where} refused: the server certificate is not the pinned one (fingerprint ${policy.pin}); ${why}`, cert, cause);
  }
  if (!policy.verify || sock.authorized) return null;
  const reason = sock.authorizationError;
  const code = typeof reason === 'string' ? reason : (reason as NodeJS.ErrnoException | undefined)?.code ?? 'UNABLE_TO_VERIFY';
  const cause = Object.assign(new Error(typeof reason === 'string' ? reason : reason?.message ?? 'certificate not verified'), { code });
  const base = tlsError(cause, `handshake of the ${where}`).message;
  const text = cert ? `${base}; ${describeCertificate(cert)} (to trust exactly this certificate, set it as the server's fingerprint)` : base;
  return new CertificateError(text, cert, cause);
}

/** What "Test connection" shows of a secured connection. */
export interface TlsConnectionInfo {
  protocol: string;
  cipher: string;
  authorized: boolean;
  certificate: PeerCertificate | null;
}

export function tlsConnectionInfo(sock: tls.TLSSocket): TlsConnectionInfo {
  return { protocol: sock.getProtocol() ?? '', cipher: sock.getCipher()?.name ?? '', authorized: sock.authorized, certificate: peerCertificate(sock) };
}
