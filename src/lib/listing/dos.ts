/**
 * DOS-style LIST lines, as IIS and some Windows servers send them:
 *
 *   01-02-24  10:11AM       <DIR>          docs
 *   01-02-2024  10:11PM                 1234 report.pdf
 *   01-02-24  22:11                     1234 report.pdf
 *
 * Dates are month-day-year (IIS prints them that way whatever the server's
 * locale); two-digit years 70-99 are 19xx, the rest 20xx. Times carry no
 * zone and are taken as UTC (see types.ts).
 *
 * A file's name is what follows the single space after its size, so leading
 * spaces survive; after <DIR> the padding cannot be told from the name, so
 * a directory name starts at its first non-space character.
 */
import { expandYear, utcDate } from './dates';
import { dropSelfAndParent } from './dot-entries';
import { isBlank, splitLines, singleLine } from './lines';
import { splitServerName } from './paths';
import { parseByteCount } from './size';
import type { EntryType, ListEntry, ParseOptions } from './types';
import { unknownEntry } from './unknown';

// Anchored, with bounded quantifiers only, so no input makes it backtrack
// more than a few steps. The name is taken from the rest of the line.
const HEAD = /^\s{0,8}(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\s{1,8}(\d{1,2}):(\d{2})(?::(\d{2}))?\s?([AaPp][Mm])?[ \t]{1,40}(<DIR>|<JUNCTION>|<SYMLINKD?>|\d[\d,]{0,30})(?=[ \t])/i;

function readDate(m: RegExpExecArray): Date | null {
  const month0 = Number(m[1]) - 1;
  const day = Number(m[2]);
  const year = expandYear(Number(m[3]), m[3].length);
  let hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const meridiem = m[7]?.toUpperCase();
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0);
  }
  return utcDate(year, month0, day, hour, minute, second);
}

function readKind(column: string): { type: EntryType; size: number | null } {
  const upper = column.toUpperCase();
  if (upper === '<DIR>') return { type: 'dir', size: null };
  if (upper.startsWith('<')) return { type: 'link', size: null };
  return { type: 'file', size: parseByteCount(column.replace(/,/g, '')) };
}

/** One DOS-style line to an entry, or null when it is not one. */
export function parseDosLine(line: string, dir = ''): ListEntry | null {
  const text = singleLine(line);
  if (text === null) return null;
  const m = HEAD.exec(text);
  if (!m) return null;
  const { type, size } = readKind(m[8]);
  const rest = text.slice(m[0].length);
  let shown = type === 'file' ? rest.slice(1) : rest.replace(/^[ \t]+/, '');
  let target: string | undefined;
  // Windows `dir` shows links as "name [target]".
  if (type === 'link' && shown.endsWith(']')) {
    const open = shown.indexOf(' [');
    if (open > 0) {
      target = shown.slice(open + 2, -1);
      shown = shown.slice(0, open);
    }
  }
  if (shown === '') return null;
  const { name, path } = splitServerName(dir, shown);
  const entry: ListEntry = { name, path, type, size, modified: readDate(m), permissions: null, raw: text };
  if (target !== undefined && target !== '') entry.target = target;
  return entry;
}

/**
 * A whole DOS-style listing. Lines that are not DOS-style come back as type
 * 'other' with `raw` kept; '.' and '..' are dropped unless
 * `opts.keepDotEntries`.
 */
export function parseDos(text: string, dir = '', opts: ParseOptions = {}): ListEntry[] {
  const entries: ListEntry[] = [];
  for (const line of splitLines(text)) {
    if (isBlank(line)) continue;
    entries.push(parseDosLine(line, dir) ?? unknownEntry(line, dir));
  }
  return dropSelfAndParent(entries, opts);
}
