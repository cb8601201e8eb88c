import { Duplex } from 'node:stream';
import type * as net from 'node:net';

/**
 * The stream a CCC-capable TLS control connection runs over. Node's TLS
 * socket normally owns its TCP socket for good; CCC (RFC 4217 §6) needs the
 * TCP socket back, in plain text, after both sides have exchanged
 * close_notify. This wrapper sits between the two: it forwards bytes and
 * tracks TLS record borders, so that on `detach()` the reading side can be
 * handed back at a record border and a late close_notify from the server
 * is skipped rather than read as a reply.
 */
export class DetachableStream extends Duplex {
  private recordLeft = 0; // bytes of the current record still to come
  private header: number[] = [];
  private detachedTo: ((chunk: Buffer) => void) | null = null;
  private skippingRecords = true;
  private plainHeader: Buffer = Buffer.alloc(0);
  private finalDone: (() => void) | null = null;
  private finalCalled = false;
  private armed = false;

  constructor(readonly raw: net.Socket) {
    super();
    raw.on('data', (chunk: Buffer) => this.fromRaw(chunk));
    raw.on('end', () => {
      if (!this.detachedTo) this.push(null);
    });
    raw.on('error', (err) => {
      if (!this.detachedTo) this.destroy(err);
    });
  }

  override _read(): void {
    this.raw.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.raw.write(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    // Once CCC is under way, TLS shutting down its write side (close_notify)
    // must not half-close the TCP socket that carries on in plain text.
    if (this.armed) {
      this.finalCalled = true;
      cb();
      this.finalDone?.();
      return;
    }
    this.raw.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.armed) this.raw.destroy(err ?? undefined);
    cb(err);
  }

  /**
   * Call before sending CCC: the server may send its close_notify right
   * behind the 200, and TLS answers it at once; neither may close TCP.
   */
  arm(): void {
    this.armed = true;
  }

  disarm(): void {
    this.armed = false;
  }

  /** Resolves when TLS has written its close_notify (after the TLS socket's end()). */
  closeNotifySent(): Promise<void> {
    return new Promise((resolve) => {
      if (this.finalCalled) resolve();
      else this.finalDone = resolve;
    });
  }

  /**
   * From now on bytes after the current TLS record are plain text, read
   * from the returned stream, which also writes straight to the TCP socket.
   */
  detach(): Duplex {
    const raw = this.raw;
    const plain = new Duplex({
      read: () => raw.resume(),
      write: (chunk: Buffer, _enc, cb) => raw.write(chunk, cb),
      final: (cb) => raw.end(cb),
      destroy: (err, cb) => {
        raw.destroy(err ?? undefined);
        cb(err);
      },
    });
    this.detachedTo = (chunk) => {
      if (!plain.push(chunk)) raw.pause();
    };
    raw.on('end', () => plain.push(null));
    raw.on('close', () => plain.destroy());
    raw.on('error', (err) => plain.destroy(err));
    raw.resume();
    return plain;
  }

  private fromRaw(chunk: Buffer): void {
    if (!this.detachedTo) {
      this.track(chunk, 0);
      if (!this.push(chunk)) this.raw.pause();
      return;
    }
    // finish the record TLS was in the middle of, then plain text
    let i = 0;
    if (this.recordLeft > 0 || this.header.length > 0) {
      i = this.track(chunk, 0, true);
      if (i > 0) this.push(chunk.subarray(0, i));
      if (this.recordLeft > 0 || this.header.length > 0) return;
    }
    if (i < chunk.length) this.plain(chunk.subarray(i));
  }

  /** Advance the record tracker over chunk[from..]; with stopAtBorder, return where the open record ends. */
  private track(chunk: Buffer, from: number, stopAtBorder = false): number {
    let i = from;
    while (i < chunk.length) {
      if (this.recordLeft > 0) {
        const n = Math.min(this.recordLeft, chunk.length - i);
        this.recordLeft -= n;
        i += n;
        if (this.recordLeft === 0 && stopAtBorder) return i;
        continue;
      }
      if (stopAtBorder && this.header.length === 0) return i;
      this.header.push(chunk[i++]);
      if (this.header.length === 5) {
        this.recordLeft = (this.header[3] << 8) | this.header[4];
        this.header = [];
        if (this.recordLeft === 0 && stopAtBorder) return i;
      }
    }
    return i;
  }

  /** Plain text after CCC; whole TLS records at its start (the server's close_notify) are dropped. */
  private plain(chunk: Buffer): void {
    const sink = this.detachedTo;
    if (!sink) return;
    if (!this.skippingRecords) {
      sink(chunk);
      return;
    }
    let buf = this.plainHeader.length ? Buffer.concat([this.plainHeader, chunk]) : chunk;
    this.plainHeader = Buffer.alloc(0);
    for (;;) {
      if (buf.length === 0) return;
      const looksLikeRecord = buf[0] >= 20 && buf[0] <= 23 && (buf.length < 2 || buf[1] === 3);
      if (!looksLikeRecord) break;
      if (buf.length < 5) {
        this.plainHeader = Buffer.from(buf);
        return;
      }
      const len = 5 + ((buf[3] << 8) | buf[4]);
      if (buf.length < len) {
        this.plainHeader = Buffer.from(buf);
        return;
      }
      buf = buf.subarray(len);
    }
    this.skippingRecords = false;
    sink(buf);
  }
}
