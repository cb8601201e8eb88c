/**
 * NLST replies: one name per line, nothing else.
 *
 * NLST says nothing about what a name is, so entries are type 'other'
 * ("not known"), with size, modified and permissions null. Guessing 'file'
 * would send a recursive walker into RETR on directories; 'other' tells it
 * to ask (SIZE, MDTM, CWD) or to use MLSD/LIST instead. The one exception is
 * a name ending in '/', which some servers use to mark directories: that
 * entry is type 'dir'.
 *
 * "NLST sub" answers "sub/a.txt" on many servers. The name is then 'a.txt'
 * and the path the server's own "sub/a.txt" (it is relative to the
 * session's directory, which is what later commands use), rather than
 * `dir` joined with the whole line.
 */
import { dropSelfAndParent } from './dot-entries';
import { isBlank, splitLines, singleLine } from './lines';
import { splitServerName } from './paths';
import type { ListEntry, ParseOptions } from './types';

/** One NLST line to an entry; null for a blank line. The line is taken verbatim (spaces are legal in names). */
export function parseNlstLine(line: string, dir = ''): ListEntry | null {
  const text = singleLine(line);
  if (text === null) return null;
  if (isBlank(text)) return null;
  const { name, path } = splitServerName(dir, text);
  const isDir = text.length > 1 && text.endsWith('/');
  return { name, path, type: isDir ? 'dir' : 'other', size: null, modified: null, permissions: null, raw: text };
}

/** A whole NLST reply; '.' and '..' are dropped unless `opts.keepDotEntries`. */
export function parseNlst(text: string, dir = '', opts: ParseOptions = {}): ListEntry[] {
  const entries: ListEntry[] = [];
  for (const line of splitLines(text)) {
    const entry = parseNlstLine(line, dir);
    if (entry) entries.push(entry);
  }
  return dropSelfAndParent(entries, opts);
}
