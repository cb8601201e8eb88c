/** Remote file-system helpers built from single FTP commands: exists, isDir, mkdir -p, rm -r. */
import { FtpError, isFtpError } from '../lib';
import { staysBelow } from '../lib/safe-names';
import type { FtpsClient } from '../lib';
import { ListMethod, walk } from './listing';

/** A permanent negative reply (5xx): "no such file", "not a directory", "exists" ... */
export function isRefusal(e: unknown): boolean {
  return isFtpError(e) && e.kind === 'reply' && e.code >= 500 && e.code < 600;
}

/** Is `p` a directory? Probed with CWD, then back to where the session was (sessions are shared). */
export async function isDir(client: FtpsClient, p: string): Promise<boolean> {
  const here = await client.pwd();
  try {
    await client.cwd(p);
  } catch (e) {
    if (isRefusal(e)) return false;
    throw e;
  }
  await client.cwd(here);
  return true;
}

/** Does `p` exist: a file (SIZE answers) or a directory (CWD works)? */
export async function exists(client: FtpsClient, p: string): Promise<boolean> {
  try {
    await client.size(p);
    return true;
  } catch (e) {
    if (!isRefusal(e)) throw e;
  }
  return isDir(client, p);
}

/** The directory part of a remote path ('' when there is none). */
export function remoteDirname(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  if (i < 0) return '';
  if (i === 0) return '/';
  return p.slice(0, i);
}

/** The directories from the top down to `dir`: "/a/b" → ["/a", "/a/b"], "a/b" → ["a", "a/b"]. */
export function ancestors(dir: string): string[] {
  const abs = dir.startsWith('/');
  const parts = dir.split('/').filter((x) => x !== '' && x !== '.');
  const out: string[] = [];
  let cur = '';
  for (const part of parts) {
    cur = cur === '' ? (abs ? `/${part}` : part) : `${cur}/${part}`;
    out.push(cur);
  }
  return out;
}

/**
 * mkdir -p: create `dir` and any missing parents; an existing directory is
 * fine. Tries the directory itself first, so the common case (the parent
 * exists) costs one command.
 */
export async function mkdirp(client: FtpsClient, dir: string): Promise<void> {
  if (dir === '' || dir === '/' || dir === '.') return;
  try {
    await client.mkdir(dir);
    return;
  } catch (e) {
    if (!isRefusal(e)) throw e;
    if (await isDir(client, dir)) return;
  }
  for (const d of ancestors(dir)) {
    try {
      await client.mkdir(d);
    } catch (e) {
      if (!isRefusal(e)) throw e;
      if (!(await isDir(client, d))) throw e;
    }
  }
}

/** rm -r: delete everything below `dir` (files first, then directories deepest first), then `dir` itself. */
export async function removeTree(client: FtpsClient, dir: string, method: ListMethod = 'auto', signal?: AbortSignal): Promise<number> {
  const all = await walk(client, dir, method === 'nlst' ? 'auto' : method, signal);
  // checked before the first DELE: a listing that names "../evil" or "a/b" must not delete outside the tree
  const outside = all.find((w) => !staysBelow(dir, w.entry.path));
  if (outside) {
    throw new FtpError(`refusing to remove ${dir} recursively: its listing names ${JSON.stringify(outside.entry.path)}, which is not below it; nothing was deleted`, { kind: 'protocol' });
  }
  let removed = 0;
  for (const w of all) {
    if (w.entry.type === 'dir') continue;
    await client.delete(w.entry.path);
    removed += 1;
  }
  const dirs = all.filter((w) => w.entry.type === 'dir').sort((a, b) => b.depth - a.depth);
  for (const w of dirs) {
    await client.rmdir(w.entry.path);
    removed += 1;
  }
  await client.rmdir(dir);
  return removed + 1;
}
