/**
 * Unix `ls -l` style LIST lines, as vsftpd, ProFTPD, Pure-FTPd, pyftpdlib,
 * FileZilla Server and most others send them:
 *
 *   drwxr-xr-x    2 owner    group        4096 Jan  2 10:11 name
 *   -rw-r--r--    1 owner    group        1234 Mar 15  2023 name
 *   crw-rw-rw-    1 root     root       1,   3 Jan  2 10:11 null
 *   -rw-r--r--    1 owner    group        1234 2024-01-02 10:11 name
 *
 * Columns are found by position relative to the date rather than by count,
 * because servers drop the link count, the group, or both. The name is the
 * rest of the line after the single space that follows the date, so names
 * with leading or inner spaces survive.
 *
 * Times carry no zone: the server prints its own local time, which a client
 * cannot know, so the wall-clock time is taken as UTC. Dates without a year
 * are placed with resolveYearless (the six-month rule, see dates.ts).
 */
import { fractionToMs, monthIndex, referenceTime, resolveYearless, utcDate } from './dates';
import { dropSelfAndParent } from './dot-entries';
import { isBlank, isTotalLine, splitLines, singleLine } from './lines';
import { splitServerName } from './paths';
import { parseByteCount } from './size';
import { tokenize, type Token } from './tokens';
import type { EntryType, ListEntry, ParseOptions } from './types';
import { unknownEntry } from './unknown';

// Type char, nine permission chars, then the optional marker ls adds for an
// ACL ('+'), extended attributes ('@', macOS) or an SELinux context ('.').
const MODE = /^(\S)([rwxsStTlL-]{9})([+@.])?$/;

interface DateMatch {
  /** Index of the date's last token; the name follows it. */
  last: number;
  modified: Date | null;
}

interface SizeMatch {
  /** Index of the size column's first token. */
  first: number;
  size: number | null;
}

function typeFromChar(c: string): EntryType {
  if (c === '-') return 'file';
  if (c === 'd') return 'dir';
  if (c === 'l') return 'link';
  return 'other';
}

/** "Mon DD HH:MM", "Mon DD  YYYY", or BSD `ls -T`'s "Mon DD HH:MM:SS YYYY". */
function readMonthDate(tokens: Token[], i: number, now: Date): DateMatch | null {
  if (i + 2 >= tokens.length) return null;
  const month0 = monthIndex(tokens[i].text);
  if (month0 < 0) return null;
  const dayText = tokens[i + 1].text;
  if (!/^\d{1,2}$/.test(dayText)) return null;
  const day = Number(dayText);
  if (day < 1 || day > 31) return null;
  const third = tokens[i + 2].text;
  if (/^\d{4}$/.test(third)) {
    return { last: i + 2, modified: utcDate(Number(third), month0, day) };
  }
  const time = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(third);
  if (!time) return null;
  const hour = Number(time[1]);
  const minute = Number(time[2]);
  const second = time[3] === undefined ? 0 : Number(time[3]);
  const yearText = tokens[i + 3]?.text;
  if (time[3] !== undefined && yearText !== undefined && /^\d{4}$/.test(yearText)) {
    return { last: i + 3, modified: utcDate(Number(yearText), month0, day, hour, minute, second) };
  }
  const base = resolveYearless(month0, day, hour, minute, now);
  const modified = base && second <= 59 ? new Date(base.getTime() + second * 1000) : base;
  return { last: i + 2, modified };
}

/** `ls --time-style=long-iso` / `full-iso`: "2024-01-02 10:11[:12.123456789 +0100]". */
function readIsoDate(tokens: Token[], i: number): DateMatch | null {
  if (i + 1 >= tokens.length) return null;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(tokens[i].text);
  if (!date) return null;
  const time = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(tokens[i + 1].text);
  if (!time) return null;
  const local = utcDate(
    Number(date[1]), Number(date[2]) - 1, Number(date[3]),
    Number(time[1]), Number(time[2]),
    time[3] === undefined ? 0 : Number(time[3]),
    time[4] === undefined ? 0 : fractionToMs(time[4]),
  );
  // Only full-iso (which always has seconds) prints a zone, and it is the
  // one Unix format whose time can be made exact.
  const zone = time[3] !== undefined ? /^([+-])(\d{2})(\d{2})$/.exec(tokens[i + 2]?.text ?? '') : null;
  if (!zone) return { last: i + 1, modified: local };
  const offsetMs = (Number(zone[2]) * 60 + Number(zone[3])) * 60000 * (zone[1] === '-' ? -1 : 1);
  return { last: i + 2, modified: local && new Date(local.getTime() - offsetMs) };
}

/**
 * The column just before the date: a byte count, or a device's
 * "major, minor" (one token or two).
 */
function readSizeBefore(tokens: Token[], i: number): SizeMatch | null {
  const j = i - 1;
  if (j < 1) return null;
  const text = tokens[j].text;
  if (/^\d+,\d+$/.test(text)) return { first: j, size: null };
  if (!/^\d+$/.test(text)) return null;
  if (j >= 2 && /^\d+,$/.test(tokens[j - 1].text)) return { first: j - 1, size: null };
  return { first: j, size: parseByteCount(text) };
}

interface Columns {
  date: DateMatch;
  size: SizeMatch;
  nameStart: number;
}

/**
 * The leftmost place where a size is followed by a date and a name. The
 * first pass wants at least one column (links or owner) before the size,
 * so an owner called "jan" with a numeric group is not mistaken for a date;
 * the second pass allows listings that show neither.
 */
function findColumns(line: string, tokens: Token[], now: Date): Columns | null {
  for (const minSize of [2, 1]) {
    for (let i = minSize + 1; i < tokens.length; i++) {
      const date = readMonthDate(tokens, i, now) ?? readIsoDate(tokens, i);
      if (!date) continue;
      const size = readSizeBefore(tokens, i);
      if (!size || size.first < minSize) continue;
      const nameStart = tokens[date.last].end + 1;
      if (nameStart >= line.length) continue;
      return { date, size, nameStart };
    }
  }
  return null;
}

/**
 * Owner and group sit between the mode and the size, after an optional
 * link count. A group may hold spaces ("Domain Users" on Windows servers).
 */
function readOwnerGroup(tokens: Token[], sizeFirst: number): { owner?: string; group?: string } {
  const middle = tokens.slice(1, sizeFirst).map((t) => t.text);
  const rest = middle.length >= 1 && /^\d+$/.test(middle[0]) ? middle.slice(1) : middle;
  if (rest.length === 0) return {};
  if (rest.length === 1) return { owner: rest[0] };
  return { owner: rest[0], group: rest.slice(1).join(' ') };
}

/** One `ls -l` line to an entry, or null when it is not one. */
export function parseUnixLine(line: string, dir = '', opts: ParseOptions = {}): ListEntry | null {
  const text = singleLine(line);
  if (text === null) return null;
  const tokens = tokenize(text);
  if (tokens.length < 4) return null;
  const mode = MODE.exec(tokens[0].text);
  if (!mode) return null;
  const columns = findColumns(text, tokens, referenceTime(opts?.now));
  if (!columns) return null;

  const type = typeFromChar(mode[1]);
  let shown = text.slice(columns.nameStart);
  let target: string | undefined;
  const arrow = type === 'link' ? shown.indexOf(' -> ') : -1;
  if (arrow > 0) {
    target = shown.slice(arrow + 4);
    shown = shown.slice(0, arrow);
  }
  const { name, path } = splitServerName(dir, shown);
  const entry: ListEntry = {
    name,
    path,
    type,
    size: columns.size.size,
    modified: columns.date.modified,
    permissions: mode[2],
    raw: text,
  };
  if (target !== undefined && target !== '') entry.target = target;
  const { owner, group } = readOwnerGroup(tokens, columns.size.first);
  if (owner !== undefined) entry.owner = owner;
  if (group !== undefined) entry.group = group;
  return entry;
}

/**
 * A whole `ls -l` listing. "total N" lines are skipped; lines that are not
 * `ls -l` come back as type 'other' with `raw` kept; '.' and '..' are
 * dropped unless `opts.keepDotEntries`.
 */
export function parseUnix(text: string, dir = '', opts: ParseOptions = {}): ListEntry[] {
  const resolved: ParseOptions = { ...opts, now: referenceTime(opts?.now) };
  const entries: ListEntry[] = [];
  for (const line of splitLines(text)) {
    if (isBlank(line) || isTotalLine(line)) continue;
    entries.push(parseUnixLine(line, dir, resolved) ?? unknownEntry(line, dir));
  }
  return dropSelfAndParent(entries, resolved);
}
