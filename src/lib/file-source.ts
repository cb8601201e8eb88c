import * as fs from 'node:fs';
import type { Writable } from 'node:stream';

/** Buffers read ahead and in flight to the socket at once. */
const DEPTH = 4;

/**
 * Send a local file, from `start` on, into `out` and end it. fs.ReadStream
 * allocates a new Buffer per read, and each waits in memory for the garbage
 * collector after the socket has encrypted it; here DEPTH buffers are
 * reused: one is read into while the others are on their way out, and a
 * buffer is read into again only once the socket's write callback says it
 * is done with it (which is also the backpressure).
 */
export async function sendFile(path: string, start: number, chunkSize: number, out: Writable, onChunk: (bytes: number) => void): Promise<void> {
  // errors keep the path: the caller tells local file errors from network ones by it
  const withPath = (e: NodeJS.ErrnoException): never => {
    throw Object.assign(e, { path: e.path ?? path });
  };
  const fh = await fs.promises.open(path, 'r').catch(withPath);
  try {
    const free: Buffer[] = [];
    let made = 0;
    let failed: Error | null = null;
    let wake: (() => void) | null = null;
    const signal = (): void => {
      const w = wake;
      wake = null;
      w?.();
    };
    const onClose = (): void => {
      failed ??= Object.assign(new Error('the data connection closed during the upload'), { code: 'ECONNRESET' });
      signal();
    };
    out.once('close', onClose);
    try {
      let pos = start;
      for (;;) {
        if (failed) throw failed;
        let buf = free.pop();
        if (!buf && made < DEPTH) {
          buf = Buffer.allocUnsafe(chunkSize);
          made++;
        }
        if (!buf) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos).catch(withPath);
        if (bytesRead === 0) {
          free.push(buf);
          break;
        }
        pos += bytesRead;
        onChunk(bytesRead);
        const own = buf;
        out.write(bytesRead === own.length ? own : own.subarray(0, bytesRead), (err) => {
          if (err) failed ??= err;
          else free.push(own);
          signal();
        });
      }
      while (free.length < made && !failed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (failed) throw failed;
    } finally {
      out.off('close', onClose);
    }
    await new Promise<void>((resolve, reject) => {
      out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  } finally {
    await fh.close();
  }
}
