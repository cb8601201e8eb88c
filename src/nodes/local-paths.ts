/**
 * The ftps-server's `localRoot`: when set, every local file name a message
 * picks (get to a file, put/xput from a file) must stay inside that folder.
 * Lexical `..` escapes are refused first, then the real path (symbolic
 * links followed, for the file itself or its deepest existing ancestor) must
 * still be inside the folder's real path. A race with someone who can
 * change the folder between this check and the transfer is not covered:
 * the folder belongs to the Node-RED user, not to the message's author.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FtpError } from '../lib';
import { t } from './i18n';

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** The real path of `p`, or of its deepest existing ancestor with the missing rest appended. */
async function realPathOrAncestor(p: string): Promise<string> {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(await fs.realpath(cur), ...rest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = path.dirname(cur);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === cur) throw e;
      rest.unshift(path.basename(cur));
      cur = parent;
    }
  }
}

function refused(message: string): FtpError {
  return new FtpError(message, { kind: 'input' });
}

/**
 * The local path to use for `name`: unchanged without a root; with one,
 * `name` taken relative to it (absolute names must lie inside it) and
 * refused when it leaves the folder lexically or through a symbolic link.
 */
export async function resolveLocalPath(root: string | undefined, name: string): Promise<string> {
  if (!root) return name;
  const absRoot = path.resolve(root);
  let realRoot: string;
  try {
    realRoot = await fs.realpath(absRoot);
  } catch {
    throw refused(t('ftps-server.errors.localRootMissing', { root: absRoot }));
  }
  const target = path.resolve(absRoot, name);
  if (!inside(absRoot, target)) {
    throw refused(t('ftps-server.errors.outsideLocalRoot', { name: JSON.stringify(name), root: absRoot }));
  }
  let real: string;
  try {
    real = await realPathOrAncestor(target);
  } catch (e) {
    throw refused(t('ftps-server.errors.localRootUnchecked', { name: JSON.stringify(name), error: (e as Error).message }));
  }
  if (!inside(realRoot, real)) {
    throw refused(t('ftps-server.errors.localRootLink', { name: JSON.stringify(name), root: absRoot }));
  }
  return target;
}
