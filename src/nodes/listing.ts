/** Directory listings for ftps-list and ftps-ops (recursive rmdir): method choice, parsing, tree walks. */
import { minimatch } from 'minimatch';
import { isFtpError } from '../lib';
import type { FtpsClient } from '../lib';
import { parseList, parseNlst } from '../lib/listing';
import type { ListEntry } from '../lib/listing';

export type ListMethod = 'auto' | 'mlsd' | 'list' | 'nlst';
export const LIST_METHODS: readonly ListMethod[] = ['auto', 'mlsd', 'list', 'nlst'];

/** An entry as it goes into msg.payload: `modified` as an ISO 8601 UTC string. */
export interface MsgEntry {
  name: string;
  path: string;
  type: ListEntry['type'];
  size: number | null;
  modified: string | null;
  permissions: string | null;
  raw: string;
  target?: string;
  owner?: string;
  group?: string;
}

export function toMsgEntry(e: ListEntry): MsgEntry {
  const m: MsgEntry = {
    name: e.name,
    path: e.path,
    type: e.type,
    size: e.size,
    modified: e.modified && !Number.isNaN(e.modified.getTime()) ? e.modified.toISOString() : null,
    permissions: e.permissions,
    raw: e.raw,
  };
  if (e.target !== undefined) m.target = e.target;
  if (e.owner !== undefined) m.owner = e.owner;
  if (e.group !== undefined) m.group = e.group;
  return m;
}

/** Replies that mean "this server does not know the command". */
function notSupported(e: unknown): boolean {
  return isFtpError(e) && e.kind === 'reply' && [500, 501, 502, 504].includes(e.code);
}

/**
 * One directory. `auto` uses MLSD when the server announces MLST in FEAT
 * (exact types, sizes and UTC times) and falls back to LIST when MLSD is
 * refused; `nlst` gives names only.
 */
export async function listDir(client: FtpsClient, dir: string, method: ListMethod, signal?: AbortSignal): Promise<ListEntry[]> {
  let verb: 'MLSD' | 'LIST' | 'NLST' = method === 'mlsd' ? 'MLSD' : method === 'nlst' ? 'NLST' : 'LIST';
  if (method === 'auto' && client.features?.has('MLST')) verb = 'MLSD';
  let text: string;
  try {
    text = await client.listRaw(verb, dir || undefined, { signal });
  } catch (e) {
    if (!(method === 'auto' && verb === 'MLSD' && notSupported(e))) throw e;
    verb = 'LIST';
    text = await client.listRaw(verb, dir || undefined, { signal });
  }
  return verb === 'NLST' ? parseNlst(text, dir) : parseList(text, dir);
}

export interface WalkedEntry {
  entry: ListEntry;
  /** The path relative to the walk's root. */
  rel: string;
  depth: number;
}

/** The part of `p` below `root` (both as the server wrote them). */
export function relativeTo(root: string, p: string): string {
  if (root === '' || root === '.') return p.replace(/^\.\//, '');
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

/**
 * Breadth-first walk below `root`: every entry, directories before what is
 * in them. Links are listed but not followed; a directory is listed once.
 */
export async function walk(client: FtpsClient, root: string, method: ListMethod, signal?: AbortSignal, maxEntries = 1_000_000): Promise<WalkedEntry[]> {
  const out: WalkedEntry[] = [];
  const seen = new Set<string>([root]);
  const queue: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
  while (queue.length > 0) {
    const { dir, depth } = queue.shift() as { dir: string; depth: number };
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    const entries = await listDir(client, dir, method, signal);
    for (const entry of entries) {
      out.push({ entry, rel: relativeTo(root, entry.path), depth });
      if (out.length > maxEntries) throw new Error(`more than ${maxEntries} entries below ${root || 'the current directory'}`);
      if (entry.type === 'dir' && !seen.has(entry.path)) {
        seen.add(entry.path);
        queue.push({ dir: entry.path, depth: depth + 1 });
      }
    }
  }
  return out;
}

/** Does `name` match the glob (an empty pattern matches everything)? */
export function matches(pattern: string, name: string): boolean {
  return pattern === '' || minimatch(name, pattern);
}
