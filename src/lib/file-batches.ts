import * as fs from 'node:fs';

/**
 * Bytes per positional write. Small enough that the batch is still in the
 * CPU cache when the kernel copies it into the page cache: a 1 GiB download
 * written in 1 MiB batches cost about twice the system CPU of 256 KiB ones
 * (perf: the page-cache copy dominated); much smaller batches cost more in
 * thread-pool round trips than they save.
 */
export const BATCH = 256 * 1024;
/** Room past a full batch: what the socket still delivers after it was told to stop (one read's worth of TLS records). */
const SLACK = 128 * 1024;
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

/** Batches in memory at most: one filling, the rest queued for the disk or on it. */
const DEPTH = 4;

/**
 * The file side of a download read with `onread`: `take` copies the bytes
 * into batch buffers that are reused for the whole file, one filling while
 * full ones are written in order with positional writes. No Buffer is made
 * per TLS record, so nothing waits for the garbage collector and memory
 * stays flat (a FileSink fed by a socket gets a fresh 16 KiB Buffer per
 * record and the process grows by the young generation).
 *
 * The file is opened only by `open()` (after the server accepted the
 * command), so a refused transfer creates no file; bytes that arrive
 * earlier are held in the batches.
 */
export class FileBatches implements ReadTarget {
  private filling: Buffer = Buffer.allocUnsafe(FIRST_CAPACITY);
  private fill = 0;
  private made = 1;
  private readonly spares: Buffer[] = [];
  private readonly queue: { buf: Buffer; len: number; at: number }[] = [];
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
        this.pump();
      });
    });
    return this.opening;
  }

  /**
   * Copy `n` bytes of `src`. False when every batch is busy: stop reading
   * until `drained()` resolves. Bytes offered after that are still taken
   * (the buffer grows if it must), so nothing is ever dropped.
   */
  take(src: Buffer, n: number): boolean {
    if (this.fill + n > this.filling.length) this.grow(this.fill + n);
    src.copy(this.filling, this.fill, 0, n);
    this.fill += n;
    if (this.fill < BATCH) return true;
    return this.rotate();
  }

  /** Resolves when `take` would accept a batch's worth again (or a write failed). */
  drained(): Promise<void> {
    if (this.fill < BATCH || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Write what is left, then close the file. */
  async finish(): Promise<void> {
    await this.open();
    if (this.fill > 0) this.enqueue(Buffer.allocUnsafe(0));
    while (this.writing || this.queue.length > 0) {
      if (this.failure) break;
      this.pump();
      await (this.writing ?? Promise.resolve());
    }
    if (this.failure) throw this.failure;
    await this.close();
  }

  /**
   * Give up: write what arrived all the same (bytes received in order are
   * the file's start: a retry continues after them), then close the file.
   */
  async abandon(): Promise<void> {
    if (this.opening) await this.opening.catch(() => undefined);
    if (this.fd !== null && this.fill > 0 && !this.failure) this.enqueue(Buffer.allocUnsafe(0));
    while (this.fd !== null && !this.failure && (this.writing || this.queue.length > 0)) {
      this.pump();
      await (this.writing ?? Promise.resolve());
    }
    this.queue.length = 0;
    while (this.writing) await this.writing.catch(() => undefined);
    await this.close().catch(() => undefined);
  }

  private grow(need: number): void {
    let size = this.filling.length * 2;
    while (size < need) size *= 2;
    size = Math.max(Math.min(size, BATCH + SLACK), need);
    const bigger = Buffer.allocUnsafe(size);
    this.filling.copy(bigger, 0, 0, this.fill);
    this.filling = bigger;
  }

  /** Queue the full batch and go on in a free buffer; false when none is free. */
  private rotate(): boolean {
    let next = this.spares.pop();
    if (!next && this.made < DEPTH) {
      next = Buffer.allocUnsafe(this.filling.length);
      this.made += 1;
    }
    if (!next) return false;
    this.enqueue(next);
    return true;
  }

  private enqueue(next: Buffer): void {
    this.queue.push({ buf: this.filling, len: this.fill, at: this.pos });
    this.pos += this.fill;
    this.filling = next;
    this.fill = 0;
    this.pump();
  }

  /** Start the next queued write if the file is open and the disk is free. */
  private pump(): void {
    if (this.writing || this.fd === null || this.failure) return;
    const job = this.queue.shift();
    if (!job) return;
    this.writing = writeAll(this.fd, job.buf, job.len, job.at, this.path).then(
      () => {
        this.writing = null;
        this.spares.push(job.buf);
        if (this.fill >= BATCH) this.rotate();
        this.pump();
        this.wake();
      },
      (e: Error) => {
        this.failure = e;
        this.writing = null;
        this.onFailure?.(e);
        this.wake();
      },
    );
  }

  private wake(): void {
    if (!this.waiting || (this.fill >= BATCH && !this.failure)) return;
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
