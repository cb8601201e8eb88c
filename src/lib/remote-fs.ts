/** Remote file-system helpers built from single FTP commands: is it a directory, exists, mkdir -p, paths. */
import { isFtpError, isRefusal } from './errors';

/** What the CWD probe needs from a client. */
export interface CwdClient {
  pwd(): Promise<string>;
  cwd(dir: string): Promise<unknown>;
}

/** What exists() and mkdirp() need from a client. */
export interface DirClient extends CwdClient {
  size(p: string): Promise<number>;
  mkdir(dir: string): Promise<unknown>;
}

/**
 * Is `p` a directory? Probed with CWD, then back to where the session was
 * (sessions are shared); a refused CWD means no. `home` keeps the PWD
 * answer for a series of probes.
 */
export async function isDir(client: CwdClient, p: string, home: { dir?: string } = {}): Promise<boolean> {
  if (home.dir === undefined) home.dir = await client.pwd();
  try {
    await client.cwd(p);
  } catch (e) {
    if (isFtpError(e) && e.kind === 'reply') return false;
    throw e;
  }
  await client.cwd(home.dir);
  return true;
}

/** Does `p` exist: a file (SIZE answers) or a directory (CWD works)? */
export async function exists(client: DirClient, p: string): Promise<boolean> {
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
 * exists) costs one command. Resolves with the number of directories made.
 */
export async function mkdirp(client: DirClient, dir: string): Promise<number> {
  if (dir === '' || dir === '/' || dir === '.') return 0;
  try {
    await client.mkdir(dir);
    return 1;
  } catch (e) {
    if (!isRefusal(e)) throw e;
    if (await isDir(client, dir)) return 0;
  }
  let made = 0;
  for (const d of ancestors(dir)) {
    try {
      await client.mkdir(d);
      made += 1;
    } catch (e) {
      if (!isRefusal(e)) throw e;
      if (!(await isDir(client, d))) throw e;
    }
  }
  return made;
}
