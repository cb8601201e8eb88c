/**
 * How a TLS data connection ended: with the server's close_notify (the TLS
 * stream itself says "that was all") or with a bare TCP FIN, which a cut
 * connection looks like too. Node reports both as the same 'end'; this tells
 * them apart through Node internals, guarded, and says 'unknown' when they
 * are not as expected (test/unit/tls-eof.close-notify.spec.js pins them down per Node.js
 * release, so a change fails a test instead of silently weakening the check).
 *
 * The end reaches JavaScript as push(null). A close_notify is found by the TLS
 * layer while it decrypts bytes the TCP handle has just read: the TCP handle
 * is still reading then. A FIN is libuv's end of the TCP stream, and libuv
 * stops reading before it reports it. So at push(null) the TCP handle's
 * readStart() answers EALREADY after a close_notify and 0 (it starts again,
 * and is stopped again at once) after a FIN. A handle we stopped ourselves
 * (backpressure) cannot have delivered a FIN since: an end then came from the
 * TLS layer.
 */
import type * as tls from 'node:tls';
import { getSystemErrorName } from 'node:util';

export type TlsEnd = 'close_notify' | 'fin' | 'unknown';

interface ReadHandle {
  readStart(): number;
  readStop(): number;
}

const isReadHandle = (h: unknown): h is ReadHandle =>
  typeof h === 'object' && h !== null && typeof (h as ReadHandle).readStart === 'function' && typeof (h as ReadHandle).readStop === 'function';

/** Watch how `sock` ends; the function returned answers once it has ('unknown' before, or when Node's internals are not as expected). */
export function watchTlsEnd(sock: tls.TLSSocket): () => TlsEnd {
  const handle = (sock as unknown as { _handle?: unknown })._handle;
  const parent = isReadHandle(handle) ? (handle as unknown as { _parent?: unknown })._parent : undefined;
  // only a TCP handle below: over any other stream (a proxy's Duplex: JSStream) readStart() says nothing about its end
  if (!isReadHandle(handle) || !isReadHandle(parent) || parent.constructor?.name !== 'TCP' || typeof sock.push !== 'function') return () => 'unknown';
  let outcome: TlsEnd = 'unknown';
  let seen = false;
  let stopped = false;
  const readStop = handle.readStop;
  const readStart = handle.readStart;
  handle.readStop = function (this: ReadHandle): number {
    stopped = true;
    return readStop.call(this);
  };
  handle.readStart = function (this: ReadHandle): number {
    stopped = false;
    return readStart.call(this);
  };
  const push = sock.push;
  sock.push = function (this: tls.TLSSocket, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null && !seen) {
      seen = true;
      outcome = classify(parent, stopped);
    }
    return push.call(this, chunk, encoding);
  };
  return () => outcome;
}

function classify(parent: ReadHandle, stopped: boolean): TlsEnd {
  if (stopped) return 'close_notify';
  try {
    const r = parent.readStart();
    if (r === 0) {
      parent.readStop();
      return 'fin';
    }
    const name = getSystemErrorName(r);
    if (name === 'EALREADY') return 'close_notify';
    // not readable any more: libuv has seen the end of the TCP stream
    if (name === 'ENOTCONN') return 'fin';
  } catch {
    // an internal that changed: no verdict
  }
  return 'unknown';
}
