/** The session pool's public types: what it needs from a client, what a job sees, its options and status. */

import type { RepeatSafety, RetryInfo } from './retry';

/** What the pool needs from a client: FtpsClient satisfies it. */
export interface PoolClient {
  readonly connected: boolean;
  /** A reply no command asked for is waiting (an idle 421 without a close): the session is out of step. */
  readonly hasStrayReply: boolean;
  /** Why the connection ended (null while it is up). */
  readonly closedReason: Error | null;
  /** Remote scratch files a failed upload could not delete (the session was lost): the pool deletes them on a later session. */
  readonly leftovers: string[];
  /** DELE, for the leftovers. */
  delete(path: string): Promise<unknown>;
  quit(): Promise<void>;
  close(): void;
  /** NOOP, for keep-alive. */
  noop(): Promise<unknown>;
}

export interface JobContext {
  /** Fires when the caller gives up (its own signal) or the pool closes. Pass it on to transfers. */
  readonly signal: AbortSignal;
  /** 1 on the first run, then 2, 3, ... on retries. */
  readonly attempt: number;
  /** Say that something irreversible happened (bytes moved, a file changed): a failure after this is never retried. */
  commit(): void;
  /**
   * Would the pool run this job again after it failed with `err`? A job
   * asks before it throws, to keep what a retry can continue from (a
   * scratch file) or to clean it up when this was its last try.
   */
  willRetry(err: unknown): boolean;
  /**
   * A remote scratch file this job keeps for its next try: should the job
   * fail for good without deleting it (its last try never ran, or lost its
   * session), the pool deletes it on a later session, as a lost session's
   * leftovers. The returned function lets go of it (renamed or deleted).
   */
  holdScratch(remotePath: string): () => void;
}

export type Job<C, T> = (client: C, ctx: JobContext) => Promise<T>;

export type PoolState = 'idle' | 'connecting' | 'connected' | 'failed' | 'closing' | 'closed';

export interface PoolStatus {
  state: PoolState;
  /** Sessions logged in. */
  sessions: number;
  /** Sessions being opened. */
  connecting: number;
  /** Sessions running a job. */
  busy: number;
  /** Jobs waiting for a session. */
  queued: number;
  /** Why the last connection attempt failed (state 'failed'). */
  error?: Error;
}

export interface SessionPoolOptions<C extends PoolClient> {
  /** A new, unconnected client. */
  create(): C;
  /** Connect and log in a new client; the signal fires when the pool closes. */
  open(client: C, signal: AbortSignal): Promise<void>;
  /** Most sessions at once (default 1). */
  maxConnections?: number;
  /** Seconds an unused session stays open (default 60); 0 keeps it. */
  idleTimeout?: number;
  /** Milliseconds close() waits for running jobs to stop, and then for the QUITs (default 5000 each). */
  closeGraceMs?: number;
  /** Milliseconds to wait before opening another session after one failed to open while others work (default 5000). */
  reconnectDelayMs?: number;
  /** Called when the state, the number of sessions or the error changes. */
  onStatus?(status: PoolStatus): void;
  /** Diagnostics (never contains credentials). */
  log?(line: string): void;
  /** Retries after a transient failure (default 0). */
  retries?: number;
  /** Milliseconds before the first retry, doubling (default 1000, at most 60 s). */
  retryDelayMs?: number;
  /** Seconds between NOOPs on an idle session (default 0: never). */
  keepAlive?: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** May the job run again after a transient failure (default 'never': only the dead-warm-session retry). */
  repeat?: RepeatSafety;
  /** Told before each retry's wait. */
  onRetry?(info: RetryInfo): void;
}
