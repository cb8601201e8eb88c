/**
 * Recursive download and upload of a directory tree, one file at a time
 * over the session's single control connection. Each side is listed first
 * (so totals are known for progress), then the files are moved as streams.
 * With `sync`, a file is moved only when its size or modification time
 * (whole seconds) differs from the copy already on the other side.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TransferOptions, TransferResult } from './client-options';
import { FtpError, isFtpError, isRefusal } from './errors';
import type { Switchable } from './feature-switches';
import { joinPath } from './listing';
import { anyGlobMatches, asList, GlobOptions } from './match';
import { DirClient, mkdirp } from './remote-fs';
import { staysBelow } from './safe-names';
import type { ListMethod, ListOptions, TreeEntry } from './tree';

/** What the tree operations need from a client (FtpsClient has it all). */
export interface TreeClient extends DirClient {
  list(dir: string, opts: ListOptions): Promise<TreeEntry[]>;
  get(remote: string, local: string, opts: TransferOptions): Promise<TransferResult>;
  put(local: string, remote: string, opts: TransferOptions): Promise<TransferResult>;
  mdtm(remote: string): Promise<Date>;
  delete(remote: string): Promise<unknown>;
  rmdir(dir: string): Promise<unknown>;
  isEnabled(name: Switchable): boolean;
}

export interface TreeProgress {
  filesDone: number;
  filesTotal: number;
  /** Bytes of all files moved so far, including the one under way. */
  bytesDone: number;
  /** Sum of the known sizes of the files to move. */
  bytesTotal: number;
  /** The file under way (path below the tree's root), or null at the end. */
  file: string | null;
}

export interface TreeTransferOptions {
  /** Listing method on the remote side (default auto). */
  method?: ListMethod;
  /** How many levels below the root to enter (default: no limit). */
  depth?: number;
  include?: string | string[];
  exclude?: string | string[];
  /** Move only files whose size or modification time differ from the other side's copy. */
  sync?: boolean;
  /** Download: enter links to directories and fetch links to files (see ListOptions.followLinks). */
  followLinks?: boolean;
  /** Copy modification times across (default true; sync relies on it). */
  preserveTimestamp?: boolean;
  /** Let include and exclude match names starting with a dot (match.ts, default false). */
  dot?: boolean;
  onProgress?: (p: TreeProgress) => void;
  signal?: AbortSignal;
}

export interface TreeTransferResult {
  /** Paths below the root of the files moved. */
  transferred: string[];
  /** Files left alone by sync. */
  unchanged: string[];
  /** Links and other entries that are not plain files or directories, not moved. */
  skipped: string[];
  /** Directories created on the receiving side. */
  dirsCreated: number;
  bytes: number;
  /** Download: remote names that cannot be written safely here (too long, "..", a slash or NUL inside, outside the tree), with why; the rest went on. */
  refused?: Array<{ name: string; reason: string }>;
}

/** The longest file name (one path segment) most local file systems take, in bytes. */
const NAME_MAX_BYTES = 255;

/** Why `rel` (from `e`, listed below `remoteDir`) cannot be written below the local root, or null when it can. */
function unwritable(remoteDir: string, e: TreeEntry, root: string): string | null {
  if (!staysBelow(remoteDir, e.path)) return `the server listed it as ${JSON.stringify(e.path)}, outside ${remoteDir || 'the current directory'}`;
  try {
    localPathFor(root, e.rel);
  } catch (err) {
    return (err as Error).message;
  }
  const long = e.rel.split('/').find((p) => Buffer.byteLength(p) > NAME_MAX_BYTES);
  return long === undefined ? null : `a name longer than ${NAME_MAX_BYTES} bytes cannot be written locally`;
}

/** A local write that failed for the name alone: the file is skipped, the tree goes on. */
function nameError(e: unknown): boolean {
  let x: unknown = e;
  for (let depth = 0; x && typeof x === 'object' && depth < 4; depth += 1) {
    const code = (x as { code?: unknown }).code;
    if (code === 'ENAMETOOLONG' || code === 'EILSEQ' || code === 'EINVAL') return true;
    x = (x as { cause?: unknown }).cause;
  }
  return false;
}

function seconds(d: Date | null | undefined): number | null {
  return d && !Number.isNaN(d.getTime()) ? Math.floor(d.getTime() / 1000) : null;
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FtpError('tree transfer aborted', { kind: 'aborted' });
}

/** The local path for a remote relative path, refusing anything that would land outside `root`. */
export function localPathFor(root: string, rel: string): string {
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) {
    throw new FtpError(`refusing the remote name "${rel}": it would not stay inside ${root}`, { kind: 'input' });
  }
  const full = path.join(root, ...parts);
  const back = path.relative(root, full);
  if (back.startsWith('..') || path.isAbsolute(back)) throw new FtpError(`refusing the remote name "${rel}": it would not stay inside ${root}`, { kind: 'input' });
  return full;
}

/** A listing time precise to the second: MLSD's modify fact. LIST times have no zone and often no seconds. */
function preciseTime(e: TreeEntry): Date | null {
  return e.facts && e.facts.modify !== undefined && e.modified && !Number.isNaN(e.modified.getTime()) ? e.modified : null;
}

async function remoteTime(client: TreeClient, e: TreeEntry): Promise<Date | null> {
  const t = preciseTime(e);
  if (t) return t;
  if (!client.isEnabled('MDTM')) return null;
  try {
    return await client.mdtm(e.path);
  } catch {
    return null;
  }
}

async function remoteSize(client: TreeClient, e: TreeEntry): Promise<number | null> {
  if (e.size !== null) return e.size;
  if (!client.isEnabled('SIZE')) return null;
  try {
    return await client.size(e.path);
  } catch {
    return null;
  }
}

async function statOrNull(p: string): Promise<fs.Stats | null> {
  try {
    return await fs.promises.stat(p);
  } catch {
    return null;
  }
}

/** Same size, and same time when both times are known. */
function same(localSize: number, localMtime: Date, rSize: number | null, rTime: Date | null): boolean {
  if (rSize === null || rSize !== localSize) return false;
  const rt = seconds(rTime);
  return rt === null || rt === seconds(localMtime);
}

class Progressor {
  private p: TreeProgress;
  private base = 0;
  constructor(filesTotal: number, bytesTotal: number, private readonly cb?: (p: TreeProgress) => void) {
    this.p = { filesDone: 0, filesTotal, bytesDone: 0, bytesTotal, file: null };
  }
  start(file: string): void {
    this.p = { ...this.p, file };
    this.cb?.({ ...this.p });
  }
  bytes(n: number): void {
    this.p = { ...this.p, bytesDone: this.base + n };
    this.cb?.({ ...this.p });
  }
  done(n: number): void {
    this.base += n;
    this.p = { ...this.p, filesDone: this.p.filesDone + 1, bytesDone: this.base };
    this.cb?.({ ...this.p });
  }
  end(): void {
    this.p = { ...this.p, file: null };
    this.cb?.({ ...this.p });
  }
}

export async function downloadTree(client: TreeClient, remoteDir: string, localDir: string, opts: TreeTransferOptions = {}): Promise<TreeTransferResult> {
  if (typeof localDir !== 'string' || localDir === '') throw new FtpError('a local folder is required', { kind: 'input' });
  const entries = await client.list(remoteDir, {
    method: opts.method,
    recursive: true,
    depth: opts.depth,
    include: opts.include,
    exclude: opts.exclude,
    signal: opts.signal,
    followLinks: opts.followLinks,
    dot: opts.dot,
  });
  const result: TreeTransferResult = { transferred: [], unchanged: [], skipped: [], dirsCreated: 0, bytes: 0, refused: [] };
  const refused = result.refused as Array<{ name: string; reason: string }>;
  await fs.promises.mkdir(localDir, { recursive: true });
  const made = new Set<string>();
  const ensureLocalDir = async (dir: string): Promise<void> => {
    if (made.has(dir)) return;
    const before = await statOrNull(dir);
    if (!before) {
      await fs.promises.mkdir(dir, { recursive: true });
      result.dirsCreated += 1;
    } else if (!before.isDirectory()) {
      throw new FtpError(`${dir} exists locally and is not a folder`, { kind: 'local' });
    }
    made.add(dir);
  };
  const todo: Array<{ e: TreeEntry; local: string; size: number | null; time: Date | null }> = [];
  for (const e of entries) {
    checkAborted(opts.signal);
    if (e.loop) {
      // a directory reached again through a link: its content is already on the list
      result.skipped.push(e.rel);
      continue;
    }
    // one name that cannot be written here must not cost the rest of the tree
    const why = unwritable(remoteDir, e, localDir);
    if (why !== null || refused.some((r) => e.rel.startsWith(`${r.name}/`))) {
      refused.push({ name: e.rel, reason: why ?? 'its folder was refused' });
      continue;
    }
    const local = localPathFor(localDir, e.rel);
    if (e.type === 'dir' || e.linkTo === 'dir') {
      await ensureLocalDir(local);
      continue;
    }
    const viaLink = e.linkTo === 'file';
    // NLST names carry no type: try them as files
    if (e.type !== 'file' && !viaLink && !(e.type === 'other' && opts.method === 'nlst')) {
      result.skipped.push(e.rel);
      continue;
    }
    // a link's own size and time are not its target's: ask SIZE/MDTM, which follow it
    const asked: TreeEntry = viaLink ? { ...e, size: null, facts: undefined } : e;
    let size = asked.size;
    let time = preciseTime(asked);
    if (opts.sync) {
      const st = await statOrNull(local);
      if (st && st.isFile()) {
        size = await remoteSize(client, asked);
        time = await remoteTime(client, asked);
        if (same(st.size, st.mtime, size, time)) {
          result.unchanged.push(e.rel);
          continue;
        }
      }
    }
    todo.push({ e: asked, local, size, time });
  }
  const prog = new Progressor(
    todo.length,
    todo.reduce((n, t) => n + (t.size ?? 0), 0),
    opts.onProgress,
  );
  const keepTime = opts.preserveTimestamp ?? true;
  for (const t of todo) {
    checkAborted(opts.signal);
    await ensureLocalDir(path.dirname(t.local));
    prog.start(t.e.rel);
    let r: TransferResult;
    try {
      r = await client.get(t.e.path, t.local, { signal: opts.signal, onProgress: (p) => prog.bytes(p.bytes), preserveTimestamp: false });
    } catch (e) {
      if (!nameError(e)) throw e;
      refused.push({ name: t.e.rel, reason: `cannot be written locally: ${(e as Error).message}` });
      continue;
    }
    if (keepTime) {
      const when = t.time ?? (await remoteTime(client, t.e));
      if (when) await fs.promises.utimes(t.local, when, when);
    }
    prog.done(r.bytes);
    result.transferred.push(t.e.rel);
    result.bytes += r.bytes;
  }
  prog.end();
  return result;
}

interface LocalItem {
  rel: string;
  full: string;
  dir: boolean;
  stat: fs.Stats;
}

/** Breadth-first walk of a local folder; symlinks are followed, a folder met twice (a loop) is entered once. */
async function walkLocal(root: string, depth: number, include: string[], exclude: string[], glob: GlobOptions, signal?: AbortSignal): Promise<{ items: LocalItem[]; skipped: string[] }> {
  const items: LocalItem[] = [];
  const skipped: string[] = [];
  const rootStat = await fs.promises.stat(root).catch((e: Error) => {
    throw new FtpError(`cannot read local folder ${root}: ${e.message}`, { kind: 'local', cause: e });
  });
  if (!rootStat.isDirectory()) throw new FtpError(`${root} is not a folder`, { kind: 'local' });
  const seen = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
  const queue: Array<{ full: string; rel: string; depth: number }> = [{ full: root, rel: '', depth: 0 }];
  while (queue.length > 0) {
    checkAborted(signal);
    const here = queue.shift() as { full: string; rel: string; depth: number };
    const names = (await fs.promises.readdir(here.full)).sort();
    for (const name of names) {
      const rel = here.rel ? `${here.rel}/${name}` : name;
      if (anyGlobMatches(exclude, rel, glob)) continue;
      const full = path.join(here.full, name);
      const st = await statOrNull(full);
      if (!st || (!st.isFile() && !st.isDirectory())) {
        skipped.push(rel);
        continue;
      }
      if (st.isDirectory()) {
        const id = `${st.dev}:${st.ino}`;
        const loop = seen.has(id);
        seen.add(id);
        if (loop) {
          skipped.push(rel);
          continue;
        }
        if (include.length === 0 || anyGlobMatches(include, rel, glob)) items.push({ rel, full, dir: true, stat: st });
        if (here.depth < depth) queue.push({ full, rel, depth: here.depth + 1 });
        continue;
      }
      if (include.length === 0 || anyGlobMatches(include, rel, glob)) items.push({ rel, full, dir: false, stat: st });
    }
  }
  return { items, skipped };
}

export async function uploadTree(client: TreeClient, localDir: string, remoteDir: string, opts: TreeTransferOptions = {}): Promise<TreeTransferResult> {
  const depth = Math.max(0, opts.depth ?? Infinity);
  const { items, skipped } = await walkLocal(localDir, depth, asList(opts.include), asList(opts.exclude), { dot: opts.dot }, opts.signal);
  const result: TreeTransferResult = { transferred: [], unchanged: [], skipped, dirsCreated: 0, bytes: 0 };
  result.dirsCreated += await mkdirp(client, remoteDir);
  // what is there already: directories need no MKD, files may need no STOR
  const there = new Map<string, TreeEntry>();
  try {
    for (const e of await client.list(remoteDir, { method: opts.method, recursive: true, depth: opts.depth, exclude: opts.exclude, dot: opts.dot, signal: opts.signal })) there.set(e.rel, e);
  } catch (e) {
    if (!isRefusal(e) && !(isFtpError(e) && e.code === 450)) throw e;
  }
  const made = new Set<string>();
  const ensureDir = async (rel: string): Promise<void> => {
    if (rel === '' || made.has(rel)) return;
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    await ensureDir(parent);
    const known = there.get(rel);
    if (!known || known.type !== 'dir') {
      await client.mkdir(joinPath(remoteDir, rel));
      result.dirsCreated += 1;
    }
    made.add(rel);
  };
  const todo: LocalItem[] = [];
  for (const it of items) {
    checkAborted(opts.signal);
    if (it.dir) {
      await ensureDir(it.rel);
      continue;
    }
    if (opts.sync) {
      const r = there.get(it.rel);
      if (r && r.type === 'file' && same(it.stat.size, it.stat.mtime, await remoteSize(client, r), await remoteTime(client, r))) {
        result.unchanged.push(it.rel);
        continue;
      }
    }
    todo.push(it);
  }
  const prog = new Progressor(todo.length, todo.reduce((n, t) => n + t.stat.size, 0), opts.onProgress);
  for (const it of todo) {
    checkAborted(opts.signal);
    const parent = it.rel.includes('/') ? it.rel.slice(0, it.rel.lastIndexOf('/')) : '';
    await ensureDir(parent);
    prog.start(it.rel);
    const r = await client.put(it.full, joinPath(remoteDir, it.rel), {
      signal: opts.signal,
      onProgress: (p) => prog.bytes(p.bytes),
      preserveTimestamp: opts.preserveTimestamp ?? true,
    });
    prog.done(r.bytes);
    result.transferred.push(it.rel);
    result.bytes += r.bytes;
  }
  prog.end();
  return result;
}

/** rm -r: delete everything below `dir` (files first, then directories deepest first), then `dir` itself; resolves with the count. */
export async function removeTree(client: TreeClient, dir: string, method: ListMethod = 'auto', signal?: AbortSignal): Promise<number> {
  const all = await client.list(dir, { method: method === 'nlst' ? 'auto' : method, recursive: true, signal });
  // checked before the first DELE: a listing that names "../evil" or "a/b" must not delete outside the tree
  const outside = all.find((e) => !staysBelow(dir, e.path));
  if (outside) {
    throw new FtpError(`refusing to remove ${dir} recursively: its listing names ${JSON.stringify(outside.path)}, which is not below it; nothing was deleted`, { kind: 'protocol' });
  }
  let removed = 0;
  for (const e of all) {
    if (e.type === 'dir') continue;
    await client.delete(e.path);
    removed += 1;
  }
  const dirs = all.filter((e) => e.type === 'dir').sort((a, b) => b.depth - a.depth);
  for (const e of dirs) {
    await client.rmdir(e.path);
    removed += 1;
  }
  await client.rmdir(dir);
  return removed + 1;
}
