/**
 * The matching rules for listings and tree transfers: minimatch globs,
 * matched by the client, dot files included. A glob without '/' matches the
 * last part of a path (so "*.log" finds logs at any depth of a tree); a glob
 * with '/' matches the whole path below the listed directory.
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

export function globMatches(glob: string, relPath: string): boolean {
  if (glob === '') return true;
  const target = glob.includes('/') ? relPath : relPath.slice(relPath.lastIndexOf('/') + 1);
  return minimatch(target, glob, { dot: true });
}

/** include/exclude as given (one glob or several) → trimmed, non-empty globs. */
export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((s) => String(s).trim()).filter(Boolean);
}
