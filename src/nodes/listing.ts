/** Directory listings for ftps-list and ftps-ops (recursive rmdir): method choice, parsing, tree walks. */
import { minimatch } from 'minimatch';
import type { FtpsClient } from '../lib';
import type { ListEntry } from '../lib/listing';
import { list, listDirectory, LIST_METHODS as CLIENT_LIST_METHODS } from '../lib/tree';
import type { ListMethod as ClientListMethod } from '../lib/tree';

export type ListMethod = ClientListMethod;
export const LIST_METHODS: readonly ListMethod[] = CLIENT_LIST_METHODS;

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

/**
 * One directory. `auto` uses MLSD when the server announces MLST in FEAT
 * (exact types, sizes and UTC times) and falls back to LIST when MLSD is
 * refused; `nlst` gives names only. The client's listDirectory does the work.
 */
export function listDir(client: FtpsClient, dir: string, method: ListMethod, signal?: AbortSignal): Promise<ListEntry[]> {
  return listDirectory(client, dir, method, signal);
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
 * Breadth-first walk below `root` (the client's list(), recursive): every
 * entry, directories before what is in them. Links are listed but not
 * followed; a directory is listed once.
 */
export async function walk(client: FtpsClient, root: string, method: ListMethod, signal?: AbortSignal, maxEntries = 1_000_000): Promise<WalkedEntry[]> {
  const opts = { method, recursive: true, signal, maxEntries };
  // a session pool may hand out stand-ins that only have listRaw (the node tests' scripted client)
  const all = typeof client.list === 'function' ? await client.list(root, opts) : await list(client, root, opts);
  return all.map((entry) => ({ entry, rel: entry.rel, depth: entry.depth }));
}

/** Does `name` match the glob (an empty pattern matches everything)? */
export function matches(pattern: string, name: string): boolean {
  return pattern === '' || minimatch(name, pattern);
}
