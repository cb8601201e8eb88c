import type * as tls from 'node:tls';

/**
 * Servers such as vsftpd (require_ssl_reuse) and ProFTPD refuse a data
 * connection that does not resume the control connection's TLS session.
 * With TLS 1.3 the resumable session is a ticket that arrives after the
 * handshake and may be single-use, so every 'session' event, from the
 * control socket and from each data socket, replaces the one kept.
 */
export class TlsSessionStore {
  private latest: Buffer | undefined;

  /** Call before the handshake: TLS 1.2 delivers its session during it. */
  watch(socket: tls.TLSSocket): void {
    socket.on('session', (session: Buffer) => {
      this.latest = session;
    });
  }

  get session(): Buffer | undefined {
    return this.latest;
  }
}
