/**
 * Directory listing parsers: MLSD/MLST (RFC 3659), Unix `ls -l`, DOS/IIS
 * and NLST. parseList detects the format line by line and never throws.
 */
import { dropSelfAndParent } from './dot-entries';
import { parseDosLine } from './dos';
import { referenceTime } from './dates';
import { asText, isBlank, isTotalLine, splitLines, singleLine } from './lines';
import { parseMlsdLineStrict } from './mlsd';
import type { ListEntry, ParseOptions } from './types';
import { parseUnixLine } from './unix';
import { unknownEntry } from './unknown';

export type { EntryType, ListEntry, ParseOptions } from './types';
export { joinPath } from './paths';
export { splitLines } from './lines';
export { isSelfOrParent } from './dot-entries';
export { parseMlsd, parseMlsdLine, parseMlstReply } from './mlsd';
export { parseUnix, parseUnixLine } from './unix';
export { parseDos, parseDosLine } from './dos';
export { parseNlst, parseNlstLine } from './nlst';
export { unknownEntry } from './unknown';

/**
 * One line of a LIST or MLSD reply in whatever format it is: MLSD first
 * (its "fact=value;...; " prefix cannot start an ls or DOS line), then
 * Unix, then DOS; anything else becomes a type 'other' entry named by the
 * trimmed line. Null only for blank and "total N" lines, and for text of
 * more than one line.
 */
export function parseListLine(line: string, dir = '', opts: ParseOptions = {}): ListEntry | null {
  const text = singleLine(line);
  if (text === null) return null;
  if (isBlank(text) || isTotalLine(text)) return null;
  const base = asText(dir);
  return parseMlsdLineStrict(text, base)
    ?? parseUnixLine(text, base, opts ?? {})
    ?? parseDosLine(text, base)
    ?? unknownEntry(text, base);
}

/**
 * A whole listing, CRLF or LF, formats detected per line (a server may mix
 * them, and a proxy may prepend its own lines). '.', '..' and MLSD
 * cdir/pdir entries are dropped unless `opts.keepDotEntries`.
 */
export function parseList(text: string, dir = '', opts: ParseOptions = {}): ListEntry[] {
  const resolved: ParseOptions = { ...opts, now: referenceTime(opts?.now) };
  const entries: ListEntry[] = [];
  for (const line of splitLines(text)) {
    const entry = parseListLine(line, dir, resolved);
    if (entry) entries.push(entry);
  }
  return dropSelfAndParent(entries, resolved);
}
