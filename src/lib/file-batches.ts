import * as fs from 'node:fs';
import { FILE_BATCH } from './file-sink';

/** Room past a full batch: what the socket still delivers after it was told to stop (one read's worth of TLS records). */
const SLACK = 256 * 1024;
const FIRST_CAPACITY = 16 * 1024;

/**
 * Where a download read with `onread` puts its bytes. The socket reads into
 * one reused buffer; `take` must copy what it keeps before it returns.
 */
export interface ReadTarget {
  /** Copy `n` bytes of `src`; false asks the reader to pause until `drained()`. */
  take(src: Buffer, n: number): boolean;
  drained(): Promise<void>;
  /** Called once the server accepted the command: a refused transfer creates nothing. */
  open(): Promise<void>;
  /** The size the server announced in its 150 reply. */
  expect?(total: number): void;
  finish(): Promise<void>;
  abandon(): Promise<void>;
  readonly error: Error | null;
  onFailure: ((e: Error) => void) | null;
}

/**
 * The file side of a download read with `onread`: the socket decrypts into
 * one reused buffer and `take` copies the bytes into two batch buffers that
 * are reused for the whole file, one filling while the other is on the disk.
 * No Buffer is made per TLS record, so nothing waits for the garbage
 * collector and memory stays flat (a FileSink fed by a socket gets a fresh
 * 16 KiB Buffer per record and the process grows by the young generation).
 *
 * The file is opened only by `open()` (after the server accepted the
 * command), so a refused transfer creates no file; bytes that arrive
 * earlier are held in the batches.
 */
export class FileBatches implements ReadTarget {
  private filling: Buffer = Buffer.allocUnsafe(FIRST_CAPACITY);
  private spare: Buffer | null = null;
  private fill = 0;
  private pos: number;
  private fd: number | null = null;
  private opening: Promise<void> | null = null;
  private writing: Promise<void> | null = null;
  private failure: Error | null = null;
  private waiting: (() => void) | null = null;
  /** Told of a failed write at once, so the caller can stop the socket rather than fill memory. */
  onFailure: ((e: Error) => void) | null = null;

  constructor(
    readonly path: string,
    private readonly flags: 'w' | 'r+',
    start: number,
  ) {
    this.pos = start;
  }

  /** The first write error, if any: the caller stops the transfer with it. */
  get error(): Error | null {
    return this.failure;
  }

  open(): Promise<void> {
    this.opening ??= new Promise<void>((resolve, reject) => {
      fs.open(this.path, this.flags, 0o666, (err, fd) => {
        if (err) return reject(err);
        this.fd = fd;
        resolve();
        this.maybeWrite();
      });
    });
    return this.opening;
  }

  /**
   * Copy `n` bytes of `src`. False when both batches are busy: stop reading
   * until `drained()` resolves. Bytes offered after that are still taken
   * (the buffer grows if it must), so nothing is ever dropped.
   */
  take(src: Buffer, n: number): boolean {
    if (this.fill + n > this.filling.length) this.grow(this.fill + n);
    src.copy(this.filling, this.fill, 0, n);
    this.fill += n;
    if (this.fill < FILE_BATCH) return true;
    this.maybeWrite();
    return this.fill < FILE_BATCH;
  }

  /** Resolves when `take` would accept a batch's worth again (or a write failed). */
  drained(): Promise<void> {
    if (this.fill < FILE_BATCH || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Write what is left, then close the file. */
  async finish(): Promise<void> {
    await this.open();
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure;
    if (this.fill > 0) {
      this.startWrite();
      while (this.writing) await this.writing;
      if (this.failure) throw this.failure;
    }
    await this.close();
  }

  /** Give up: wait for the write on the disk, close the file. */
  async abandon(): Promise<void> {
    if (this.opening) await this.opening.catch(() => undefined);
    while (this.writing) await this.writing.catch(() => undefined);
    await this.close().catch(() => undefined);
  }

  private grow(need: number): void {
    let size = this.filling.length * 2;
    while (size < need) size *= 2;
    size = Math.max(Math.min(size, FILE_BATCH + SLACK), need);
    const bigger = Buffer.allocUnsafe(size);
    this.filling.copy(bigger, 0, 0, this.fill);
    this.filling = bigger;
  }

  /** Start the next batch's write if the disk is free and a batch is full. */
  private maybeWrite(): void {
    if (this.writing || this.fd === null || this.fill < FILE_BATCH || this.failure) return;
    this.startWrite();
  }

  private startWrite(): void {
    const fd = this.fd as number;
    const buf = this.filling;
    const len = this.fill;
    const at = this.pos;
    this.pos += len;
    this.filling = this.spare && this.spare.length >= buf.length ? this.spare : Buffer.allocUnsafe(buf.length);
    this.spare = null;
    this.fill = 0;
    const p = writeAll(fd, buf, len, at, this.path).then(
      () => {
        this.spare = buf;
        this.writing = null;
        this.maybeWrite();
        this.wake();
      },
      (e: Error) => {
        this.failure = e;
        this.writing = null;
        this.onFailure?.(e);
        this.wake();
      },
    );
    this.writing = p;
  }

  private wake(): void {
    if (!this.waiting || (this.fill >= FILE_BATCH && !this.failure)) return;
    const w = this.waiting;
    this.waiting = null;
    w();
  }

  private close(): Promise<void> {
    const fd = this.fd;
    this.fd = null;
    if (fd === null) return Promise.resolve();
    return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
  }
}

function writeAll(fd: number, buf: Buffer, len: number, at: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number): void => {
      fs.write(fd, buf, off, len - off, at + off, (err, written) => {
        if (err) return reject(Object.assign(err, { path: (err as NodeJS.ErrnoException).path ?? path }));
        if (written <= 0) return reject(Object.assign(new Error(`short write to ${path}: ${off} of ${len} bytes`), { syscall: 'write', path }));
        if (off + written < len) return step(off + written);
        resolve();
      });
    };
    step(0);
  });
}
