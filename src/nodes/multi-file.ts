/**
 * Multi-file get and put (the contract's "Kermit's MGET and MPUT, and
 * mirroring"): list the source side once, decide per file (skip rules,
 * names that would escape the target), move the files with up to
 * `concurrency` jobs in flight (each its own pooled session, so the pool's
 * maxConnections bounds them), then mirror deletions only when nothing
 * failed. One file's failure never stops the others: they are collected
 * and reported once, in the error's `cause.failed`.
 */
import { promises as fsp } from 'node:fs';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { globMatches, isConnectionLost, isFtpError, isRefusal, splitGlobPath } from '../lib';
import type { FtpsClient, ScratchOptions, TransferType, TreeEntry } from '../lib';
import type { ActionIO, Outcome } from './action';
import { FtpsNodeError, inputError } from './node-error';
import type { MultiOptions } from './multi-options';
import { unsafeName } from './multi-options';
import { formatBytes, ftpsInfo, withResult } from './result';
import type { NodeMessage } from './red';
import { CLAIM_PREFIX } from './watch-claim';
import { t } from './i18n';

/** One line of msg.payload. */
export interface FileOutcome {
  path: string;
  localPath: string;
  bytes: number;
  action: 'transferred' | 'skipped' | 'deleted';
}

export interface FileFailure {
  path: string;
  message: string;
}


function joinRemote(dir: string, rel: string): string {
  if (dir === '' || dir === '.') return rel;
  return dir.endsWith('/') ? `${dir}${rel}` : `${dir}/${rel}`;
}

function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

function seconds(d: Date | null): number | null {
  return d && !Number.isNaN(d.getTime()) ? Math.floor(d.getTime() / 1000) : null;
}

/** A listing time precise to the second (MLSD's modify fact); LIST times lack seconds or a zone. */
function preciseTime(e: TreeEntry): Date | null {
  return e.facts && e.facts.modify !== undefined && e.modified && !Number.isNaN(e.modified.getTime()) ? e.modified : null;
}

async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await fsp.stat(p);
  } catch {
    return null;
  }
}

/**
 * The skip rule for one file: `same` skips when the sizes match and the
 * times match to the second (or no time is known on the source side);
 * `older` skips when the target is at least as new as the source.
 */
export function shouldSkip(rule: MultiOptions['skip'], src: { size: number | null; time: Date | null }, dst: { size: number; time: Date } | null): boolean {
  if (rule === 'none' || !dst) return false;
  if (rule === 'same') {
    if (src.size === null || src.size !== dst.size) return false;
    const s = seconds(src.time);
    return s === null || s === seconds(dst.time);
  }
  const s = seconds(src.time);
  return s !== null && (seconds(dst.time) as number) >= s;
}

/** Run `fn` over the items with at most `n` in flight; fn handles its own failures. */
async function inFlight<T>(items: readonly T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const t = items[next];
      next += 1;
      await fn(t);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Counts and the node status: "get 3/10 files, 1.2 kB". */
class Tally {
  outcomes: FileOutcome[] = [];
  failed: FileFailure[] = [];
  files = 0;
  bytes = 0;
  private moving = new Map<string, number>();
  private finished = 0;
  reply: { code: number; message: string } | null = null;

  constructor(
    private readonly io: ActionIO,
    private readonly label: string,
    private total = 0,
  ) {}

  plan(total: number): void {
    this.total = total;
    this.show(true);
  }

  progress(key: string, bytes: number): void {
    this.moving.set(key, bytes);
    this.show();
  }

  ok(o: FileOutcome): void {
    this.moving.delete(o.path);
    this.outcomes.push(o);
    if (o.action === 'transferred') {
      this.files += 1;
      this.bytes += o.bytes;
    }
    if (o.action !== 'deleted') this.finished += 1;
    this.show();
  }

  fail(p: string, e: unknown): void {
    this.moving.delete(p);
    this.failed.push({ path: p, message: messageOf(e) });
    this.finished += 1;
    this.show();
  }

  private show(now = false): void {
    let b = this.bytes;
    for (const v of this.moving.values()) b += v;
    this.io.status(t('ftps-get.status.multiProgress', { label: this.label, done: this.finished, total: this.total, bytes: formatBytes(b) }), now);
  }

  /** The output msg, or the one error for Catch (what was done stays in msg.payload). */
  finish(msg: NodeMessage, ms: number): Outcome {
    const reply = this.reply ?? { code: 226, message: 'nothing to transfer' };
    withResult(msg, { payload: this.outcomes, ftps: ftpsInfo(reply, { files: this.files, bytes: this.bytes, ms }) });
    if (this.failed.length > 0) {
      const first = this.failed[0];
      const subs = { failed: this.failed.length, total: this.failed.length + this.files, path: first.path, error: first.message, more: this.failed.length - 1 };
      throw new FtpsNodeError(t(subs.more > 0 ? 'ftps-get.errors.multiFailedMore' : 'ftps-get.errors.multiFailed', subs), {
        kind: 'multi',
        cause: { failed: this.failed },
      });
    }
    const skipped = this.outcomes.filter((o) => o.action === 'skipped').length;
    const summary = t('ftps-get.status.multiDone', { files: this.files, bytes: formatBytes(this.bytes) });
    return { out: msg, summary: skipped ? t('ftps-get.status.multiSkipped', { summary, n: skipped }) : summary };
  }
}

/** A remote listing below `dir` (pattern and depth as planned); a missing directory is an empty list when `missingOk`. */
async function remoteFiles(client: FtpsClient, dir: string, opts: { recursive: boolean; depth: number; signal: AbortSignal; missingOk: boolean }): Promise<TreeEntry[]> {
  try {
    return await client.list(dir, {
      recursive: opts.recursive || opts.depth > 0,
      depth: opts.recursive ? undefined : opts.depth,
      signal: opts.signal,
    });
  } catch (e) {
    if (opts.missingOk && (isRefusal(e) || (isFtpError(e) && e.code === 450))) return [];
    throw e;
  }
}

/** Selected by the glob (the one rule), never a claim of ftps-watch. */
function selected(pattern: string, rel: string, dot: boolean): boolean {
  return !baseName(rel).startsWith(CLAIM_PREFIX) && globMatches(pattern, rel, { dot });
}

interface LocalFile {
  rel: string;
  full: string;
  stat: Stats;
}

/** The local files below `root` (to `depth` levels), '/'-separated relative paths; symlinked folders met twice are entered once. */
async function localFiles(root: string, depth: number): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  const rootStat = await statOrNull(root);
  if (!rootStat || !rootStat.isDirectory()) return out;
  const seen = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
  const queue: Array<{ full: string; rel: string; depth: number }> = [{ full: root, rel: '', depth: 0 }];
  while (queue.length > 0) {
    const here = queue.shift() as { full: string; rel: string; depth: number };
    for (const name of (await fsp.readdir(here.full)).sort()) {
      const rel = here.rel ? `${here.rel}/${name}` : name;
      const full = path.join(here.full, name);
      const st = await statOrNull(full);
      if (!st) continue;
      if (st.isDirectory()) {
        const id = `${st.dev}:${st.ino}`;
        if (seen.has(id) || here.depth >= depth) continue;
        seen.add(id);
        queue.push({ full, rel, depth: here.depth + 1 });
      } else if (st.isFile()) {
        out.push({ rel, full, stat: st });
      }
    }
  }
  return out;
}

export interface MultiGetArgs {
  remote: string;
  /** The local directory (already checked against localRoot). */
  localDir: string;
  opts: MultiOptions;
  type: TransferType;
  preserveTimestamp: boolean | undefined;
}

/** ftps-get with a glob in `path` or `recursive` on: many files into a local directory. */
export async function multiGet(msg: NodeMessage, io: ActionIO, a: MultiGetArgs): Promise<Outcome> {
  const started = Date.now();
  const { dir, pattern, depth } = splitGlobPath(a.remote);
  const o = a.opts;
  // times are copied unless the node says no: skip and mirroring compare them on the next run
  const keepTime = a.preserveTimestamp ?? true;
  const tally = new Tally(io, 'get');
  const entries = await io.run(async (client, ctx) => {
    const found = await remoteFiles(client, dir, { recursive: o.recursive, depth, signal: ctx.signal, missingOk: false });
    tally.reply = client.lastReply ? { code: client.lastReply.code, message: client.lastReply.message } : null;
    return found;
  });
  await fsp.mkdir(a.localDir, { recursive: true });
  const chosen = entries.filter((e) => e.type === 'file' && !e.loop && selected(pattern, e.rel, o.dot));
  tally.plan(chosen.length);
  const wanted = new Set<string>();
  const todo: Array<{ e: TreeEntry; local: string }> = [];
  for (const e of chosen) {
    const why = unsafeName(e.rel, e.name);
    if (why) {
      tally.fail(e.path, t('ftps-get.errors.refusedName', { why }));
      continue;
    }
    const local = path.join(a.localDir, ...e.rel.split('/'));
    wanted.add(local);
    todo.push({ e, local });
  }

  await inFlight(todo, o.concurrency, async ({ e, local }) => {
    try {
      const st = o.skip !== 'none' ? await statOrNull(local) : null;
      if (st && !st.isFile()) throw inputError(t('ftps-get.errors.notAFile', { path: local }));
      const dst = st ? { size: st.size, time: st.mtime } : null;
      let time = preciseTime(e);
      if (dst && time !== null && shouldSkip(o.skip, { size: e.size, time }, dst)) {
        tally.ok({ path: e.path, localPath: local, bytes: 0, action: 'skipped' });
        return;
      }
      await fsp.mkdir(path.dirname(local), { recursive: true });
      const r = await io.run(async (client, ctx) => {
        if (dst && time === null && o.skip !== 'none') {
          // LIST gives no time to the second: ask MDTM (only where a local copy could be skipped)
          time = client.isEnabled('MDTM') ? await client.mdtm(e.path).catch(() => null) : null;
          if (shouldSkip(o.skip, { size: e.size, time }, dst)) return null;
        }
        const useListed = keepTime === true && time !== null;
        const got = await client.get(e.path, local, {
          type: a.type,
          // a listing time to the second is set locally below: no MDTM per file
          preserveTimestamp: useListed ? false : keepTime,
          signal: ctx.signal,
          onProgress: (p) => {
            if (p.bytes > 0) ctx.commit();
            tally.progress(e.path, p.bytes);
          },
        });
        tally.reply = { code: got.reply.code, message: got.reply.message };
        return got;
      });
      if (!r) {
        tally.ok({ path: e.path, localPath: local, bytes: 0, action: 'skipped' });
        return;
      }
      if (keepTime === true && time !== null) await fsp.utimes(local, time, time);
      tally.ok({ path: e.path, localPath: r.localPath ?? local, bytes: r.bytes, action: 'transferred' });
    } catch (err) {
      tally.fail(e.path, err);
    }
  });

  if (o.deleteExtraneous && tally.failed.length === 0) {
    const limit = o.recursive ? Infinity : depth;
    for (const f of await localFiles(a.localDir, limit)) {
      if (wanted.has(f.full) || !selected(pattern, f.rel, o.dot)) continue;
      try {
        await fsp.unlink(f.full);
        tally.ok({ path: joinRemote(dir, f.rel), localPath: f.full, bytes: 0, action: 'deleted' });
      } catch (err) {
        tally.fail(f.full, err);
      }
    }
  }
  return tally.finish(msg, Date.now() - started);
}

export interface MultiPutArgs {
  /** The local directory or glob (its literal part already checked against localRoot). */
  local: string;
  /** The remote directory. */
  remote: string;
  opts: MultiOptions;
  type: TransferType;
  preserveTimestamp: boolean | undefined;
  /** ftps-xput: each file under a scratch name, then renamed into place. */
  xput: ScratchOptions | null;
}

/** Is this local source (already resolved) a multi-file one: a glob, `recursive`, or a directory? */
export async function isMultiSource(local: string, globOrRecursive: boolean): Promise<boolean> {
  if (globOrRecursive) return true;
  const st = await statOrNull(local);
  return st !== null && st.isDirectory();
}

/** ftps-put / ftps-xput with a glob or directory as local source: many files into a remote directory. */
export async function multiPut(msg: NodeMessage, io: ActionIO, a: MultiPutArgs): Promise<Outcome> {
  const started = Date.now();
  const { dir: localDir, pattern, depth } = splitGlobPath(a.local);
  const o = a.opts;
  // times are copied unless the node says no: skip and mirroring compare them on the next run
  const keepTime = a.preserveTimestamp ?? true;
  const tally = new Tally(io, a.xput ? 'xput' : 'put');
  const limit = o.recursive ? Infinity : depth;
  const rootStat = await statOrNull(localDir);
  if (!rootStat || !rootStat.isDirectory()) throw inputError(t('ftps-put.errors.noLocalFolder', { path: localDir }));
  const files = (await localFiles(localDir, limit)).filter((f) => selected(pattern, f.rel, o.dot));
  tally.plan(files.length);

  // what is there already: sizes and times for skip, names for deleteExtraneous, directories that need no MKD
  const needListing = o.skip !== 'none' || o.deleteExtraneous;
  const there = new Map<string, TreeEntry>();
  const dirs = new Set<string>();
  await io.run(async (client, ctx) => {
    await mkdirpKnown(client, a.remote, dirs);
    if (!needListing) return;
    for (const e of await remoteFiles(client, a.remote, { recursive: o.recursive, depth, signal: ctx.signal, missingOk: true })) {
      if (e.type === 'dir') dirs.add(joinRemote(a.remote, e.rel));
      else there.set(e.rel, e);
    }
  });

  const todo: LocalFile[] = [];
  for (const f of files) {
    const why = unsafeName(f.rel);
    if (why) tally.fail(f.full, t('ftps-put.errors.refusedName', { why }));
    else todo.push(f);
  }

  await inFlight(todo, o.concurrency, async (f) => {
    const remote = joinRemote(a.remote, f.rel);
    try {
      const r = there.get(f.rel);
      let rTime = r ? preciseTime(r) : null;
      const srcNow = { size: f.stat.size, time: f.stat.mtime };
      const dstOf = (t: Date | null): { size: number; time: Date } | null => (r && r.size !== null && t ? { size: r.size, time: t } : null);
      if (o.skip !== 'none' && r && rTime && shouldSkip(o.skip, srcNow, dstOf(rTime))) {
        tally.ok({ path: remote, localPath: f.full, bytes: 0, action: 'skipped' });
        return;
      }
      const done = await io.run(async (client, ctx) => {
        if (o.skip !== 'none' && r && r.size !== null && rTime === null && client.isEnabled('MDTM')) {
          rTime = await client.mdtm(remote).catch(() => null);
          if (shouldSkip(o.skip, srcNow, dstOf(rTime))) return null;
        }
        const parent = f.rel.includes('/') ? joinRemote(a.remote, f.rel.slice(0, f.rel.lastIndexOf('/'))) : '';
        if (parent) await mkdirpKnown(client, parent, dirs);
        const opts = {
          type: a.type,
          preserveTimestamp: keepTime,
          signal: ctx.signal,
          onProgress: (p: { bytes: number }) => {
            if (p.bytes > 0) ctx.commit();
            tally.progress(remote, p.bytes);
          },
        };
        const put = a.xput ? await client.xput(f.full, remote, { ...opts, ...a.xput }) : await client.put(f.full, remote, opts);
        tally.reply = { code: put.reply.code, message: put.reply.message };
        return put;
      });
      tally.ok({ path: remote, localPath: f.full, bytes: done ? done.bytes : 0, action: done ? 'transferred' : 'skipped' });
    } catch (err) {
      tally.fail(remote, err);
    }
  });

  if (o.deleteExtraneous && tally.failed.length === 0) {
    const have = new Set(files.map((f) => f.rel));
    const extra = [...there.values()].filter((e) => e.type === 'file' && !have.has(e.rel) && selected(pattern, e.rel, o.dot) && unsafeName(e.rel, e.name) === null);
    await inFlight(extra, o.concurrency, async (e) => {
      try {
        await io.run((client) => client.delete(e.path));
        tally.ok({ path: e.path, localPath: path.join(localDir, ...e.rel.split('/')), bytes: 0, action: 'deleted' });
      } catch (err) {
        tally.fail(e.path, err);
      }
    });
  }
  return tally.finish(msg, Date.now() - started);
}

/** mkdir -p that remembers what exists (several files in flight share one set); a MKD that lost a race to another job is fine. */
async function mkdirpKnown(client: FtpsClient, dir: string, known: Set<string>): Promise<void> {
  if (dir === '' || dir === '/' || dir === '.' || known.has(dir)) return;
  const cut = dir.lastIndexOf('/');
  if (cut > 0) await mkdirpKnown(client, dir.slice(0, cut), known);
  try {
    await client.mkdir(dir);
  } catch (e) {
    // 550/553 "exists" and its kin: an existing directory is the goal; anything else shows at the STOR
    if (!isRefusal(e) || isConnectionLost(e)) throw e;
  }
  known.add(dir);
}
