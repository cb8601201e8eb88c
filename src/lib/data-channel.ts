/**
 * Data connections: opening one (EPSV, falling back to PASV for the rest of
 * the session; PRET first when asked), running one transfer over it (TLS,
 * the bytes, the final reply in whichever order they come), and keeping the
 * session in step after a data failure (ABOR, the replies it owes).
 */
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CrlfToLf, LfToCrlf } from './ascii';
import type { Capabilities } from './capabilities';
import type { Progress, TransferType } from './client-options';
import { FtpError, isFtpError } from './errors';
import type { ReadTarget } from './file-batches';
import { sendFile } from './file-source';
import { listenActive } from './active';
import { afterPendingIo, fmtSeconds } from './io-timer';
import { watchLowSpeed } from './low-speed';
import { assertDataPort, choosePassiveHost, parseEpsv, parsePasv } from './passive';
import type { Reply } from './reply';
import type { SecureChannel } from './secure-channel';
import { parseSizeHint } from './server-text';
import { rateLimitSteps } from './rate-limit';
import { noop, replyError, Session } from './session';
import { connectReading, connectTcp, handshakeCanWait, ReadingConnection, ReadInto } from './sockets';
import { TlsEnd, watchTlsEnd } from './tls-eof';

/** Bytes per read of a local file and per chunk of an uploaded Buffer. */
export const IO_CHUNK = 256 * 1024;
/** The one buffer a session's data connections read into (`onread`); a TLS record is at most 16 KiB, a clear read up to this. */
const READ_BUFFER = 64 * 1024;

export interface TransferSpec {
  command: string;
  upload: boolean;
  type: TransferType;
  restAt: number;
  total: number | null;
  /** Created only once the server accepted the command, so a refused transfer touches no file. */
  open: () => Readable | Writable;
  /** A binary download may read without a Buffer per TLS record into this (FileBatches, MemoryTarget) instead of open()'s Writable. */
  target?: () => ReadTarget;
  /** A binary upload of this local file goes through sendFile's reused buffers. */
  source?: { path: string; start: number };
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

interface TransferOutcome {
  bytes: number;
  ms: number;
  first: Reply;
  final: Reply;
}

export class DataChannel {
  /** EPSV failed or was refused: PASV for the rest of the session. */
  private epsvBroken = false;
  /** EPSV ALL was sent: PASV is no longer allowed. */
  epsvAll = false;
  /** PROT P: data connections are TLS. */
  protect = false;
  /**
   * The server reset a data connection whose TLS handshake began before its
   * 1xx reply (pyftpdlib may, when the ClientHello overtakes the command):
   * on this session the handshake waits for the 1xx from now on.
   */
  private tlsAfterPreliminary = false;
  /**
   * Uploads wait for the 1xx before their handshake (vsftpd and pyftpdlib
   * fail an upload, an empty one above all, whose handshake finished before
   * they acted on STOR); a server that answered 425 to that (ftp-srv sends
   * its 150 only after the handshake) gets the early order for uploads too.
   */
  private uploadTlsEarly = false;
  private readBuf: Buffer | null = null;

  constructor(
    private readonly s: Session,
    private readonly secure: SecureChannel,
    private readonly caps: Capabilities,
  ) {}

  /** PRET: when configured, when FEAT lists it (DrFTPD), or when overrideHelp names it. */
  private usePret(): boolean {
    return this.s.options.pret === true || (this.caps.believes('PRET') ?? this.caps.features?.has('PRET') ?? false);
  }

  /** A new session: EPSV is tried again, PROT not yet sent. */
  reset(): void {
    this.epsvBroken = false;
    this.epsvAll = false;
    this.protect = false;
    this.tlsAfterPreliminary = false;
    this.uploadTlsEarly = false;
  }

  /**
   * A data connection for `command`: EPSV to the control connection's peer
   * unless it failed before on this session (then PASV from now on, unless
   * EPSV is forced), PASV's host checked by choosePassiveHost; PRET first
   * when configured. `connect` dials (a reading connection for direct downloads).
   */
  private async openDataSocket(command: string, connect?: (host: string, port: number) => Promise<net.Socket>, owed?: OwedTransfer): Promise<net.Socket> {
    const c = this.s.requireControl();
    const dial = connect ?? ((host: string, port: number) => (this.s.options.connect ?? connectTcp)(host, port, this.s.dataConnectMs, 'data connection'));
    // A transfer owed by the server already has a read waiting for its next reply: the first request's reply arrives there.
    let pending = owed?.finalP;
    const ask = async (line: string): Promise<Reply> => {
      if (!pending) return c.request(line);
      const waiting = pending;
      pending = undefined;
      c.send(line);
      const r = await waiting;
      if (r.code !== 227 && r.code !== 229 && r.code < 500) {
        // the owed transfer's own end (425, 426, 226) came first: the request's reply follows it
        await c.read();
        throw r.code >= 300 ? replyError(r, command) : new FtpError(`${command}: the server ended the transfer without a data connection (${r.code} ${r.message})`, { kind: 'data', code: 426, command });
      }
      return r;
    };
    const pret = this.usePret();
    if (pret) {
      const r = await ask(`PRET ${command}`);
      if (r.code < 200 || r.code >= 300) throw replyError(r, `PRET ${command}`);
    }
    // PASV (227) can only name an IPv4 address: over IPv6 EPSV is the one way, whatever the settings
    const v6 = net.isIPv6(this.s.peer) && !this.s.peer.toLowerCase().startsWith('::ffff:');
    const mode = v6 ? 'always' : this.s.options.epsv ?? 'auto';
    // overrideHelp without EPSV: PASV only (unless EPSV ALL was asked for)
    const tryEpsv = this.epsvAll || v6 || (mode !== 'never' && !this.epsvBroken && this.caps.believes('EPSV') !== false);
    if (tryEpsv) {
      const r = await ask('EPSV');
      if (r.code === 229) {
        const port = parseEpsv(r);
        assertDataPort(port, this.s.options.pasvHost, 'EPSV', r);
        this.s.log.detail(`data connection to ${this.s.peer}:${port} (EPSV)`);
        try {
          return await dial(this.s.peer, port);
        } catch (e) {
          if (this.epsvAll || mode === 'always') throw e;
          // A firewall that drops EPSV ports: use PASV for the rest of the session.
          this.epsvBroken = true;
          this.s.log.info(`EPSV data connection failed (${(e as Error).message}); using PASV from now on`);
        }
      } else {
        if (this.epsvAll || mode === 'always') throw replyError(r, 'EPSV');
        this.epsvBroken = true;
        this.s.log.info(`EPSV refused (${r.code}); using PASV from now on`);
      }
    }
    // PRET announces the transfer for the data connection about to be asked for, so it precedes PASV after an EPSV fallback too
    if (pret && tryEpsv) await this.s.expect(`PRET ${command}`, 2);
    const r = await ask('PASV');
    if (r.code !== 227) throw replyError(r, 'PASV');
    const announced = parsePasv(r);
    assertDataPort(announced.port, this.s.options.pasvHost, 'PASV', r);
    const choice = choosePassiveHost(announced.host, this.s.peer, this.s.peer, this.s.options.pasvHost, this.s.options.allowForeignDataHost === true);
    if (choice.note) this.s.log.info(choice.note);
    this.s.log.detail(`data connection to ${choice.host}:${announced.port} (PASV)`);
    return dial(choice.host, announced.port);
  }

  /**
   * A binary download to a file or into memory reads into one reused buffer
   * and copies into its target: no Buffer per TLS record, so memory stays
   * flat and the CPU per byte drops (bench/). ASCII downloads (converted on
   * the way) and downloads into a caller's Writable use the stream path.
   */
  private directTarget(spec: TransferSpec): ReadTarget | null {
    // a capped transfer is paced by a stream step (rateLimitSteps)
    // a custom dialer (proxy) hands over a connected socket, which cannot read with onread
    if (spec.upload || spec.type !== 'binary' || !spec.target || this.s.options.rateLimit || this.s.options.connect) return null;
    if (this.protect && !handshakeCanWait()) return null;
    return spec.target();
  }

  /** The onread side of a direct download: count, copy into the target, pause the socket while the target is busy. */
  private readInto(target: ReadTarget, count: (n: number) => void, socket: () => net.Socket): ReadInto {
    let waiting = false;
    this.readBuf ??= Buffer.allocUnsafe(READ_BUFFER);
    target.onFailure = (e) => socket().destroy(e);
    return {
      buffer: this.readBuf,
      callback: (n, buf) => {
        try {
          count(n);
          if (target.take(buf, n)) return true;
        } catch (e) {
          // nothing may throw out of onread: it would be an uncaught exception
          socket().destroy(e as Error);
          return false;
        }
        if (!waiting) {
          waiting = true;
          target.drained().then(() => {
            waiting = false;
            if (target.error) socket().destroy(target.error);
            else socket().resume();
          }, noop);
        }
        return false;
      },
    };
  }

  /** Dial data connections that read into `into`; `held` receives the held-back TLS handshake. */
  private readingDialer(into: ReadInto, held: { secure?: ReadingConnection['secure'] }): (host: string, port: number) => Promise<net.Socket> {
    return async (host, port) => {
      const tlsOptions = this.protect ? { ...this.secure.dataOptions() } : null;
      const rc = await connectReading(host, port, this.s.dataConnectMs, 'data connection', into, tlsOptions, (x) => this.secure.watch(x));
      held.secure = rc.secure;
      return rc.socket;
    };
  }

  /**
   * Resolves when the reading socket has ended. Watched from the connect on:
   * a clear data connection can deliver a small file and close before the
   * server's 150 has been read.
   */
  private watchEnd(sock: net.Socket): Promise<void> {
    const p = new Promise<void>((resolve, reject) => {
      let ended = false;
      sock.once('error', reject);
      sock.once('end', () => {
        ended = true;
        resolve();
      });
      sock.once('close', () => {
        if (!ended) reject(Object.assign(new Error('the data connection closed before it ended'), { code: 'ECONNRESET' }));
      });
    });
    p.catch(noop);
    sock.resume();
    return p;
  }

  /**
   * One data transfer: REST, EPSV/PASV, connect, the command, TLS, the
   * bytes, the final reply. It resolves only when the data stream has ended
   * and the final reply has arrived, in whichever order they come.
   */
  async run(spec: TransferSpec): Promise<TransferOutcome> {
    try {
      return await this.runOnce(spec);
    } catch (e) {
      if (e instanceof UploadWaitedInVain) {
        this.uploadTlsEarly = true;
        this.s.log.info(`the server answered ${e.reply.code} to an upload whose TLS handshake waited for its 1xx; uploads start the handshake at once from now on`);
        // ftp-srv tears the failed transfer's data connector down only after its 425 went out, and
        // would tear down the connector of an EPSV that overtook it ("550 No connector setup"): a
        // NOOP round trip first gives it the time (any answer will do, 502 included)
        await this.s.requireControl().request('NOOP');
        return this.runOnce(spec);
      }
      if (!(e instanceof EarlyTlsReset)) throw e;
      this.tlsAfterPreliminary = true;
      this.s.log.info(`the server reset the data connection whose TLS handshake began before its 1xx reply (${e.reset.message}); waiting for the 1xx from now on`);
      // no byte moved: a refused transfer is safe to repeat; one the server
      // accepted (its 1xx came) waits for a new data connection (pyftpdlib keeps
      // the transfer queued for the next one; ABOR would not clear that queue)
      return this.runOnce(spec, e.owed);
    }
  }

  /**
   * Data TLS timing: the command goes first, and the handshake starts at once,
   * without waiting for the 1xx. Some servers (ftp-srv) send their 150 only
   * after the data connection is secured, so waiting for it deadlocks; others
   * (pyftpdlib) reset a data connection whose ClientHello arrives before the
   * command, which sending the command first avoids, nearly always. When such
   * a reset still happens, EarlyTlsReset has run() finish the transfer on a new
   * data connection and wait for the 1xx on this session from then on.
   * `owed`: the command was sent and answered with a 1xx already.
   */
  private async runOnce(spec: TransferSpec, owed?: OwedTransfer): Promise<TransferOutcome> {
    const c = this.s.requireControl();
    if (spec.signal?.aborted) throw new FtpError(`${spec.command}: transfer aborted`, { kind: 'aborted', command: spec.command });
    const started = Date.now();
    await this.s.ensureType(spec.type);
    if (spec.restAt > 0 && !owed) await this.s.expect(`REST ${spec.restAt}`, [350]);
    let bytes = 0;
    let total: number | null = spec.total;
    const count = (n: number): void => {
      bytes += n;
      try {
        spec.onProgress?.({ bytes, total });
      } catch (e) {
        // called from socket callbacks: a throwing progress callback fails the transfer, never the process
        queueMicrotask(() => stream.destroy(e as Error));
      }
    };
    const active = this.s.options.dataMode === 'active' && !owed;
    const target = active ? null : this.directTarget(spec);
    const held: { secure?: ReadingConnection['secure'] } = {};
    const into = target ? this.readInto(target, count, () => stream) : undefined;
    let raw: net.Socket;
    let sentFirst: Promise<Reply> | null = null;
    if (active) {
      // the server connects once it has the command
      const listener = await listenActive(this.s, this.s.local);
      c.send(spec.command);
      sentFirst = c.read();
      sentFirst.catch(noop);
      raw = await listener.accepted(sentFirst, spec.command);
    } else {
      raw = await this.openDataSocket(spec.command, into ? this.readingDialer(into, held) : undefined, owed);
    }
    raw.on('error', noop);
    const ended = target ? this.watchEnd(raw) : null;
    let stream: net.Socket = raw;
    let first: Reply;
    // (the server that owes a transfer has its command: the handshake may start at once)
    const early = this.protect && (owed !== undefined || (spec.upload ? this.uploadTlsEarly : !this.tlsAfterPreliminary));
    let secured: Promise<net.Socket> | null = null;
    const earlyTls: { error?: Error } = {};
    // how a download's TLS stream ended (watched from before its first byte)
    let tlsEnd: () => TlsEnd = () => 'unknown';
    const prepare = spec.upload ? undefined : (x: tls.TLSSocket): void => void (tlsEnd = watchTlsEnd(x));
    try {
      if (!owed && !sentFirst) c.send(spec.command);
      const firstP = owed ? Promise.resolve(owed.first) : (sentFirst ?? c.read());
      if (early) {
        secured = this.secure.secureData(raw, held.secure, prepare);
        secured.catch((e: Error) => {
          earlyTls.error = e;
        });
      }
      first = await firstP;
    } catch (e) {
      raw.destroy();
      throw e;
    }
    if (first.code >= 300 || first.code < 100) {
      raw.destroy();
      // a refusal (550) closes the data connection too: only "no data connection" replies are worth the other order
      if ((first.code === 425 || first.code === 426) && earlyTls.error && isResetDuringHandshake(earlyTls.error)) throw new EarlyTlsReset(earlyTls.error);
      // nothing was stored: the server gave up waiting for a data connection it counts only once secured
      if (spec.upload && this.protect && !early && first.code === 425) throw new UploadWaitedInVain(first);
      throw replyError(first, spec.command);
    }
    const finalP: Promise<Reply> = first.code >= 200 ? Promise.resolve(first) : c.readFinal('the reply at the end of the transfer', 0);
    finalP.catch(noop);
    // A failure reply while data is still flowing ends the stream at once; so does a control connection that failed (out of step, closed).
    finalP.then(
      (r) => {
        if (r.code >= 400) stream.destroy(replyError(r, spec.command));
      },
      (e: Error) => stream.destroy(e),
    );

    total = spec.total ?? parseSizeHint(first.message);
    if (target && total !== null && spec.restAt === 0) target.expect?.(total);
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      stream.destroy(new FtpError(`${spec.command}: transfer aborted`, { kind: 'aborted', command: spec.command }));
    };
    if (spec.signal?.aborted) onAbort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const slow = watchLowSpeed(this.s.options.lowSpeedLimit ?? 1, this.s.options.lowSpeedTime ?? 60, () => bytes, (e) => stream.destroy(e), spec.command);
    try {
      if (this.protect) {
        stream = await (secured ?? this.secure.secureData(raw, held.secure, prepare));
        // a reset after pipeline() let go (an upload waiting for the close) must not crash the process;
        // the final reply tells what the server got
        stream.on('error', noop);
        if (aborted) onAbort();
      }
      stream.setTimeout(this.s.timeoutMs, () => {
        const seen = bytes;
        afterPendingIo(() => {
          if (bytes !== seen || stream.destroyed) return;
          stream.destroy(new FtpError(`no data moved on the data connection for ${fmtSeconds(this.s.timeoutMs)} (${spec.command})`, { kind: 'timeout', code: 421, command: spec.command }));
        });
      });
      spec.onProgress?.({ bytes: 0, total });
      if (spec.upload) {
        const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
        stream.resume(); // keep reading (TLS 1.3 tickets) so closing never resets unread data
        if (spec.source && spec.type === 'binary' && !this.s.options.rateLimit) {
          await sendFile(spec.source.path, spec.source.start, IO_CHUNK, stream, count);
        } else {
          const source = spec.open() as Readable;
          source.on('data', (chunk: Buffer) => count(chunk.length));
          const steps: NodeJS.ReadWriteStream[] = [...(spec.type === 'ascii' ? [new LfToCrlf()] : []), ...rateLimitSteps(this.s.options.rateLimit)];
          await pipeline([source, ...steps, stream]);
        }
        await closed;
      } else if (target && ended) {
        target.open().catch((e: Error) => stream.destroy(e));
        await ended;
        await target.finish();
      } else {
        stream.on('data', (chunk: Buffer) => count(chunk.length));
        const sink = spec.open() as Writable;
        const steps: NodeJS.ReadWriteStream[] = [...rateLimitSteps(this.s.options.rateLimit), ...(spec.type === 'ascii' ? [new CrlfToLf()] : [])];
        await pipeline([stream, ...steps, sink]);
      }
    } catch (err) {
      slow.stop();
      spec.signal?.removeEventListener('abort', onAbort);
      if (target) await target.abandon();
      if (early && !owed && !aborted && bytes === 0 && first.code < 200 && earlyTls.error && isResetDuringHandshake(earlyTls.error)) {
        stream.destroy();
        raw.destroy();
        throw new EarlyTlsReset(earlyTls.error, { first, finalP });
      }
      throw await this.afterDataFailure(err, finalP, spec.command, stream, raw, aborted);
    }
    slow.stop();
    spec.signal?.removeEventListener('abort', onAbort);
    const final = await this.s.within(finalP, this.s.timeoutMs, `the reply at the end of ${spec.command}`);
    // only a 2xx says the server has the whole file
    if (final.code < 200 || final.code >= 300) throw replyError(final, spec.command);
    // Node accepts a TCP FIN without TLS close_notify as a clean end, so a cut
    // connection can look complete; the size the server announced says otherwise.
    // After REST some servers announce the whole file, others what is left: offset
    // plus bytes short of the announcement is incomplete either way.
    if (!spec.upload && spec.type === 'binary' && total !== null && spec.restAt + bytes < total) {
      throw new FtpError(`${spec.command}: the data connection ended after ${bytes} of the ${total} bytes the server announced: the transfer is incomplete`, { kind: 'data', code: 426, command: spec.command });
    }
    if (!spec.upload && this.protect) this.assertTlsEnded(tlsEnd(), spec, bytes, total);
    return { bytes, ms: Date.now() - started, first, final };
  }

  /**
   * A PROT P download is whole only when the server ended its TLS stream
   * (close_notify): a bare FIN is what a cut connection looks like, and
   * servers answer 226 all the same (Pure-FTPd, pyftpdlib), with no size in
   * their 150 to check against. The one other proof is the size the 150
   * announced, fully arrived (after REST: the whole file or the rest of it).
   */
  private assertTlsEnded(end: TlsEnd, spec: TransferSpec, bytes: number, total: number | null): void {
    this.s.log.detail(`${spec.command}: the data connection ended with ${end === 'close_notify' ? 'TLS close_notify' : end === 'fin' ? 'a bare TCP close' : 'an end not told apart'}`);
    if (end === 'close_notify') return;
    if (spec.type === 'binary' && total !== null && (bytes === total || spec.restAt + bytes === total)) return;
    if (end === 'unknown') {
      this.s.log.detail(`${spec.command}: cannot tell whether the data connection ended with TLS close_notify on this Node.js; taken as complete`);
      return;
    }
    throw new FtpError(`${spec.command}: the data connection ended after ${bytes} bytes without TLS close_notify (a bare TCP close, as when it is cut): the transfer is incomplete`, { kind: 'data', code: 426, command: spec.command });
  }

  /**
   * The data stream failed. Keep the session in step with the server (read
   * the transfer's final reply; after an abort also ABOR's reply, and a NOOP
   * to know where the replies end) and return the error that explains it
   * best: the server's own reply when it has one.
   */
  private async afterDataFailure(err: unknown, finalP: Promise<Reply>, command: string, stream: net.Socket, raw: net.Socket, aborted: boolean): Promise<FtpError> {
    stream.destroy();
    raw.destroy();
    const c = this.s.control;
    const graceMs = Math.min(this.s.timeoutMs, 10_000);
    if (aborted) {
      const abortErr = new FtpError(`${command}: transfer aborted`, { kind: 'aborted', command });
      try {
        if (!c || c.closed) return abortErr;
        c.send('ABOR');
        c.send('NOOP');
        await this.s.within(finalP, graceMs, 'the reply to an aborted transfer');
        for (;;) {
          const r = await this.s.within(c.read(undefined, 0), graceMs, 'the replies to ABOR and NOOP');
          if (r.code === 200) break;
        }
      } catch {
        c?.destroy();
      }
      return abortErr;
    }
    let reply: Reply | null = null;
    try {
      reply = await this.s.within(finalP, graceMs, `the reply at the end of ${command}`);
    } catch {
      /* no reply: the session is closed by within() */
    }
    if (isFtpError(err) && err.kind === 'reply') return err;
    const e = err as NodeJS.ErrnoException;
    // a local file error comes first: the server's 426 that follows is only its view of our closing
    if (!isFtpError(err) && e && typeof e.syscall === 'string' && /open|read|write/.test(e.syscall) && e.path) {
      return new FtpError(`${command}: local file error: ${e.message}`, { kind: 'local', command, cause: e });
    }
    if (reply && reply.code >= 400) {
      // our own local failure or timeout (idle, low speed) explains it; the server's 426 only reports our closing
      if (!(isFtpError(err) && (err.kind === 'local' || err.kind === 'timeout'))) return replyError(reply, command);
    }
    if (isFtpError(err)) return err;
    return new FtpError(`${command}: data connection failed: ${e?.message ?? String(err)}`, { kind: 'data', code: reply?.code ?? 0, serverMessage: reply?.message ?? '', command, cause: err });
  }
}

/** A data connection reset in its TLS handshake begun before the 1xx: run() repeats the transfer in the waiting order. */
class EarlyTlsReset extends Error {
  constructor(
    readonly reset: Error,
    readonly owed?: OwedTransfer,
  ) {
    super(reset.message);
  }
}

/** 425 to an upload whose handshake waited for the 1xx: run() repeats it with the handshake at once. */
class UploadWaitedInVain extends Error {
  constructor(readonly reply: Reply) {
    super(`${reply.code} ${reply.message}`);
  }
}

/** A transfer the server accepted (its 1xx) whose data connection it reset: it waits for another one. */
interface OwedTransfer {
  first: Reply;
  finalP: Promise<Reply>;
}

/** A reset or close in the handshake (not a certificate or protocol problem, which the other order would not cure). */
function isResetDuringHandshake(e: Error): boolean {
  const cause = (e as { cause?: unknown }).cause;
  const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
