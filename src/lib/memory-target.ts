import { Writable } from 'node:stream';
import type { ReadTarget } from './file-batches';
import { overMemoryError } from './limits';

const FIRST_CAPACITY = 16 * 1024;
/** A 150 reply's size is the server's word: trusted for one allocation up to this, grown into beyond. */
const MAX_PREALLOCATION = 64 * 1024 * 1024;

/**
 * A download into memory read with `onread`: the bytes go into one buffer,
 * sized by the server's announcement when it made one, so a file of N bytes
 * costs N bytes (collecting the socket's chunks and concatenating them at
 * the end needs twice that at the peak).
 */
export class MemoryTarget implements ReadTarget {
  private buf: Buffer = Buffer.allocUnsafe(0);
  private fill = 0;
  error: Error | null = null;
  onFailure: ((e: Error) => void) | null = null;
  /** Keep what arrived when the transfer fails, so a retry continues after it (fetch's `into`). */
  retain = false;

  /**
   * `limit` bytes at most (maxMemory): an endless file must fail its
   * transfer, not grow until an allocation throws a RangeError inside a
   * socket callback, which no caller could catch.
   */
  constructor(
    private readonly limit = Number.MAX_SAFE_INTEGER,
    private readonly what = 'the download',
  ) {}

  expect(total: number): void {
    if (total > this.buf.length && total <= MAX_PREALLOCATION && total <= this.limit) this.tryResize(total);
  }

  /** false (with `error` set) once the data would go over the limit or memory cannot be had; never throws. */
  take(src: Buffer, n: number): boolean {
    if (this.error) return false;
    if (this.fill + n > this.limit) return this.failWith(overMemoryError(this.what, this.limit));
    if (this.fill + n > this.buf.length) {
      const want = Math.min(Math.max(this.fill + n, this.buf.length * 2, FIRST_CAPACITY), this.limit);
      if (!this.tryResize(want)) return false;
    }
    src.copy(this.buf, this.fill, 0, n);
    this.fill += n;
    return true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  /** Bytes held so far. */
  get length(): number {
    return this.fill;
  }

  abandon(): Promise<void> {
    if (this.retain) return Promise.resolve();
    this.buf = Buffer.allocUnsafe(0);
    this.fill = 0;
    return Promise.resolve();
  }

  /** The same target for the stream path (ASCII downloads arrive converted, as chunks). */
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        cb(this.take(chunk, chunk.length) ? null : this.error);
      },
    });
  }

  /** What arrived; copied to its exact size when the buffer had grown well past it. */
  data(): Buffer {
    if (this.fill === this.buf.length) return this.buf;
    if (this.fill >= this.buf.length * 0.75) return this.buf.subarray(0, this.fill);
    return Buffer.from(this.buf.subarray(0, this.fill));
  }

  private tryResize(size: number): boolean {
    let bigger: Buffer;
    try {
      bigger = Buffer.allocUnsafe(size);
    } catch (e) {
      return this.failWith(new Error(`${this.what}: cannot allocate ${size} bytes: ${(e as Error).message}`));
    }
    this.buf.copy(bigger, 0, 0, this.fill);
    this.buf = bigger;
    return true;
  }

  private failWith(e: Error): false {
    this.error = e;
    // what arrived is dropped now: the transfer fails, nobody reads it
    this.buf = Buffer.allocUnsafe(0);
    this.fill = 0;
    this.onFailure?.(e);
    return false;
  }
}
