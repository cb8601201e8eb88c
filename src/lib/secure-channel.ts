/**
 * TLS for a session: the options every connection shares, the session
 * every data connection resumes, the key group the server prefers, and CCC
 * (clearing the control connection after login).
 */
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { createSecureContext } from 'node:tls';
import type { Duplex } from 'node:stream';
import { DetachableStream } from './ccc-stream';
import { FtpError } from './errors';
import { tlsConnectionInfo, type TlsConnectionInfo } from './peer-check';
import { noop, Session } from './session';
import { ReadingConnection, startTls } from './sockets';
import { TlsSessionStore } from './tls-sessions';
import { baseTlsOptions } from './tls-settings';

/**
 * OpenSSL's "wrong version number": the server's first bytes after 234 were
 * no TLS record. ftp-srv sometimes (a race, a few percent of logins) reads
 * the ClientHello as a command and answers it in clear text; a new
 * connection usually works.
 */
function answeredInClear(e: unknown): boolean {
  for (let depth = 0; e instanceof Error && depth < 3; depth += 1) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export class SecureChannel {
  private readonly tlsBase: tls.ConnectionOptions;
  private tlsContext: tls.SecureContext | null | undefined;
  /** The key exchange groups offered, the server's choice first, once the control handshake showed it (see learnKeyGroup). */
  private keyGroups: string | null = null;
  private readonly sessions = new TlsSessionStore();
  private cccTap: DetachableStream | null = null;
  private controlTls: tls.TLSSocket | null = null;
  /** True after CCC: commands travel unencrypted. */
  cleared = false;

  constructor(private readonly s: Session) {
    const t = s.options.tls ?? {};
    if (t.cert !== undefined && t.key === undefined && t.pfx === undefined) {
      throw new FtpError('a client certificate needs its key (tls.key) or a PFX bundle', { kind: 'input' });
    }
    this.tlsBase = baseTlsOptions(s.options.host, t);
  }

  /** The control connection's TLS version, cipher and server certificate; null when clear. */
  controlInfo(): TlsConnectionInfo | null {
    return this.controlTls ? tlsConnectionInfo(this.controlTls) : null;
  }

  /** Forget the control connection's TLS (the session closed). */
  close(): void {
    this.controlTls?.destroy();
    this.controlTls = null;
    this.cccTap = null;
  }

  /** TLS over the control connection (implicit mode at once, explicit mode after AUTH TLS: `afterAuth`). */
  async secureControl(raw: net.Socket, afterAuth = false): Promise<tls.TLSSocket> {
    const ccc = this.s.options.ccc === true;
    // Only a CCC session needs the TCP socket back later; the others let TLS own it.
    let under: Duplex = raw;
    if (ccc) {
      this.cccTap = new DetachableStream(raw);
      under = this.cccTap;
    }
    try {
      // half-open: after CCC the server's close_notify must not close our side before ours is sent
      const opts: tls.ConnectionOptions & { allowHalfOpen?: boolean } = { ...this.shared(), socket: under, allowHalfOpen: ccc };
      const sock = await startTls(opts, this.s.timeoutMs, 'control connection', (x) => this.sessions.watch(x));
      this.controlTls = sock;
      this.learnKeyGroup(sock);
      this.s.log.detail(`control connection secured: ${sock.getProtocol()} ${sock.getCipher()?.name ?? ''}`);
      return sock;
    } catch (e) {
      raw.destroy();
      throw afterAuth && answeredInClear(e) ? new FtpError('the server was not ready for TLS after 234; try again', { kind: 'closed', code: 421, command: 'AUTH TLS', cause: e }) : e;
    }
  }

  /**
   * TLS over a data connection, resuming the control connection's session; `held` runs a handshake held back until now
   * (`raw` is then the TLS socket). `prepare` sees the TLS socket before any byte is read from it.
   */
  secureData(raw: net.Socket, held?: ReadingConnection['secure'], prepare?: (sock: tls.TLSSocket) => void): Promise<tls.TLSSocket> {
    const session = this.sessions.session;
    const log = this.s.log;
    log.detail(`securing the data connection${session ? ' (resuming the TLS session)' : ''}`);
    if (held) prepare?.(raw as tls.TLSSocket);
    const done = held
      ? held(this.s.timeoutMs, 'data connection')
      : startTls({ ...this.shared(), socket: raw, session }, this.s.timeoutMs, 'data connection', (x) => {
          this.sessions.watch(x);
          prepare?.(x);
        });
    return done.then((sock) => {
      if (log.enabled) log.detail(`data connection secured: ${sock.getProtocol()}, session ${sock.isSessionReused() ? 'resumed' : 'NEW'}`);
      return sock;
    });
  }

  /** Options for a data connection that connects its TLS socket itself (connectReading). */
  dataOptions(): tls.ConnectionOptions {
    return { ...this.shared(), session: this.sessions.session };
  }

  /** Every TLS socket of the session is watched for the session (ticket) to resume. */
  watch(sock: tls.TLSSocket): void {
    this.sessions.watch(sock);
  }

  /**
   * tlsBase plus one SecureContext for all of the session's connections:
   * built anew (CA, key parsed) for every data connection it cost more CPU
   * than the resumed handshake itself. When it cannot be built, tls.connect
   * meets the same error again, where its errors are explained.
   */
  private shared(): tls.ConnectionOptions {
    if (this.tlsContext === undefined) {
      try {
        this.tlsContext = createSecureContext(this.keyGroups ? { ...this.tlsBase, ecdhCurve: this.keyGroups } : this.tlsBase);
      } catch {
        this.tlsContext = null;
      }
    }
    return this.tlsContext ? { ...this.tlsBase, secureContext: this.tlsContext } : this.tlsBase;
  }

  /**
   * A TLS 1.3 ClientHello carries a key share for the first group only
   * (X25519 in OpenSSL's default list). vsftpd and Pure-FTPd accept only
   * P-256, so every handshake, each data connection's included, took a
   * HelloRetryRequest: an extra round trip and a wasted key. The group the
   * server chose for the control connection goes first from then on.
   */
  private learnKeyGroup(sock: tls.TLSSocket): void {
    const info = sock.getEphemeralKeyInfo();
    const name = info && 'name' in info && typeof info.name === 'string' ? info.name : '';
    if (!/^[A-Za-z0-9_-]+$/.test(name) || name === 'X25519') return;
    const groups = [name, ...['X25519', 'prime256v1', 'secp384r1'].filter((g) => g !== name)].join(':');
    if (groups === this.keyGroups) return;
    this.keyGroups = groups;
    this.tlsContext = undefined;
    this.s.log.detail(`the server chose the key exchange group ${name}: offered first from now on`);
  }

  /**
   * CCC: after the 200 both sides send close_notify and the control
   * connection goes on in plain text over the same TCP socket. Data
   * connections keep their protection level (PROT is fixed from here on).
   */
  async clearCommandChannel(): Promise<void> {
    const c = this.s.requireControl();
    const tap = this.cccTap;
    const tlsSock = this.controlTls;
    if (!tap || !tlsSock) throw new FtpError('CCC needs a TLS control connection', { kind: 'input' });
    tap.arm();
    c.expectEnd();
    const r = await c.request('CCC');
    if (r.code < 200 || r.code >= 300) {
      // Refused (vsftpd has no CCC): the session simply stays encrypted.
      tap.disarm();
      c.expectEnd(false);
      this.s.log.info(`the server refused CCC (${r.code} ${r.message}); the control connection stays encrypted`);
      return;
    }
    c.release();
    tlsSock.on('error', noop);
    const serverClosed = new Promise<void>((resolve) => {
      if (tlsSock.readableEnded || tlsSock.destroyed) resolve();
      tlsSock.once('end', () => resolve());
      tlsSock.once('close', () => resolve());
    });
    tlsSock.resume();
    tlsSock.end();
    await tap.closeNotifySent();
    // A server that sends no close_notify of its own is not waited for long;
    // one that sends it late has it skipped by the plain-text reader.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([serverClosed, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(this.s.timeoutMs, 3000))))]);
    clearTimeout(timer);
    c.replaceStream(tap.detach());
    this.cleared = true;
    this.s.log.info('control connection cleared (CCC): commands now travel unencrypted');
  }
}
