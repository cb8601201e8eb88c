/**
 * The one retry policy of the session pool: which failures are worth
 * another try (transient ones), which jobs may be repeated (by node type
 * and options), and how long to wait (exponential backoff).
 */
import { isConnectionLost } from '../lib';
import { t } from './i18n';

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

/** Besides a lost connection (errors.ts isConnectionLost): a host or network not reachable right now. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);
const TRANSIENT_REPLIES = new Set([421, 425, 426]);

/**
 * A failure another try may cure: the connection lost or refused, a
 * timeout (a low-speed abort is one), or reply 421, 425, 426. Certificate,
 * input, local-file, abort and protocol errors (a server breaking the
 * protocol's bounds will break them again) are never transient.
 */
export function isTransient(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const x = e as { kind?: unknown; code?: unknown; cause?: unknown; name?: unknown };
    if (x.kind === 'tls' || x.kind === 'protocol' || x.kind === 'input' || x.kind === 'aborted' || x.kind === 'local' || x.name === 'AbortError') return false;
    if (x.kind === 'closed' || x.kind === 'timeout' || x.kind === 'connect') return true;
    if (typeof x.code === 'number' && TRANSIENT_REPLIES.has(x.code)) return true;
    if (typeof x.code === 'string' && (UNREACHABLE.has(x.code) || isConnectionLost({ code: x.code }))) return true;
    e = x.cause;
  }
  return false;
}

/**
 * Did this failure come from a session the server dropped? True when the
 * client says it is no longer connected, or the error (or its cause) is of
 * kind 'closed', carries reply code 421, or is a lost connection. Such a
 * job gets one free retry on a new session (session-pool.ts).
 */
export function isDeadSession(err: unknown, client: { readonly connected: boolean }): boolean {
  if (!client.connected || isConnectionLost(err)) return true;
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const x = e as { kind?: unknown; code?: unknown; cause?: unknown };
    if (x.kind === 'closed') return true;
    if (x.code === 421) return true;
    e = x.cause;
  }
  return false;
}

/** How a failed try went, for planRetry. */
export interface TryOutcome {
  repeat: RepeatSafety;
  /** Backoff retries used so far. */
  retried: number;
  /** The job never ran (its session did not open): trying again repeats nothing. */
  neverRan?: boolean;
  committed?: boolean;
  /** Cancelled, or the pool is closing. */
  aborted?: boolean;
}

/** The next backoff retry after a failed try, or null when the job fails for good. */
export function planRetry(err: unknown, t: TryOutcome, retries: number, firstDelayMs: number): RetryInfo | null {
  const repeatable = t.neverRan === true || t.repeat === 'always' || (t.repeat === 'uncommitted' && !t.committed);
  if (t.aborted || !repeatable || t.retried >= retries || !isTransient(err)) return null;
  const retry = t.retried + 1;
  return { retry, retries, delayMs: backoffMs(firstDelayMs, retry), error: err };
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
  return t('ftps-server.status.retry', { retry: info.retry, retries: info.retries, seconds: seconds(info.delayMs) });
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
