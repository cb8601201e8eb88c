/**
 * Names from a server's listing are untrusted: "../evil", "a/b" or ".."
 * joined to a directory point somewhere else. A walk enters, and a
 * destructive walk acts on, only plain names whose path stays below its root.
 */
import * as path from 'node:path';

/** A single path segment: not empty, not "." or "..", no slash, backslash or NUL. */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** `p` normalised ('/'-separated, no "." or ".." segments, no trailing slash). */
export function normalisePath(p: string): string {
  if (p === '') return '';
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** Does `p` lie strictly below `root` once both are normalised? */
export function staysBelow(root: string, p: string): boolean {
  const r = normalisePath(root === '' ? '.' : root);
  const n = normalisePath(p);
  if (n === r || n === '..' || n.startsWith('../')) return false;
  if (r === '.') return !n.startsWith('/') && n !== '.';
  if (r === '/') return n.startsWith('/') && n !== '/';
  return n.startsWith(`${r}/`);
}
