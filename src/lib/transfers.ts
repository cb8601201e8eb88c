/**
 * Uploads and downloads: where the bytes come from or go to (a local file,
 * a Buffer, a stream, memory), restart offsets, scratch names renamed into
 * place, checks that nothing was cut short, and copying modification times
 * across. The data connection itself is data-channel.ts's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { Capabilities } from './capabilities';
import type { DownloadTarget, ScratchOptions, TransferOptions, TransferResult, UploadSource } from './client-options';
import { mdtm, renameOver, setModified, size, tryDelete } from './commands';
import { DataChannel, IO_CHUNK, TransferSpec } from './data-channel';
import { FtpError, isFtpError } from './errors';
import { FileBatches } from './file-batches';
import { FileSink } from './file-sink';
import { resumeNeedsSize } from './feature-switches';
import { memoryLimitBytes } from './limits';
import { MemoryTarget } from './memory-target';
import { scratchBase, scratchPath } from './scratch';
import { parseUniqueName } from './server-text';
import type { Session } from './session';
import { assertPath } from './validate';

export class Transfers {
  constructor(
    private readonly s: Session,
    private readonly data: DataChannel,
    private readonly caps: Capabilities,
  ) {}

  /**
   * Upload under a scratch name beside the target (prefix + body + postfix),
   * then rename into place, so a watcher on the server never sees a partial
   * file. The scratch file is removed when anything fails (unless
   * `keepScratch`); when the session was lost first, its name goes to `leftovers`.
   */
  async xput(source: UploadSource, remote: string, opts: TransferOptions & ScratchOptions, leftovers: string[]): Promise<TransferResult> {
    assertPath(remote, 'remote path');
    const scratch = scratchPath(remote, opts, false);
    let result: TransferResult;
    try {
      result = await this.store('STOR', source, scratch, { ...opts, preserveTimestamp: false });
      await renameOver(this.s, scratch, remote);
    } catch (e) {
      if (!opts.keepScratch && !(await tryDelete(this.s, scratch))) leftovers.push(scratch);
      throw e;
    }
    if (opts.preserveTimestamp ?? this.s.options.preserveTimestamp) await this.copyLocalTime(source, remote);
    return { ...result, remotePath: remote };
  }

  /** RETR into memory, with the transfer's result beside the data; `into` continues a target that holds the file's start (REST). */
  async fetch(remote: string, opts: Omit<TransferOptions, 'offset'>, into?: MemoryTarget): Promise<TransferResult & { data: Buffer }> {
    const mem = into ?? new MemoryTarget(memoryLimitBytes(this.s.options.maxMemory), remote);
    const r = await this.retrieve(remote, mem, { ...opts, offset: mem.length });
    return { ...r, data: mem.data() };
  }

  async store(verb: 'STOR' | 'APPE' | 'STOU', source: UploadSource, remote: string, opts: TransferOptions): Promise<TransferResult> {
    if (verb !== 'STOU' || remote !== '') assertPath(remote, 'remote path');
    const type = opts.type ?? 'binary';
    let skip = opts.offset ?? 0;
    if (skip === -1) {
      if (verb === 'STOU') throw new FtpError('a restart offset makes no sense with a unique name', { kind: 'input' });
      // Kermit: "disabling SIZE prevents PUT /RESTART from working"; guessing the
      // remote size from a listing instead could resume at the wrong byte
      const why = this.caps.whyDisabled('SIZE');
      if (why !== null) throw new FtpError(resumeNeedsSize(remote, why), { kind: 'input' });
      skip = await size(this.s, this.caps, remote);
    }
    if (skip < 0 || !Number.isSafeInteger(skip)) throw new FtpError(`invalid restart offset ${opts.offset}`, { kind: 'input' });
    if (skip > 0 && type === 'ascii') throw new FtpError('restart offsets are byte offsets and need binary mode', { kind: 'input' });
    let total: number | null = null;
    let open: () => Readable;
    let fromFile: TransferSpec['source'];
    if (typeof source === 'string') {
      const st = await statLocal(source);
      if (!st.isFile()) throw new FtpError(`local path is not a file: ${source}`, { kind: 'local' });
      if (skip > st.size) throw new FtpError(`restart offset ${skip} is beyond the end of ${source} (${st.size} bytes)`, { kind: 'input' });
      total = st.size - skip;
      open = () => fs.createReadStream(source, { start: skip, highWaterMark: IO_CHUNK });
      fromFile = { path: source, start: skip };
    } else if (Buffer.isBuffer(source)) {
      if (skip > source.length) throw new FtpError(`restart offset ${skip} is beyond the end of the data (${source.length} bytes)`, { kind: 'input' });
      const data = source.subarray(skip);
      total = data.length;
      open = () => Readable.from(chunks(data), { objectMode: false });
    } else if (source instanceof Readable) {
      open = () => source;
    } else {
      throw new FtpError(`cannot upload a ${source === null ? 'null' : typeof source}: give a Buffer, a string path or a Readable`, { kind: 'input' });
    }
    const command = verb === 'STOU' && remote === '' ? 'STOU' : `${verb} ${remote}`;
    const out = await this.data.run({
      command,
      upload: true,
      type,
      restAt: verb === 'STOR' ? skip : 0,
      total,
      open,
      source: fromFile,
      onProgress: opts.onProgress,
      signal: opts.signal,
    });
    if (verb === 'STOR' && type === 'binary' && total !== null && this.caps.isEnabled('SIZE')) await this.verifyStored(remote, skip + total, command);
    let remotePath = remote;
    if (verb === 'STOU') remotePath = parseUniqueName(out.first) ?? parseUniqueName(out.final) ?? remote;
    if (verb !== 'STOU' || remotePath) {
      if (opts.preserveTimestamp ?? this.s.options.preserveTimestamp) await this.copyLocalTime(source, remotePath);
    }
    return { bytes: out.bytes, ms: out.ms, reply: out.final, remotePath };
  }

  /**
   * A data connection ended by a bare FIN (no TLS close_notify) looks like
   * the end of the file to many servers, which then answer 226 for a
   * truncated file. SIZE after the 226 catches that; a server without SIZE
   * (refused here, or SIZE disabled for the session) is taken at its word.
   */
  private async verifyStored(remote: string, expected: number, command: string): Promise<void> {
    let stored: number;
    try {
      stored = await size(this.s, this.caps, remote);
    } catch (e) {
      if (isFtpError(e) && (e.kind === 'reply' || e.kind === 'protocol') && this.s.connected) return;
      throw e;
    }
    if (stored !== expected) {
      throw new FtpError(`${command}: the server stored ${stored} of ${expected} bytes: the upload is incomplete`, { kind: 'data', code: 426, command });
    }
  }

  private async copyLocalTime(source: UploadSource, remote: string): Promise<void> {
    if (typeof source !== 'string') return;
    try {
      const st = await fs.promises.stat(source);
      await setModified(this.s, this.caps, remote, st.mtime);
    } catch (e) {
      this.s.log.info(`could not copy the modification time to ${remote}: ${(e as Error).message}`);
    }
  }

  async retrieveAtomically(remote: string, local: string, opts: TransferOptions, names: ScratchOptions): Promise<TransferResult> {
    assertPath(local, 'local path');
    const scratch = path.join(path.dirname(local), scratchBase(names, true));
    let result: TransferResult;
    try {
      result = await this.retrieve(remote, scratch, { ...opts, offset: 0, preserveTimestamp: false });
      await fs.promises.rename(scratch, local);
    } catch (e) {
      await fs.promises.rm(scratch, { force: true });
      throw e;
    }
    if (opts.preserveTimestamp ?? this.s.options.preserveTimestamp) await this.copyRemoteTime(remote, local);
    return { ...result, localPath: local };
  }

  async retrieve(remote: string, local: DownloadTarget | MemoryTarget, opts: TransferOptions): Promise<TransferResult> {
    assertPath(remote, 'remote path');
    const type = opts.type ?? 'binary';
    let offset = opts.offset ?? 0;
    let open: () => Writable;
    let target: TransferSpec['target'];
    if (typeof local === 'string') {
      assertPath(local, 'local path');
      if (offset === -1) offset = await localSize(local);
      if (offset < 0 || !Number.isSafeInteger(offset)) throw new FtpError(`invalid restart offset ${opts.offset}`, { kind: 'input' });
      if (offset > 0) {
        const size = await localSize(local);
        if (offset > size) throw new FtpError(`restart offset ${offset} is beyond the end of ${local} (${size} bytes)`, { kind: 'input' });
        await fs.promises.truncate(local, offset);
      }
      const at = offset;
      open = () => new FileSink(local, at > 0 ? 'r+' : 'w', at);
      target = () => new FileBatches(local, at > 0 ? 'r+' : 'w', at);
    } else if (local instanceof MemoryTarget) {
      open = () => local.writable();
      target = () => local;
    } else if (local instanceof Writable) {
      if (offset === -1) throw new FtpError('offset -1 needs a local file name to measure', { kind: 'input' });
      open = () => local;
    } else {
      throw new FtpError('download target must be a local path or a Writable', { kind: 'input' });
    }
    if (offset > 0 && type === 'ascii') throw new FtpError('restart offsets are byte offsets and need binary mode', { kind: 'input' });
    const out = await this.data.run({
      command: `RETR ${remote}`,
      upload: false,
      type,
      restAt: offset,
      total: null,
      open,
      target,
      onProgress: opts.onProgress,
      signal: opts.signal,
    });
    if (typeof local === 'string' && (opts.preserveTimestamp ?? this.s.options.preserveTimestamp)) await this.copyRemoteTime(remote, local);
    return { bytes: out.bytes, ms: out.ms, reply: out.final, remotePath: remote, localPath: typeof local === 'string' ? local : undefined };
  }

  private async copyRemoteTime(remote: string, local: string): Promise<void> {
    if (!this.caps.isEnabled('MDTM')) return this.s.log.info(`MDTM is disabled: the time of ${remote} is not copied`);
    try {
      const t = await mdtm(this.s, this.caps, remote);
      await fs.promises.utimes(local, t, t);
    } catch (e) {
      this.s.log.info(`could not copy the modification time of ${remote}: ${(e as Error).message}`);
    }
  }

  /** The raw text of LIST, NLST or MLSD (the parsers turn it into entries). */
  async listRaw(verb: 'LIST' | 'NLST' | 'MLSD', dir?: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
    if (verb !== 'LIST' && verb !== 'NLST' && verb !== 'MLSD') throw new FtpError(`not a listing command: ${String(verb)}`, { kind: 'input' });
    if (dir !== undefined && dir !== '') assertPath(dir, 'directory');
    const mem = new MemoryTarget(memoryLimitBytes(this.s.options.maxMemory), `the listing of ${dir || 'the current directory'}`);
    await this.data.run({
      command: dir ? `${verb} ${dir}` : verb,
      upload: false,
      type: this.s.currentType ?? 'binary',
      restAt: 0,
      total: null,
      open: () => mem.writable(),
      target: () => mem,
      signal: opts.signal,
    });
    return mem.data().toString(this.s.options.encoding === 'latin1' ? 'latin1' : 'utf8');
  }
}

function* chunks(data: Buffer): Generator<Buffer> {
  for (let i = 0; i < data.length; i += IO_CHUNK) yield data.subarray(i, i + IO_CHUNK);
}

async function statLocal(p: string): Promise<fs.Stats> {
  try {
    return await fs.promises.stat(p);
  } catch (e) {
    throw new FtpError(`cannot read local file ${p}: ${(e as Error).message}`, { kind: 'local', cause: e });
  }
}

async function localSize(p: string): Promise<number> {
  try {
    return (await fs.promises.stat(p)).size;
  } catch {
    return 0;
  }
}
