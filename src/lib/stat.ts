/**
 * One path's entry without SIZE or MDTM (aioftp and other servers answer
 * them 502): MLST when the server has it (facts size, modify, type), else a
 * listing of the parent directory, else the CWD probe for a directory the
 * listing hides. Also what "not found" means when a server's code is
 * ambiguous (a 450 to SIZE of a missing file): the follow-up decides.
 */
import { FtpError, isFtpError } from './errors';
import { isUnknownCommand } from './feature-switches';
import { parseMlstReply } from './listing';
import type { ListEntry } from './listing';
import { isDir, remoteDirname } from './remote-fs';
import { listDirectory, ListingClient } from './tree';

export type StatClient = ListingClient;

/** The last part of a remote path ("a/b/" → "b"). */
function baseName(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t.slice(t.lastIndexOf('/') + 1);
}

/** A reply that says nothing certain about the path: the server knows no such command, or a transient 4xx. */
export function isAmbiguousMissing(e: unknown): boolean {
  if (!isFtpError(e) || e.kind !== 'reply') return false;
  // 421/425/426 are about the session or a data connection, not the file
  return isUnknownCommand(e.code) || (e.code >= 450 && e.code < 500);
}

/**
 * The entry at `p` (file, directory, link) as ftps-list shows it, or null
 * when nothing is there. Session and data failures are thrown.
 */
export async function stat(client: StatClient, p: string): Promise<ListEntry | null> {
  const clean = p.replace(/\/+$/, '');
  if (clean === '' || clean === '.' || p === '/') return dirEntry(p === '' ? '.' : p, p || '.');
  if (client.isEnabled('MLST')) {
    const r = await client.quot(`MLST ${p}`);
    if (r.code >= 200 && r.code < 300) {
      const e = parseMlstReply(r.message);
      if (e) return { ...e, name: baseName(e.path) || baseName(p), path: p };
    } else if (isUnknownCommand(r.code)) {
      client.markUnsupported('MLST');
    } else if (r.code >= 500) {
      return null; // 550: no such file (or not visible to this user, which is the same to a flow)
    }
  }
  const name = baseName(p);
  const parent = remoteDirname(p.replace(/\/+$/, ''));
  let entries: ListEntry[] | null = null;
  try {
    entries = await listDirectory(client, parent, 'auto');
  } catch (e) {
    if (!isFtpError(e) || e.kind !== 'reply') throw e;
  }
  const found = entries?.find((e) => e.name === name);
  if (found) return { ...found, path: p };
  // vsftpd hides dot names from listings; a directory still answers CWD
  if (await isDir(client, p)) return dirEntry(name, p);
  return null;
}

function dirEntry(name: string, p: string): ListEntry {
  return { name, path: p, type: 'dir', size: null, modified: null, permissions: null, raw: '' };
}

/** The error for a path stat() did not find, as a server's 550 would read. */
export function notFound(command: string, p: string, cause?: unknown): FtpError {
  return new FtpError(`${command}: ${p}: no such file`, { kind: 'reply', code: 550, serverMessage: `${p}: no such file`, command, cause });
}
