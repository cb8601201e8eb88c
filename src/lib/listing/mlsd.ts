/**
 * MLSD / MLST entries (RFC 3659): "fact=value;fact=value; name".
 *
 * The facts end at the first "; ": a fact value cannot hold ';', so that is
 * the one split that stays right when the name itself holds ';' or spaces
 * (leading spaces are part of the name). Some servers put spaces inside
 * values (OS.unix=slink:/a b), so splitting at the first space would not.
 */
import { parseTimeVal } from './dates';
import { dropSelfAndParent } from './dot-entries';
import { isBlank, splitLines, singleLine } from './lines';
import { joinPath, splitServerName } from './paths';
import { parseByteCount } from './size';
import type { EntryType, ListEntry, ParseOptions } from './types';
import { unknownEntry } from './unknown';

interface SplitEntry {
  facts: Record<string, string>;
  shownName: string;
}

function setFact(facts: Record<string, string>, key: string, value: string): void {
  // defineProperty, because a server-chosen key such as "__proto__" would
  // otherwise reach the prototype instead of becoming a fact.
  Object.defineProperty(facts, key, { value, enumerable: true, writable: true, configurable: true });
}

function readFacts(text: string): Record<string, string> | null {
  const facts: Record<string, string> = {};
  let count = 0;
  for (const piece of text.split(';')) {
    if (piece === '') continue; // tolerate ";;" from sloppy servers
    const eq = piece.indexOf('=');
    if (eq <= 0) return null;
    const key = piece.slice(0, eq);
    if (/\s/.test(key)) return null;
    setFact(facts, key.toLowerCase(), piece.slice(eq + 1));
    count++;
  }
  return count > 0 ? facts : null;
}

/**
 * `allowFactless`: RFC 3659 allows an empty fact list (" name", after OPTS
 * MLST with no facts). Auto-detection must not accept that form, or any
 * line with a leading space would pass for MLSD.
 */
function splitEntry(line: string, allowFactless: boolean): SplitEntry | null {
  if (line.startsWith(' ')) {
    const shownName = line.slice(1);
    return allowFactless && shownName !== '' ? { facts: {}, shownName } : null;
  }
  const end = line.indexOf('; ');
  if (end < 0) return null;
  const shownName = line.slice(end + 2);
  if (shownName === '') return null;
  const facts = readFacts(line.slice(0, end));
  return facts ? { facts, shownName } : null;
}

interface TypeInfo {
  type: EntryType;
  special?: 'cdir' | 'pdir';
  target?: string;
}

function readType(value: string | undefined): TypeInfo {
  if (value === undefined) return { type: 'other' };
  const lower = value.toLowerCase();
  if (lower === 'file') return { type: 'file' };
  if (lower === 'dir') return { type: 'dir' };
  if (lower === 'cdir' || lower === 'pdir') return { type: 'dir', special: lower };
  // OS-specific types ("OS.unix=slink:/target", "OS.unix=chr-3/4") are the
  // only standard way for MLSD to report links and devices.
  const eq = value.indexOf('=');
  if (lower.startsWith('os.') && eq > 0) {
    const osType = value.slice(eq + 1);
    const osLower = osType.toLowerCase();
    if (osLower === 'slink' || osLower === 'symlink') return { type: 'link' };
    if (osLower.startsWith('slink:')) {
      const target = osType.slice('slink:'.length);
      return target === '' ? { type: 'link' } : { type: 'link', target };
    }
  }
  return { type: 'other' };
}

function firstOf(facts: Record<string, string>, keys: string[]): string | undefined {
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(facts, key)) return facts[key];
  }
  return undefined;
}

function placeEntry(dir: string, shownName: string, special: TypeInfo['special']): { name: string; path: string } {
  const split = splitServerName(dir, shownName);
  if (special === undefined || shownName.startsWith('/')) return split;
  // cdir is the listed directory itself; pdir its parent, reachable as dir/..
  if (special === 'cdir') return { name: split.name, path: dir === '' ? split.name : dir };
  return { name: split.name, path: joinPath(dir, split.name) };
}

function buildEntry(line: string, dir: string, parts: SplitEntry): ListEntry {
  const { facts, shownName } = parts;
  const info = readType(facts.type);
  const { name, path } = placeEntry(dir, shownName, info.special);
  const sizeText = firstOf(facts, ['size', 'sizd']);
  const modifyText = firstOf(facts, ['modify']);
  const entry: ListEntry = {
    name,
    path,
    type: info.type,
    size: sizeText === undefined ? null : parseByteCount(sizeText),
    modified: modifyText === undefined ? null : parseTimeVal(modifyText),
    permissions: firstOf(facts, ['unix.mode', 'perm']) ?? null,
    raw: line,
    facts,
  };
  if (info.target !== undefined) entry.target = info.target;
  // Names read better than ids; servers differ in which they send.
  const owner = firstOf(facts, ['unix.ownername', 'unix.owner', 'unix.uid']);
  const group = firstOf(facts, ['unix.groupname', 'unix.group', 'unix.gid']);
  if (owner !== undefined) entry.owner = owner;
  if (group !== undefined) entry.group = group;
  return entry;
}

/**
 * One MLSD line to an entry, or null when it is not one. cdir/pdir entries
 * come back as type 'dir' with facts.type telling them apart (see
 * isSelfOrParent); a line with a leading space is the fact-less form.
 */
export function parseMlsdLine(line: string, dir = ''): ListEntry | null {
  const text = singleLine(line);
  if (text === null) return null;
  const parts = splitEntry(text, true);
  return parts ? buildEntry(text, dir, parts) : null;
}

/** Strict form for auto-detection: at least one well-formed fact. */
export function parseMlsdLineStrict(line: string, dir = ''): ListEntry | null {
  const text = singleLine(line);
  if (text === null) return null;
  const parts = splitEntry(text, false);
  return parts ? buildEntry(text, dir, parts) : null;
}

/**
 * A whole MLSD listing. Lines that are not MLSD come back as type 'other'
 * with `raw` kept; cdir/pdir and '.'/'..' are dropped unless
 * `opts.keepDotEntries`.
 */
export function parseMlsd(text: string, dir = '', opts: ParseOptions = {}): ListEntry[] {
  const entries: ListEntry[] = [];
  for (const line of splitLines(text)) {
    if (isBlank(line)) continue;
    entries.push(parseMlsdLine(line, dir) ?? unknownEntry(line, dir));
  }
  return dropSelfAndParent(entries, opts);
}

/**
 * The entry of an MLST reply ("250-Listing x", " facts; /full/path",
 * "250 End"), or of its entry line alone. The name there is the full path,
 * which becomes `path`; `name` is its last part. Null when no line parses.
 * At least one fact is required: any indented reply text would otherwise
 * pass for a fact-less entry.
 */
export function parseMlstReply(reply: string): ListEntry | null {
  const lines = splitLines(reply);
  for (const line of lines) {
    if (!line.startsWith(' ')) continue;
    const entry = parseMlsdLineStrict(line.slice(1), '');
    if (entry) return { ...entry, raw: line };
  }
  // Some servers forget the leading space, and callers may pass the line alone.
  for (const line of lines) {
    if (/^\d{3}[ -]/.test(line)) continue;
    const entry = parseMlsdLineStrict(line, '');
    if (entry) return entry;
  }
  return null;
}
