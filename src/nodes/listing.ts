/** Listings as ftps-list and ftps-watch take them: the glob rule applied, entries shaped for msg.payload. */
import { globMatches, list, listDirectory, planListing, splitGlobPath } from '../lib';
import type { ListEntry, ListingClient, ListMethod, TreeEntry } from '../lib';

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

/** The part of `p` below `root` (both as the server wrote them). */
export function relativeTo(root: string, p: string): string {
  if (root === '' || root === '.') return p.replace(/^\.\//, '');
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

export interface Selection {
  /** A minimatch glob ('' = every entry); the rule is match.ts's. */
  pattern: string;
  recursive: boolean;
  method: ListMethod;
  /** Let the glob match dot names. */
  dot: boolean;
  signal?: AbortSignal;
}

/** Where a selection lists and what it matches there: one directory with "sub/*.csv" lists sub and matches *.csv there, as client.list does. */
export interface SelectionPlan {
  dir: string;
  recursive: boolean;
  pattern: string;
  /** Levels below `dir` a glob from the path reaches ("*\/x.csv": 1); undefined = no limit. */
  depth?: number;
  /** The node's own pattern, matched as well when the path brought a glob. */
  also?: string;
}

/** Checked before any session is used: a one-directory pattern with wildcards in its directory part is refused. */
export function planSelection(dir: string, sel: Pick<Selection, 'pattern' | 'recursive' | 'method'>): SelectionPlan {
  const g = splitGlobPath(dir);
  if (g.pattern !== '') {
    const spans = g.pattern.includes('/');
    const depth = sel.recursive || g.pattern.includes('**') ? undefined : g.depth;
    return { dir: g.dir, recursive: sel.recursive || spans, pattern: g.pattern, depth, also: sel.pattern || undefined };
  }
  if (sel.recursive || !sel.pattern.includes('/')) return { dir, recursive: sel.recursive, pattern: sel.pattern };
  const plan = planListing(dir, { method: sel.method, pattern: sel.pattern, matchLocally: true });
  return { dir: plan.dir, recursive: false, pattern: plan.localPattern };
}

/** The entries of the planned directory (with `recursive`, of the tree below it, breadth first) that the pattern selects. */
export async function selectEntries(client: ListingClient, plan: SelectionPlan, sel: Selection): Promise<TreeEntry[]> {
  const glob = { dot: sel.dot };
  const also = (rel: string): boolean => plan.also === undefined || globMatches(plan.also, rel, glob);
  if (plan.recursive) {
    const all = await list(client, plan.dir, { method: sel.method, recursive: true, depth: plan.depth, signal: sel.signal });
    return all.filter((e) => globMatches(plan.pattern, e.rel, glob) && also(e.rel));
  }
  const entries = await listDirectory(client, plan.dir, sel.method, sel.signal);
  return entries.filter((e) => globMatches(plan.pattern, e.name, glob) && also(e.name)).map((e) => ({ ...e, rel: e.name, depth: 0 }));
}
