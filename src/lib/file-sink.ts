import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import { BATCH } from './file-batches';

/** Bytes gathered before one positional writev to the file: FileBatches' size, for the reason given there. */
export const FILE_BATCH = BATCH;

/**
 * A file Writable for the downloads that cannot read directly into
 * FileBatches (ASCII, converted on the way; TLS on a Node.js that cannot
 * hold the handshake back, see sockets.ts). fs.WriteStream writes the first
 * chunk it gets at once, so a TLS data stream (16 KiB records) alternates a
 * 16 KiB write with one writev of what queued meanwhile: two thread-pool
 * round trips (and two wake-ups) for every few records. This sink gathers
 * FILE_BATCH bytes per writev and keeps one batch on the disk while the
 * next one fills, so the socket keeps being read during a write; besides
 * the stream's own buffer (highWaterMark FILE_BATCH), at most two batches
 * wait in memory.
 */
export class FileSink extends Writable {
  private fd: number | null = null;
  private parts: Buffer[] = [];
  private size = 0;
  private pos: number;
  private inflight: Promise<void> | null = null;
  private failed: Error | null = null;

  constructor(
    readonly path: string,
    private readonly flags: 'w' | 'r+',
    start = 0,
  ) {
    super({ highWaterMark: FILE_BATCH });
    this.pos = start;
  }

  override _construct(cb: (err?: Error | null) => void): void {
    fs.open(this.path, this.flags, 0o666, (err, fd) => {
      if (err) return cb(err);
      this.fd = fd;
      cb();
    });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.failed) return cb(this.failed);
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size < FILE_BATCH) return cb();
    const prev = this.inflight;
    this.flush();
    // one batch may be on the disk while the next one fills; a third waits
    if (prev) prev.then(() => cb(), cb);
    else cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.size > 0) this.flush();
    if (this.inflight) this.inflight.then(() => cb(), cb);
    else cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const close = (): void => {
      if (this.fd === null) return cb(err);
      const fd = this.fd;
      this.fd = null;
      fs.close(fd, (closeErr) => cb(err ?? closeErr));
    };
    if (this.inflight) this.inflight.then(close, close);
    else close();
  }

  private flush(): void {
    const parts = this.parts;
    const size = this.size;
    const at = this.pos;
    this.parts = [];
    this.size = 0;
    this.pos += size;
    const prev = this.inflight ?? Promise.resolve();
    const p: Promise<void> = prev.then(() => this.writeOut(parts, size, at));
    this.inflight = p;
    p.then(
      () => {
        if (this.inflight === p) this.inflight = null;
      },
      (e: Error) => {
        this.failed = e;
      },
    );
  }

  private writeOut(parts: Buffer[], size: number, at: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fd = this.fd;
      if (fd === null) return reject(new Error(`${this.path} is closed`));
      fs.writev(fd, parts, at, (err, written) => {
        if (err) return reject(Object.assign(err, { path: (err as NodeJS.ErrnoException).path ?? this.path }));
        if (written !== size) return reject(Object.assign(new Error(`short write to ${this.path}: ${written} of ${size} bytes`), { syscall: 'write', path: this.path }));
        resolve();
      });
    });
  }
}
