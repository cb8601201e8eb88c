import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { FtpError } from './errors';
import { fmtSeconds, ioTimeout } from './io-timer';
import { checkPeer } from './peer-check';
import { keyError, tlsError } from './tls-errors';

/** Open a TCP connection; the error says what could not be reached and why. */
export function connectTcp(host: string, port: number, timeoutMs: number, what: string): Promise<net.Socket> {
  return connected(net.connect({ host, port }), host, port, timeoutMs, what);
}

/**
 * The one outcome of waiting on a socket: the first of ok(), fail() and the
 * deadline wins; a failure or the deadline destroys the socket.
 */
function outcome<T>(sock: net.Socket, timeoutMs: number, doing: string, resolve: (v: T) => void, reject: (e: Error) => void): { ok(make: () => T): void; fail(e: Error): void } {
  let settled = false;
  const fail = (e: Error): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    sock.destroy();
    reject(e);
  };
  // (after a pause of the process, an answer that came in time is seen before the timeout counts)
  const timer = ioTimeout(timeoutMs, () => fail(new FtpError(`timed out after ${fmtSeconds(timeoutMs)} ${doing}`, { kind: 'timeout', code: 421 })));
  return {
    ok(make: () => T): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(make());
    },
    fail,
  };
}

/** Resolves with `sock` once its TCP connection is made; on failure or timeout it is destroyed. */
function connected<T extends net.Socket>(sock: T, host: string, port: number, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const end = outcome(sock, timeoutMs, `connecting the ${what} to ${host}:${port}`, resolve, reject);
    sock.once('connect', () =>
      end.ok(() => {
        sock.removeAllListeners('error');
        sock.setNoDelay(true);
        return sock;
      }),
    );
    sock.once('error', (err: NodeJS.ErrnoException) => end.fail(new FtpError(`cannot connect the ${what} to ${host}:${port}: ${err.message}`, { kind: 'connect', code: 0, cause: err })));
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
  let sock: tls.TLSSocket;
  try {
    sock = tls.connect(options);
  } catch (e) {
    // bad key, passphrase or certificate: thrown before any byte is sent
    options.socket?.destroy();
    return Promise.reject(tlsError(keyError(e as NodeJS.ErrnoException, options), `setup of the ${where}`));
  }
  prepare?.(sock);
  return handshakeDone(sock, timeoutMs, where, options);
}

/** Wait for the client handshake of `sock` to end; on failure the socket is destroyed and the error says where. */
function handshakeDone(sock: tls.TLSSocket, timeoutMs: number, where: string, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const end = outcome(sock, timeoutMs, `in the TLS handshake of the ${where}`, resolve, reject);
    const onError = (err: Error): void => end.fail(tlsError(err, `handshake of the ${where}`));
    const onClose = (): void => onError(Object.assign(new Error('the server closed the connection during the handshake'), { code: 'ECONNRESET' }));
    sock.once('error', onError);
    sock.once('close', onClose);
    sock.once('secureConnect', () => {
      // the certificate check (peer-check.ts): a refused connection fails here, before any byte is sent on it
      const refused = checkPeer(options, sock, where);
      if (refused) {
        end.fail(refused);
        return;
      }
      end.ok(() => {
        sock.off('error', onError);
        sock.off('close', onClose);
        return sock;
      });
    });
  });
}

/** What `onread` gets: Node reads into `buffer` and calls `callback`; returning false pauses the socket. */
export interface ReadInto {
  buffer: Buffer;
  callback: (bytes: number, buffer: Buffer) => boolean;
}

/** A data connection that reads with `onread`; `secure()` runs its TLS handshake (absent for a clear one). */
export interface ReadingConnection {
  socket: net.Socket;
  secure?: (timeoutMs: number, where: string) => Promise<tls.TLSSocket>;
}

interface StartableHandle {
  start(): void;
}

function handleOf(sock: tls.TLSSocket): StartableHandle | null {
  const handle = (sock as unknown as { _handle?: Partial<StartableHandle> | null })._handle;
  return handle && typeof handle.start === 'function' ? (handle as StartableHandle) : null;
}

let canWait: boolean | undefined;

/**
 * Whether a TLS connection made by tls.connect can hold its handshake back
 * until we start it. Node reads into a caller's buffer (`onread`) only for a
 * socket it connects itself, and it starts the handshake the moment TCP
 * connects; FTPS must send the transfer command first (pyftpdlib resets a
 * data connection whose ClientHello comes before RETR). The handshake is
 * started by the TLS handle's start(), which we hold back. That method is
 * Node's internal, so this checks once that it is there; without it the
 * caller uses the ordinary path (tls.connect over a connected socket).
 */
export function handshakeCanWait(): boolean {
  if (canWait === undefined) {
    try {
      const probe = new tls.TLSSocket(undefined as unknown as net.Socket);
      canWait = typeof (tls.TLSSocket.prototype as unknown as { _start?: unknown })._start === 'function' && handleOf(probe) !== null;
      probe.destroy();
    } catch {
      canWait = false;
    }
  }
  return canWait;
}

/**
 * Connect a data connection that reads into `into` (no Buffer per read).
 * With `tlsOptions` it is a TLS connection whose handshake waits for
 * `secure()`, so the wire order is the usual one: TCP, the command, then
 * TLS. Errors read like connectTcp's.
 */
export function connectReading(
  host: string,
  port: number,
  timeoutMs: number,
  what: string,
  into: ReadInto,
  tlsOptions: tls.ConnectionOptions | null,
  prepare?: (sock: tls.TLSSocket) => void,
): Promise<ReadingConnection> {
  if (!tlsOptions) return connected(net.connect({ host, port, onread: into }), host, port, timeoutMs, what).then((socket) => ({ socket }));
  let sock: tls.TLSSocket;
  try {
    // onread is documented for tls.connect but missing from @types/node's ConnectionOptions
    sock = tls.connect({ ...tlsOptions, host, port, onread: into } as tls.ConnectionOptions);
  } catch (e) {
    return Promise.reject(tlsError(e as Error, `setup of the ${what}`));
  }
  const handle = handleOf(sock);
  if (!handle) {
    sock.destroy();
    return Promise.reject(new FtpError(`cannot hold back the TLS handshake of the ${what} on this Node.js`, { kind: 'connect', code: 0 }));
  }
  const start = handle.start;
  let asked = false;
  let released = false;
  let started = false;
  // a second start() aborts the process (a native assertion): whoever comes last starts it, once
  const startOnce = (): void => {
    if (started) return;
    started = true;
    start.call(handle);
  };
  handle.start = function (): void {
    asked = true;
    if (released) startOnce();
  };
  prepare?.(sock);
  const tsock = sock;
  let done: Promise<tls.TLSSocket> | null = null;
  const secure = (ms: number, where: string): Promise<tls.TLSSocket> => {
    done ??= handshakeDone(tsock, ms, where, tlsOptions);
    released = true;
    if (asked) startOnce();
    return done;
  };
  return connected(sock, host, port, timeoutMs, what).then((socket) => ({ socket, secure }));
}
