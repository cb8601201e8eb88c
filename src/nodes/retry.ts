/**
 * The one retry policy of the session pool: which failures are worth
 * another try (transient ones), which jobs may be repeated (by node type
 * and options), and how long to wait (exponential backoff).
 */

/**
 * How safe a job is to run again:
 * - `always`: repeating it gives the same result (list, get, size, put overwrite, xput, ...);
 * - `uncommitted`: only while nothing irreversible happened (append before bytes moved, chunked get before a chunk was sent);
 * - `never`: it may have changed something that repeating would change again (unique, delete, rename, site, quot).
 */
export type RepeatSafety = 'always' | 'uncommitted' | 'never';

/** What a retry is about to do, for the node's status. */
export interface RetryInfo {
  /** 1 for the first retry. */
  retry: number;
  /** The configured number of retries. */
  retries: number;
  delayMs: number;
  error: unknown;
}

export const MAX_RETRY_DELAY_MS = 60_000;

/**
 * An action node's repeat safety, from its type and options (both fixed in
 * the flow, so it is decided once per node). The contract lists list, get,
 * mdtm, size/exists/stat, put overwrite and xput as repeatable; append and
 * put resume continue from the server's size; never unique, site, quot,
 * delete, rename (nor mkdir, rmdir).
 */
export function repeatSafety(type: string, def: Record<string, unknown>): RepeatSafety {
  switch (type) {
    case 'ftps-list':
    case 'ftps-mdtm':
    case 'ftps-xput':
      return 'always';
    case 'ftps-get':
      // chunks already sent cannot be taken back: the job commits on the first byte
      return def.output === 'chunks' ? 'uncommitted' : 'always';
    case 'ftps-put': {
      const mode = def.mode ?? 'overwrite';
      if (mode === 'overwrite') return 'always';
      // with resume, a repeated APPE/STOR asks SIZE again and sends only what is missing
      if (mode === 'append') return def.resume === true || def.resume === 'true' ? 'always' : 'uncommitted';
      return 'never';
    }
    case 'ftps-ops':
      return def.operation === 'size' || def.operation === 'exists' || def.operation === 'stat' ? 'always' : 'never';
    default:
      return 'never';
  }
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_SOCKET_CLOSED']);
const TRANSIENT_REPLIES = new Set([421, 425, 426]);

/**
 * A failure another try may cure: the connection lost or refused, a
 * timeout (a low-speed abort is one), or reply 421, 425, 426. Certificate,
 * input, local-file and abort errors are never transient.
 */
export function isTransient(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const x = e as { kind?: unknown; code?: unknown; cause?: unknown; name?: unknown };
    if (x.kind === 'tls' || x.kind === 'input' || x.kind === 'aborted' || x.kind === 'local' || x.name === 'AbortError') return false;
    if (x.kind === 'closed' || x.kind === 'timeout' || x.kind === 'connect') return true;
    if (typeof x.code === 'number' && TRANSIENT_REPLIES.has(x.code)) return true;
    if (typeof x.code === 'string' && TRANSIENT_CODES.has(x.code)) return true;
    e = x.cause;
  }
  return false;
}

/** The wait before retry `n` (1-based): `firstMs`, doubling, at most a minute. */
export function backoffMs(firstMs: number, n: number): number {
  if (!(firstMs > 0)) return 0;
  return Math.min(MAX_RETRY_DELAY_MS, firstMs * 2 ** Math.max(0, n - 1));
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}

/** The node status text: "retry 1/2 in 1 s". */
export function retryText(info: Pick<RetryInfo, 'retry' | 'retries' | 'delayMs'>): string {
  return `retry ${info.retry}/${info.retries} in ${seconds(info.delayMs)} s`;
}

/** Say in the final error how many tries were made (once). */
export function withTries(err: unknown, tries: number): unknown {
  if (tries < 2 || !(err instanceof Error) || / \(\d+ tries\)$/.test(err.message)) return err;
  try {
    err.message = `${err.message} (${tries} tries)`;
  } catch {
    /* a frozen error keeps its message */
  }
  return err;
}
