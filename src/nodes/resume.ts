/**
 * Retries that continue a transfer where the failed try stopped, instead of
 * starting it over (issue 17). One object per message holds what the tries
 * share; each try asks it where to start.
 *
 * The rules (docs/reliability.md, "Resumed retries"):
 * - only on a retry (the first try always starts at 0), only in binary mode
 *   (REST offsets count bytes; ASCII conversion changes them);
 * - get to a file: the data lands in a local scratch file beside the target;
 *   a retry continues after the bytes that file really holds (its length,
 *   never more than the failed try counted), and starts over when the
 *   remote file is now shorter than that;
 * - get to buffer/utf8: the bytes that arrived stay in memory, a retry
 *   continues after them;
 * - xput: the remote scratch name is fixed for the message; a retry asks the
 *   scratch file's SIZE and continues with REST + STOR, then renames;
 * - put (overwrite): a retry continues after the bytes the server has (SIZE)
 *   only when an earlier try of the same message moved bytes (so its STOR
 *   had replaced the old file: what is there is ours), the source is a
 *   local file or a Buffer, and SIZE is usable; otherwise it starts over;
 * - a REST (or the transfer after it) the server refuses starts over at 0;
 * - a job that fails for good removes its local scratch file, and its remote
 *   one (at once when the session is alive, else on a later session).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isFtpError, MemoryTarget, scratchPath } from '../lib';
import type { FtpsClient, Progress, ScratchOptions, TransferOptions, TransferResult, UploadSource } from '../lib';
import type { JobContext } from './pool-types';

/** Did the server refuse to restart (REST itself, or the transfer command right after it, before any byte)? */
export function restartRefused(e: unknown, movedThisTry: number): boolean {
  if (!isFtpError(e) || e.kind !== 'reply' || movedThisTry > 0) return false;
  return /^REST /.test(e.command) || (/^(RETR|STOR) /.test(e.command) && e.code >= 450 && e.code !== 452);
}

/** A try's options with its progress counted, so the next try knows whether bytes moved. */
function counting(opts: TransferOptions, seen: { bytes: number }): TransferOptions {
  seen.bytes = 0;
  return {
    ...opts,
    onProgress: (p: Progress) => {
      seen.bytes = p.bytes;
      opts.onProgress?.(p);
    },
  };
}

/**
 * One try: from `offset` (0 = from the start); when the server refuses the
 * restart, once more from 0. `cleanup` runs when the pool will not try again.
 */
async function attempt<R>(ctx: JobContext, offset: number, seen: { bytes: number }, run: (offset: number) => Promise<R>, cleanup: () => Promise<void>): Promise<R> {
  try {
    try {
      return await run(offset);
    } catch (e) {
      if (offset === 0 || !restartRefused(e, seen.bytes)) throw e;
      return await run(0);
    }
  } catch (e) {
    if (!ctx.willRetry(e)) await cleanup();
    throw e;
  }
}

/** The remote size when SIZE is usable, else null (a refusal or a file not there yet is null too). */
async function remoteSize(client: FtpsClient, remote: string): Promise<number | null> {
  if (client.whyDisabled('SIZE') !== null) return null;
  try {
    return await client.size(remote);
  } catch (e) {
    if (!client.connected) throw e;
    return null;
  }
}

async function localSize(p: string): Promise<number> {
  try {
    return (await fs.promises.stat(p)).size;
  } catch {
    return 0;
  }
}

/** The length of an upload source that can be read again from any byte, or null (a stream). */
async function sourceLength(source: UploadSource): Promise<number | null> {
  if (Buffer.isBuffer(source)) return source.length;
  if (typeof source === 'string') return (await fs.promises.stat(source)).size;
  return null;
}

function uniqueBody(): string {
  return `${process.pid}.${crypto.randomBytes(6).toString('hex')}`;
}

/** ftps-get to a file: a local scratch file kept between tries, renamed into place when complete. */
export class FileDownload {
  readonly scratch: string;
  /** Bytes the failed tries counted into the scratch file (a ceiling for its trusted length). */
  private counted = 0;
  /** Where the current try started. */
  private start = 0;
  private readonly seen = { bytes: 0 };

  constructor(private readonly local: string) {
    this.scratch = path.join(path.dirname(local), `_tmp.${path.basename(local)}.${uniqueBody()}.part`);
  }

  run(client: FtpsClient, ctx: JobContext, remote: string, opts: TransferOptions): Promise<TransferResult> {
    const binary = (opts.type ?? 'binary') === 'binary';
    return (async () => {
      const offset = ctx.attempt > 1 && binary ? await this.trustedLength(client, remote) : 0;
      return attempt(
        ctx,
        offset,
        this.seen,
        async (at) => {
          this.start = at;
          if (at === 0) await this.discard();
          // a positive offset continues the scratch file in place (truncated to it); -1 with no file is 0
          const r = await client.get(remote, this.scratch, { ...counting(opts, this.seen), offset: at > 0 ? at : -1 });
          this.counted = 0;
          await fs.promises.rename(this.scratch, this.local);
          return { ...r, bytes: at + r.bytes, localPath: this.local };
        },
        () => this.discard(),
      ).catch((e: unknown) => {
        this.counted = this.start + this.seen.bytes;
        throw e;
      });
    })();
  }

  /** What the scratch file holds and the last try counted, whichever is less; 0 when the remote file is now shorter. */
  private async trustedLength(client: FtpsClient, remote: string): Promise<number> {
    const have = Math.min(await localSize(this.scratch), this.counted);
    if (have === 0) return 0;
    const there = await remoteSize(client, remote);
    return there !== null && there < have ? 0 : have;
  }

  /** Remove the scratch file (the job gave up, or starts over). */
  async discard(): Promise<void> {
    this.counted = 0;
    await fs.promises.rm(this.scratch, { force: true });
  }
}

/** ftps-get to buffer/utf8: the bytes that arrived stay in one memory target between tries; a retry continues after them. */
export class MemoryDownload {
  private mem: MemoryTarget | null = null;
  private readonly seen = { bytes: 0 };

  constructor(
    private readonly limit: number,
    private readonly what: string,
  ) {}

  run(client: FtpsClient, ctx: JobContext, remote: string, opts: TransferOptions): Promise<TransferResult & { data: Buffer }> {
    const binary = (opts.type ?? 'binary') === 'binary';
    return (async () => {
      let offset = ctx.attempt > 1 && binary && this.mem ? this.mem.length : 0;
      if (offset > 0) {
        const there = await remoteSize(client, remote);
        if (there !== null && there < offset) offset = 0;
      }
      return attempt(
        ctx,
        offset,
        this.seen,
        async (at) => {
          if (at === 0 || !this.mem) {
            this.mem = new MemoryTarget(this.limit, this.what);
            this.mem.retain = true;
          }
          const r = await client.fetch(remote, counting(opts, this.seen), this.mem);
          this.mem = null;
          return { ...r, bytes: at + r.bytes };
        },
        async () => {
          this.mem = null;
        },
      );
    })();
  }
}

/** ftps-xput: one remote scratch name for all tries, continued with REST + STOR, renamed at the end. */
export class ScratchUpload {
  readonly names: ScratchOptions;
  readonly scratch: string;
  private readonly seen = { bytes: 0 };

  constructor(remote: string, names: ScratchOptions) {
    this.names = { ...names, body: names.body ?? uniqueBody(), keepScratch: true };
    this.scratch = scratchPath(remote, this.names, false);
  }

  run(client: FtpsClient, ctx: JobContext, source: UploadSource, remote: string, opts: TransferOptions): Promise<TransferResult> {
    return (async () => {
      const release = ctx.holdScratch(this.scratch);
      const offset = ctx.attempt > 1 ? await continueAt(client, this.scratch, source, opts) : 0;
      const r = await attempt(
        ctx,
        offset,
        this.seen,
        (at) => client.xput(source, remote, { ...counting(opts, this.seen), ...this.names, offset: at }),
        async () => {
          if (await deleteNow(client, this.scratch)) release();
        },
      );
      release();
      return r;
    })();
  }
}

/** ftps-put (overwrite): a retry after bytes moved continues after what the server has. */
export class PlainUpload {
  private moved = false;
  private readonly seen = { bytes: 0 };

  run(client: FtpsClient, ctx: JobContext, source: UploadSource, remote: string, opts: TransferOptions): Promise<TransferResult> {
    return (async () => {
      // until a try moved bytes, its STOR may not have replaced the old file: what is there is not ours
      const offset = ctx.attempt > 1 && this.moved ? await continueAt(client, remote, source, opts) : 0;
      return attempt(
        ctx,
        offset,
        this.seen,
        (at) => client.put(source, remote, { ...counting(opts, this.seen), offset: at }),
        async () => undefined,
      ).catch((e: unknown) => {
        if (this.seen.bytes > 0) this.moved = true;
        throw e;
      });
    })();
  }
}

/** Where an upload continues: the remote file's size, when it is a prefix we can skip (binary, a re-readable source, SIZE usable, not longer than the source). */
async function continueAt(client: FtpsClient, remote: string, source: UploadSource, opts: TransferOptions): Promise<number> {
  if ((opts.type ?? 'binary') !== 'binary') return 0;
  const total = await sourceLength(source);
  if (total === null) return 0;
  const there = await remoteSize(client, remote);
  return there !== null && there <= total ? there : 0;
}

/** DELE the scratch file now; false when the session is gone (the pool deletes it later). */
async function deleteNow(client: FtpsClient, remote: string): Promise<boolean> {
  if (!client.connected) return false;
  try {
    await client.delete(remote);
  } catch {
    // refused: it was never created, or is gone already
  }
  return client.connected;
}
