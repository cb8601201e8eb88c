import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { FtpError } from './errors';
import { afterPendingIo, fmtSeconds } from './control';
import { tlsError } from './tls-settings';

/** Open a TCP connection; the error says what could not be reached and why. */
export function connectTcp(host: string, port: number, timeoutMs: number, what: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let settled = false;
    // (after a pause of the process, a connection made in time is seen before the timeout counts)
    const timer = setTimeout(() => afterPendingIo(() => {
      if (settled) return;
      settled = true;
      sock.destroy();
      reject(new FtpError(`timed out after ${fmtSeconds(timeoutMs)} connecting the ${what} to ${host}:${port}`, { kind: 'timeout', code: 421 }));
    }), timeoutMs);
    sock.once('connect', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.removeAllListeners('error');
      sock.setNoDelay(true);
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      reject(new FtpError(`cannot connect the ${what} to ${host}:${port}: ${err.message}`, { kind: 'connect', code: 0, cause: err }));
    });
  });
}

/**
 * Run a TLS client handshake, over an existing stream (explicit mode, data
 * connections) or a fresh connection (implicit mode, when `socket` is absent
 * and host/port are in `options`).
 */
export function startTls(
  options: tls.ConnectionOptions & { socket?: Duplex },
  timeoutMs: number,
  where: string,
  /** Called before the handshake starts: TLS 1.2 hands out its session during the handshake, so listeners must be there first. */
  prepare?: (sock: tls.TLSSocket) => void,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    let sock: tls.TLSSocket;
    try {
      sock = tls.connect(options);
    } catch (e) {
      // bad key, passphrase or certificate: thrown before any byte is sent
      options.socket?.destroy();
      reject(tlsError(e as Error, `setup of the ${where}`));
      return;
    }
    prepare?.(sock);
    let settled = false;
    // (after a pause of the process, a handshake answered in time goes on before the timeout counts)
    const timer = setTimeout(() => afterPendingIo(() => {
      if (settled) return;
      settled = true;
      sock.destroy();
      reject(new FtpError(`timed out after ${fmtSeconds(timeoutMs)} in the TLS handshake of the ${where}`, { kind: 'timeout', code: 421 }));
    }), timeoutMs);
    const onError = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      reject(tlsError(err, `handshake of the ${where}`));
    };
    const onClose = (): void => onError(Object.assign(new Error('the server closed the connection during the handshake'), { code: 'ECONNRESET' }));
    sock.once('error', onError);
    sock.once('close', onClose);
    sock.once('secureConnect', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.off('error', onError);
      sock.off('close', onClose);
      resolve(sock);
    });
  });
}
