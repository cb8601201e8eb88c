/**
 * The one glob rule (the contract's, for ftps-list, ftps-watch, tree
 * transfers and client.list): minimatch globs matched by the client against
 * the path relative to the listed directory. A glob without '/' matches the
 * last part of that path (so "*.log" finds logs at any depth of a tree); a
 * glob with '/' matches the whole relative path. Names starting with a dot
 * are matched only with `dot` on. No glob (''): everything is taken, dot
 * names included.
 */
import { minimatch } from 'minimatch';

/** Kermit's "wild": the characters a glob gives meaning to. */
export function isWild(s: string): boolean {
  return /[*?[\]{}]/.test(s);
}

/** "foo/*.txt" → { dir: 'foo', pattern: '*.txt' }; null when the last part is not wild. "/x/*" keeps its root. */
export function splitWild(p: string): { dir: string; pattern: string } | null {
  const cut = p.lastIndexOf('/');
  const last = p.slice(cut + 1);
  if (!isWild(last)) return null;
  const dir = cut < 0 ? '' : cut === 0 ? '/' : p.slice(0, cut);
  return { dir, pattern: last };
}

export interface GlobOptions {
  /** Let the glob match names starting with a dot (default false). */
  dot?: boolean;
}

export function globMatches(glob: string, relPath: string, opts: GlobOptions = {}): boolean {
  if (glob === '') return true;
  const target = glob.includes('/') ? relPath : relPath.slice(relPath.lastIndexOf('/') + 1);
  return minimatch(target, glob, { dot: opts.dot === true });
}

/** Does any of the globs match? (include and exclude lists) */
export function anyGlobMatches(globs: readonly string[], relPath: string, opts: GlobOptions = {}): boolean {
  return globs.some((g) => globMatches(g, relPath, opts));
}

/** include/exclude as given (one glob or several) → trimmed, non-empty globs. */
export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((s) => String(s).trim()).filter(Boolean);
}

/**
 * "logs/*.csv" → { dir: "logs", pattern: "*.csv" }; "/d/*\/x.csv" →
 * { dir: "/d", pattern: "*\/x.csv" } (the longest literal prefix is listed,
 * the rest matched by the client: ftps-list, multi-file get and put); no wildcard → { dir: p, pattern: "" }.
 * `depth` is how many levels below `dir` the pattern reaches.
 */
export function splitGlobPath(p: string): { dir: string; pattern: string; depth: number } {
  const parts = p.split('/');
  const i = parts.findIndex((s) => isWild(s));
  if (i < 0) return { dir: p, pattern: '', depth: 0 };
  const head = parts.slice(0, i);
  const dir = head.length === 1 && head[0] === '' ? '/' : head.join('/');
  const rest = parts.slice(i).filter((s) => s !== '');
  return { dir, pattern: rest.join('/'), depth: rest.length - 1 };
}
