/**
 * list(): one directory or a whole tree, with Kermit's rules for choosing
 * MLSD, LIST or NLST and for where a wildcard pattern is applied.
 *
 * Recursion is breadth-first with one data connection at a time: a
 * directory's listing is read completely before the next one is asked for,
 * so nothing is held open while the walk goes deeper. Links are listed but
 * never followed; a directory whose MLSD `unique` fact was met before (a
 * server that shows a symlink loop as a plain directory) is listed but not
 * entered again.
 */
import * as path from 'node:path';
import { isFtpError, FtpError } from './errors';
import { isSelfOrParent, joinPath, parseList, parseMlstReply, parseNlst } from './listing';
import type { ListEntry } from './listing';
import { anyGlobMatches, asList, globMatches, isWild, splitWild } from './match';
import { isDir } from './remote-fs';
import type { Reply } from './reply';
import { MAX_WALK_DEPTH, overMemoryError } from './limits';
import { isPlainName, normalisePath, staysBelow } from './safe-names';

export type ListMethod = 'auto' | 'mlsd' | 'list' | 'nlst';
export const LIST_METHODS: readonly ListMethod[] = ['auto', 'mlsd', 'list', 'nlst'];
export type ListVerb = 'MLSD' | 'LIST' | 'NLST';

/** What list() needs from a client (FtpsClient has it all). */
export interface ListingClient {
  listRaw(verb: ListVerb, dir?: string, opts?: { signal?: AbortSignal }): Promise<string>;
  /** What a listing's entries may cost in memory together (maxMemory, in bytes). */
  readonly maxListingBytes: number;
  /** Is MLST (MLSD) to be used on the client's own initiative? */
  isEnabled(name: 'MLST'): boolean;
  /** An implicit MLSD was refused: not tried again on this session. */
  markUnsupported(name: 'MLST'): void;
  /** MLST of one directory, for its `unique` fact. */
  quot(line: string): Promise<Reply>;
  /** followLinks asks the server whether a link leads to a directory by changing into it and back. */
  cwd(dir: string): Promise<unknown>;
  pwd(): Promise<string>;
}

export interface ListOptions {
  /** auto (default): MLSD when MLST is announced and enabled, else LIST; the others force one verb. */
  method?: ListMethod;
  /**
   * A minimatch glob for the names, matched by the client. With NLST it is
   * sent to the server instead (`NLST dir/pattern`) unless `matchLocally`.
   * With a '/' it is matched against the path below `dir` (recursive) or
   * split into a directory and a name pattern (one directory).
   */
  pattern?: string;
  /** Kermit's /MATCH: keep the pattern on the client even with NLST. */
  matchLocally?: boolean;
  recursive?: boolean;
  /** How many levels below `dir` a recursive listing enters (default: no limit). */
  depth?: number;
  /** Globs on the path below `dir`; a glob without '/' matches the name at any depth. */
  include?: string | string[];
  /** Like include; a matching directory is not entered either. */
  exclude?: string | string[];
  signal?: AbortSignal;
  /** Stop with an error beyond this many entries (default 1,000,000). */
  maxEntries?: number;
  /**
   * Bytes the walk's entries may cost in memory together (maxMemory): a
   * listing's text is bounded when it arrives, but its entries cost several
   * times that, so they are counted before they are parsed.
   */
  maxBytes?: number;
  /**
   * Enter links that lead to directories (recursive listings). Whether a
   * link is one is asked with CWD into it and back; a link whose target
   * leads back to a directory above it or already walked is marked `loop`.
   */
  followLinks?: boolean;
  /** Let pattern, include and exclude match names starting with a dot (match.ts, default false). */
  dot?: boolean;
}

export interface TreeEntry extends ListEntry {
  /** The path below the listed directory, '/'-separated. */
  rel: string;
  /** 0 for entries of the listed directory itself. */
  depth: number;
  /** A directory met before under another path (a symlink loop): listed, not entered. */
  loop?: boolean;
  /** With followLinks: what the link leads to ('dir' ones are entered). */
  linkTo?: 'dir' | 'file';
}

/** Replies that mean "the server does not do this command (here)". */
function notSupported(e: unknown): boolean {
  return isFtpError(e) && e.kind === 'reply' && [500, 501, 502, 504].includes(e.code);
}

/** A wildcard NLST the server would not glob (pyftpdlib; Pure-FTPd outside the current directory) or found nothing for. */
function nlstGlobRefused(e: unknown): boolean {
  return isFtpError(e) && e.kind === 'reply' && (e.code === 450 || e.code === 550 || e.code === 501);
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FtpError('listing aborted', { kind: 'aborted' });
}

/** One listing of one directory: the entries, the verb that produced them, and the listed directory's own facts (cdir) if sent. */
interface OneListing {
  entries: ListEntry[];
  verb: ListVerb;
  self: ListEntry | null;
}

/** Per-walk state for `auto`: an implicit MLSD or LIST that the server refused is not tried again. */
interface MethodState {
  method: ListMethod;
  mlsdRefused: boolean;
  listRefused: boolean;
  /** What the entries parsed so far cost, against maxBytes/maxEntries (absent: unbounded). */
  budget?: ListingBudget;
}

/** The walk's running memory and entry count: checked on each listing's text, before it is parsed. */
export class ListingBudget {
  private bytes = 0;
  private entries = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries: number,
    private readonly where: string,
  ) {}

  /** Count a listing's lines and estimated cost (two UTF-16 copies of the text plus the objects); throws past a bound. */
  charge(text: string): string {
    let lines = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines += 1;
    this.entries += lines;
    this.bytes += text.length * 4 + lines * 256;
    if (this.bytes > this.maxBytes) throw overMemoryError(`the listing of ${this.where}`, this.maxBytes);
    if (this.entries > this.maxEntries + 2) throw new FtpError(`more than ${this.maxEntries} entries below ${this.where}`, { kind: 'input' });
    return text;
  }
}

async function listOnce(client: ListingClient, dir: string, st: MethodState, nlstArg: string | null, signal?: AbortSignal): Promise<OneListing> {
  const arg = dir || undefined;
  const raw = async (verb: ListVerb, d: string | undefined): Promise<string> => {
    const text = await client.listRaw(verb, d, { signal });
    return st.budget ? st.budget.charge(text) : text;
  };
  if (st.method === 'nlst' || (st.method === 'auto' && st.listRefused)) {
    if (nlstArg !== null) {
      try {
        return { entries: parseNlst(await raw('NLST', nlstArg), dir), verb: 'NLST', self: null };
      } catch (e) {
        if (!nlstGlobRefused(e)) throw e;
        // the caller then matches locally
        throw new NlstGlobRefused(e as Error);
      }
    }
    return { entries: parseNlst(await raw('NLST', arg), dir), verb: 'NLST', self: null };
  }
  const useMlsd = st.method === 'mlsd' || (st.method === 'auto' && !st.mlsdRefused && client.isEnabled('MLST'));
  if (useMlsd) {
    try {
      const all = parseList(await raw('MLSD', arg), dir, { keepDotEntries: true });
      const self = all.find((e) => e.facts?.type?.toLowerCase() === 'cdir') ?? null;
      return { entries: all.filter((e) => !isSelfOrParent(e)), verb: 'MLSD', self };
    } catch (e) {
      if (st.method !== 'auto' || !notSupported(e)) throw e;
      st.mlsdRefused = true;
      client.markUnsupported('MLST');
    }
  }
  try {
    return { entries: parseList(await raw('LIST', arg), dir), verb: 'LIST', self: null };
  } catch (e) {
    if (st.method !== 'auto' || !notSupported(e)) throw e;
    st.listRefused = true;
    return { entries: parseNlst(await raw('NLST', arg), dir), verb: 'NLST', self: null };
  }
}

class NlstGlobRefused extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

/** One directory with the given method, '.', '..', cdir and pdir dropped (what ftps-list shows). */
export async function listDirectory(client: ListingClient, dir: string, method: ListMethod = 'auto', signal?: AbortSignal): Promise<ListEntry[]> {
  aborted(signal);
  const budget = new ListingBudget(client.maxListingBytes, 1_000_000, dir || 'the current directory');
  const one = await listOnce(client, dir, { method, mlsdRefused: false, listRefused: false, budget }, null, signal);
  return one.entries;
}

/** Where the listing goes and what is matched where, after Kermit's rules. */
export interface ListPlan {
  dir: string;
  /** Matched by the client against names (or, with a '/', relative paths); '' = everything. */
  localPattern: string;
  /** Sent to the server as `NLST dir/pattern`; null = nothing sent. */
  serverPattern: string | null;
}

export function planListing(dir: string, opts: Pick<ListOptions, 'method' | 'pattern' | 'matchLocally' | 'recursive'>): ListPlan {
  let d = dir ?? '';
  let pattern = (opts.pattern ?? '').trim();
  if (pattern === '') {
    // "foo/*.txt" as the path: a directory and a pattern (Kermit's mget filespec)
    const split = splitWild(d);
    if (split) {
      d = split.dir;
      pattern = split.pattern;
    }
  } else if (!opts.recursive && pattern.includes('/')) {
    const split = splitWild(pattern) ?? { dir: pattern.slice(0, pattern.lastIndexOf('/')), pattern: pattern.slice(pattern.lastIndexOf('/') + 1) };
    if (isWild(split.dir)) throw new FtpError(`the directory part of "${pattern}" has wildcards: use a recursive listing to match below several directories`, { kind: 'input' });
    d = split.dir.startsWith('/') || d === '' ? split.dir : joinPath(d, split.dir);
    pattern = split.pattern;
  }
  const toServer = opts.method === 'nlst' && !opts.matchLocally && !opts.recursive && pattern !== '' && !pattern.includes('/');
  return { dir: d, localPattern: toServer ? '' : pattern, serverPattern: toServer ? pattern : null };
}

/**
 * list(dir, options): entries { name, path, type, size, modified, permissions, raw }
 * plus rel and depth; `modified` is a UTC Date (see ListEntry for LIST's
 * zone-less times).
 */
export async function list(client: ListingClient, dir = '', opts: ListOptions = {}): Promise<TreeEntry[]> {
  const method = opts.method ?? 'auto';
  if (!LIST_METHODS.includes(method)) throw new FtpError(`unknown listing method "${String(method)}" (auto, mlsd, list or nlst)`, { kind: 'input' });
  const plan = planListing(dir, { ...opts, method });
  const recursive = opts.recursive === true;
  const maxDepth = recursive ? Math.max(0, opts.depth ?? Infinity) : 0;
  const include = asList(opts.include);
  const exclude = asList(opts.exclude);
  const maxEntries = opts.maxEntries ?? 1_000_000;
  const glob = { dot: opts.dot === true };
  const signal = opts.signal;
  const budget = new ListingBudget(opts.maxBytes ?? client.maxListingBytes, maxEntries, plan.dir || 'the current directory');
  const st: MethodState = { method, mlsdRefused: false, listRefused: false, budget };
  let localPattern = plan.localPattern;

  const out: TreeEntry[] = [];
  const seenPaths = new Set<string>([normalisePath(plan.dir)]);
  const seenUnique = new Set<string>();
  const queue: Pending[] = [{ dir: plan.dir, rel: '', depth: 0 }];
  const follow = recursive && opts.followLinks === true;
  const home: { dir?: string } = {};
  let rootUniquePending: string | null = null;
  let first = true;
  while (queue.length > 0) {
    const { dir: here, rel: hereRel, depth, link } = queue.shift() as Pending;
    aborted(signal);
    let one: OneListing;
    try {
      one = await listOnce(client, here, st, first ? plan.serverPattern && joinPath(here, plan.serverPattern) : null, signal);
    } catch (e) {
      if (!(e instanceof NlstGlobRefused)) throw e;
      // the server would not glob: list the directory and match here instead
      localPattern = plan.serverPattern ?? '';
      one = await listOnce(client, here, st, null, signal);
    }
    if (link) {
      // the directory a link led to: met before (its cdir unique) means a loop
      const u = one.self?.facts?.unique;
      if (u !== undefined && seenUnique.has(u)) {
        link.loop = true;
        continue;
      }
      if (u !== undefined) seenUnique.add(u);
    } else if (first && recursive && one.verb === 'MLSD' && one.self?.facts?.unique === undefined) {
      // asked only when a directory is about to be entered, so a flat listing ends on its own 226
      rootUniquePending = here;
    } else if (one.self?.facts?.unique) {
      seenUnique.add(one.self.facts.unique);
    }
    first = false;
    for (const entry of one.entries) {
      const rel = hereRel ? `${hereRel}/${entry.name}` : entry.name;
      const excluded = anyGlobMatches(exclude, rel, glob);
      if (excluded) continue;
      const t: TreeEntry = { ...entry, rel, depth };
      let enter = recursive && entry.type === 'dir' && depth < maxDepth;
      if (entry.type === 'dir') {
        const unique = entry.facts?.unique;
        if (unique !== undefined && enter && rootUniquePending !== null) {
          const rootUnique = await uniqueOf(client, rootUniquePending);
          if (rootUnique) seenUnique.add(rootUnique);
          rootUniquePending = null;
        }
        if (unique !== undefined && seenUnique.has(unique)) {
          t.loop = true;
          enter = false;
        } else if (unique !== undefined && enter) {
          seenUnique.add(unique);
        }
        if (seenPaths.has(normalisePath(entry.path))) enter = false;
        // "../x" or "a/b" from a listing would lead the walk out of its tree
        if (enter && (!isPlainName(entry.name) || !staysBelow(plan.dir, entry.path))) enter = false;
      } else if (entry.type === 'link' && follow && depth < maxDepth) {
        const target = entry.target !== undefined ? resolveTarget(here, entry.target) : null;
        if (target !== null && (seenPaths.has(target) || isAncestorOrSelf(target, here))) {
          t.loop = true;
        } else if (await isDir(client, entry.path, home)) {
          t.linkTo = 'dir';
          enter = !seenPaths.has(entry.path);
          if (target !== null) seenPaths.add(target);
        } else {
          t.linkTo = 'file';
        }
      }
      const shown = (include.length === 0 || anyGlobMatches(include, rel, glob)) && globMatches(localPattern, recursive ? rel : entry.name, glob);
      if (shown) {
        out.push(t);
        if (out.length > maxEntries) throw new FtpError(`more than ${maxEntries} entries below ${plan.dir || 'the current directory'}`, { kind: 'input' });
      }
      if (enter) {
        if (depth + 1 > MAX_WALK_DEPTH) {
          throw new FtpError(`${entry.path}: the walk below ${plan.dir || 'the current directory'} goes deeper than ${MAX_WALK_DEPTH} levels (the limit for recursive walks); a server whose directories list themselves looks like this`, { kind: 'protocol' });
        }
        seenPaths.add(normalisePath(entry.path));
        queue.push({ dir: entry.path, rel, depth: depth + 1, link: entry.type === 'link' ? t : undefined });
      }
    }
  }
  return out;
}

interface Pending {
  dir: string;
  rel: string;
  depth: number;
  /** Set when the directory was reached through this link entry. */
  link?: TreeEntry;
}

/** Where a link's target points, as a path like the listed ones ('/'-separated, normalised). */
export function resolveTarget(dir: string, target: string): string {
  const joined = target.startsWith('/') ? target : dir === '' ? target : `${dir}/${target}`;
  const norm = path.posix.normalize(joined);
  return norm.length > 1 && norm.endsWith('/') ? norm.slice(0, -1) : norm;
}

function isAncestorOrSelf(a: string, b: string): boolean {
  const na = a === '.' ? '' : a;
  const nb = path.posix.normalize(b === '' ? '.' : b).replace(/\/$/, '');
  if (na === nb || (na === '' && !nb.startsWith('/') && !nb.startsWith('..'))) return true;
  if (na === '/') return nb.startsWith('/');
  return nb.startsWith(`${na}/`);
}

/** The `unique` fact of a directory, by MLST (pyftpdlib's MLSD sends no cdir line). */
async function uniqueOf(client: ListingClient, dir: string): Promise<string | undefined> {
  try {
    const r = await client.quot(dir ? `MLST ${dir}` : 'MLST');
    if (r.code !== 250) return undefined;
    return parseMlstReply(r.lines.join('\n'))?.facts?.unique;
  } catch {
    return undefined;
  }
}
