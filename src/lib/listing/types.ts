/**
 * One entry of a directory listing, whatever the server's format.
 *
 * Times: MLSD times are UTC by definition (RFC 3659). LIST output (Unix and
 * DOS styles) carries no zone: servers print their own local time, which a
 * client cannot know, so those wall-clock times are taken as if they were
 * UTC. Prefer MLSD, or MDTM per file, when exact times matter.
 */
export type EntryType = 'file' | 'dir' | 'link' | 'other';

export interface ListEntry {
  /** The file name only, without any directory part. */
  name: string;
  /** The caller's directory joined with the name (see joinPath), or the server's own path when it sent one. */
  path: string;
  /** 'other' also stands for "not known" (NLST, lines no parser understood). */
  type: EntryType;
  /** Bytes; null when unknown or too large to hold exactly in a number. */
  size: number | null;
  /** UTC instant; null when absent or not a valid date. */
  modified: Date | null;
  /** Unix: 'rwxr-xr-x'; MLSD: UNIX.mode (e.g. '0644'), else the perm fact (e.g. 'adfrw'); DOS and NLST: null. */
  permissions: string | null;
  /** The original line, without its line terminator. */
  raw: string;
  /** Symlink target when the server told it. */
  target?: string;
  /** MLSD facts with lowercased names; values as sent. */
  facts?: Record<string, string>;
  owner?: string;
  group?: string;
}

export interface ParseOptions {
  /**
   * Reference time for Unix dates shown without a year. Defaults to the
   * current time; tests inject it to stay stable around New Year.
   */
  now?: Date;
  /**
   * Keep '.', '..' and MLSD cdir/pdir entries. They are dropped by default
   * because callers walking a tree would otherwise loop on them.
   */
  keepDotEntries?: boolean;
}
