/**
 * The bounds that keep a broken or hostile server from growing this
 * process without limit (CONTRACT: "Server text is never trusted to be
 * harmless"). Going over one is a clear FtpError for the one operation
 * and session concerned, never an exception out of a socket callback.
 */
import { FtpError } from './errors';

/** One reply line (without CRLF). */
export const MAX_REPLY_LINE_BYTES = 64 * 1024;
/** All lines of one multi-line reply together. */
export const MAX_REPLY_BYTES = 1024 * 1024;
/** Replies nobody asked for, held for the next reader: a real server sends one or two (a 226 racing the data end, an idle 421). */
export const MAX_QUEUED_REPLIES = 16;
/** A preliminary (1xx) reply after a preliminary reply: accepted this often, and never as the final one. */
export const MAX_PRELIMINARY_REPLIES = 4;
/** How deep a recursive walk goes below its root. */
export const MAX_WALK_DEPTH = 64;
/** The default for the config node's maxMemory, in MiB. */
export const DEFAULT_MAX_MEMORY_MIB = 256;

/** maxMemory (MiB, as configured) in bytes; a missing, zero or junk value gives the default. */
export function memoryLimitBytes(mib: number | undefined): number {
  const m = typeof mib === 'number' && Number.isFinite(mib) && mib > 0 ? mib : DEFAULT_MAX_MEMORY_MIB;
  return Math.floor(m * 1024 * 1024);
}

/** The error for a download or listing that would hold more than maxMemory. */
export function overMemoryError(what: string, limitBytes: number): FtpError {
  return new FtpError(`${what} is larger than maxMemory (${fmtMiB(limitBytes)}): stopped; download to a file instead, or raise maxMemory on the server node`, {
    kind: 'local',
  });
}

function fmtMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(2)} MiB`;
}
