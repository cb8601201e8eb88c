/**
 * The ftps-server config node's session pool, free of Node-RED so it can be
 * tested with a fake client.
 *
 * - Sessions are opened lazily, when a job is waiting and fewer than
 *   `maxConnections` exist.
 * - Jobs wait in one FIFO queue and start in arrival order; there is no
 *   "busy" error: a job waits as long as it takes.
 * - Each session runs one job at a time, so commands on a control
 *   connection never interleave.
 * - A session unused for `idleTimeout` seconds is closed politely (QUIT);
 *   0 keeps it open.
 * - A session found dropped (client.connected false, a 421 / 'closed'
 *   error, a reset) is thrown away. When that happened to a warm session
 *   (one that had served a job before and waited in the pool) and the job
 *   had not committed anything yet, the job runs once more on a new session.
 * - Retries (retry.ts): a transient failure of a job that is safe to repeat
 *   is tried again after `retryDelay`, doubling, up to `retries` times; a
 *   dead warm session (see above) is retried at once and not counted.
 * - With `keepAlive`, an idle session sends NOOP that often; a failed NOOP
 *   discards the session quietly (the next job opens a new one). A NOOP
 *   answered 500/502 (a server without NOOP) kept the link busy all the same:
 *   the session stays.
 * - close() refuses new jobs, fails the queued ones, aborts the running ones
 *   (their AbortSignal fires so transfers stop and clean up), then QUITs and
 *   destroys every session before it resolves.
 */

import { EventEmitter, setMaxListeners } from 'node:events';
import { t } from './i18n';
import { isDeadSession, planRetry, RepeatSafety, withTries } from './retry';
export { isDeadSession } from './retry';

const MAX_FRESH_LOSSES = 3;

export type { PoolClient, JobContext, Job, PoolState, PoolStatus, SessionPoolOptions, RunOptions } from './pool-types';
import type { PoolClient, JobContext, Job, PoolState, PoolStatus, SessionPoolOptions, RunOptions } from './pool-types';

interface Session<C> {
  readonly id: number;
  readonly client: C;
  ready: boolean;
  busy: boolean;
  /** Jobs finished on this session; > 0 means warm. */
  used: number;
  idleTimer?: NodeJS.Timeout;
  keepAliveTimer?: NodeJS.Timeout;
  /** A keep-alive NOOP is running. */
  pinging?: boolean;
  /** The idle timeout ran out during a NOOP: close once it is answered. */
  idleExpired?: boolean;
}

interface Pending<C> extends RunOptions {
  job: Job<C, unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  onAbort?: () => void;
  attempt: number;
  repeat: RepeatSafety;
  /** Backoff retries used. */
  retried: number;
  /** The free retry after a dead warm session was used. */
  staleRetried: boolean;
  /** Waiting for its backoff to end. */
  backoff?: NodeJS.Timeout;
}

/** The error queued and running jobs get when the pool closes. */
export class PoolClosedError extends Error {
  readonly code = 421;
  readonly kind = 'closed';
  constructor(message = t('ftps-server.errors.connectionClosed')) {
    super(message);
    this.name = 'PoolClosedError';
  }
}

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error(t('ftps-server.errors.cancelled'));
  e.name = 'AbortError';
  return e;
}

function settleWithin(promises: Array<Promise<unknown>>, ms: number): Promise<void> {
  if (promises.length === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void Promise.allSettled(promises).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function toPositiveInt(n: unknown, dflt: number): number {
  const v = Math.floor(Number(n));
  return Number.isFinite(v) && v >= 1 ? v : dflt;
}

export class SessionPool<C extends PoolClient> {
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly keepAliveMs: number;
  /** 'keepalive' ({ session, ok, error }) after each NOOP; 'retry' (RetryInfo) before each backoff. */
  readonly events = new EventEmitter();
  private readonly opts: SessionPoolOptions<C>;
  private readonly sessions: Array<Session<C>> = [];
  private readonly queue: Array<Pending<C>> = [];
  /** Jobs running and sessions opening: close() waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Idle sessions being closed politely. */
  private readonly quitting = new Set<Promise<unknown>>();
  private readonly closer = new AbortController();
  private closing = false;
  private closedP: Promise<void> | null = null;
  private lastError: Error | undefined;
  private holdNewUntil = 0;
  /** New sessions lost or out of step before their first job, in a row: a server that floods replies after login must not be logged into forever. */
  private freshLosses = 0;
  private nextId = 1;
  private lastReported = '';
  /** Scratch files lost sessions left on the server, deleted before the next job runs. */
  private readonly orphans: string[] = [];
  /** Jobs waiting out their backoff. */
  private readonly backingOff = new Set<Pending<C>>();

  constructor(opts: SessionPoolOptions<C>) {
    this.opts = opts;
    setMaxListeners(0, this.closer.signal);
    this.maxConnections = toPositiveInt(opts.maxConnections ?? 1, 1);
    const idle = Number(opts.idleTimeout ?? 60);
    this.idleTimeoutMs = Number.isFinite(idle) && idle > 0 ? idle * 1000 : 0;
    this.retries = Math.max(0, Math.floor(Number(opts.retries ?? 0)) || 0);
    const delay = Number(opts.retryDelayMs ?? 1000);
    this.retryDelayMs = Number.isFinite(delay) && delay > 0 ? delay : 0;
    const ka = Number(opts.keepAlive ?? 0);
    this.keepAliveMs = Number.isFinite(ka) && ka > 0 ? ka * 1000 : 0;
  }

  /** Run `job` on a session once one is free; resolves or rejects with the job's outcome. */
  run<T>(job: Job<C, T>, options: RunOptions = {}): Promise<T> {
    if (this.closing) return Promise.reject(new PoolClosedError());
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<T>((resolve, reject) => {
      const entry: Pending<C> = {
        job: job as Job<C, unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
        signal,
        attempt: 1,
        repeat: options.repeat ?? 'never',
        onRetry: options.onRetry,
        retried: 0,
        staleRetried: false,
      };
      if (signal) {
        entry.onAbort = (): void => {
          const i = this.queue.indexOf(entry);
          if (i >= 0) {
            this.queue.splice(i, 1);
            reject(abortReason(signal));
            this.report();
          } else if (this.backingOff.delete(entry)) {
            clearTimeout(entry.backoff);
            reject(abortReason(signal));
          }
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.queue.push(entry);
      this.pump();
    });
  }

  status(): PoolStatus {
    const ready = this.sessions.filter((s) => s.ready).length;
    const connecting = this.sessions.length - ready;
    let state: PoolState;
    if (this.closedP && !this.closing) state = 'closed';
    else if (this.closing) state = 'closing';
    else if (ready > 0) state = 'connected';
    else if (connecting > 0) state = 'connecting';
    else if (this.lastError) state = 'failed';
    else state = 'idle';
    const s: PoolStatus = { state, sessions: ready, connecting, busy: this.sessions.filter((x) => x.busy).length, queued: this.queue.length };
    if (state === 'failed' && this.lastError) s.error = this.lastError;
    return s;
  }

  get closed(): boolean {
    return this.closing || this.closedP !== null;
  }

  /**
   * Stop: queued jobs fail with PoolClosedError, running ones are aborted
   * and waited for (up to closeGraceMs), then every session gets QUIT (up
   * to closeGraceMs) and is destroyed. Resolves when all of that is done.
   */
  close(): Promise<void> {
    if (this.closedP) return this.closedP;
    this.closing = true;
    this.closedP = this.doClose();
    return this.closedP;
  }

  private async doClose(): Promise<void> {
    const grace = this.opts.closeGraceMs ?? 5000;
    const err = new PoolClosedError();
    for (const e of [...this.queue.splice(0), ...this.backingOff]) {
      clearTimeout(e.backoff);
      this.detachAbort(e);
      e.reject(err);
    }
    this.backingOff.clear();
    this.report();
    this.closer.abort(err);
    await settleWithin([...this.inFlight], grace);
    const all = this.sessions.splice(0);
    for (const s of all) this.clearIdle(s);
    const quits = all.filter((s) => s.client.connected).map((s) => s.client.quit());
    await settleWithin([...quits, ...this.quitting], grace);
    for (const s of all) safeClose(s.client);
    this.closing = false;
    this.report();
  }

  // ------------------------------------------------------------------ internals

  private pump(): void {
    if (this.closing) return;
    while (this.queue.length > 0) {
      const s = this.sessions.find((x) => x.ready && !x.busy);
      if (!s) break;
      if (!s.client.connected || s.client.hasStrayReply) {
        this.log(`session ${s.id} was dropped while idle; discarding it`);
        const why = s.client.closedReason?.message ?? 'replies out of step';
        this.discard(s, false);
        if (s.used === 0 && ++this.freshLosses >= MAX_FRESH_LOSSES) {
          this.freshLosses = 0;
          const failed = this.queue.shift() as Pending<C>;
          this.finish(failed, new Error(t('ftps-server.errors.freshLosses', { n: MAX_FRESH_LOSSES, why })), undefined);
        }
        continue;
      }
      const entry = this.queue.shift() as Pending<C>;
      this.execute(s, entry);
    }
    const opening = this.sessions.filter((x) => !x.ready).length;
    let want = Math.min(this.queue.length - opening, this.maxConnections - this.sessions.length);
    if (this.sessions.length > 0 && Date.now() < this.holdNewUntil) want = 0;
    for (let i = 0; i < want; i += 1) this.openSession(null);
    this.report();
  }

  /** Open a session; with `entry` it is reserved for that job (a retry), else it joins the pool. */
  private openSession(entry: Pending<C> | null): void {
    const s: Session<C> = { id: this.nextId++, client: this.opts.create(), ready: false, busy: entry !== null, used: 0 };
    this.sessions.push(s);
    this.report();
    const p = Promise.resolve()
      .then(() => this.opts.open(s.client, this.closer.signal))
      .then(
        () => {
          s.ready = true;
          if (this.closing) {
            // close() QUITs it once everything in flight has settled
            if (entry) this.finish(entry, new PoolClosedError(), undefined);
            return;
          }
          this.lastError = undefined;
          this.log(`session ${s.id} open`);
          if (entry) this.execute(s, entry);
          else this.pump();
        },
        (err: unknown) => {
          safeClose(s.client);
          this.remove(s);
          if (this.closing) {
            if (entry) this.finish(entry, new PoolClosedError(), undefined);
            return;
          }
          const error = err instanceof Error ? err : new Error(String(err));
          this.lastError = error;
          this.log(`session ${s.id} could not be opened: ${error.message}`);
          // a job whose session never opened has not run: trying again repeats nothing
          if (entry) this.fail(entry, error, { neverRan: true });
          if (this.sessions.length === 0) {
            // nothing else could serve the waiting jobs: they fail with the same cause (or wait for a retry)
            for (const e of this.queue.splice(0)) this.fail(e, error, { neverRan: true });
          } else {
            this.holdNewUntil = Date.now() + (this.opts.reconnectDelayMs ?? 5000);
          }
          this.pump();
        },
      );
    this.track(p);
  }

  private execute(s: Session<C>, entry: Pending<C>): void {
    this.clearIdle(s);
    s.busy = true;
    const warm = s.used > 0;
    let committed = false;
    const signals = [this.closer.signal];
    if (entry.signal) signals.push(entry.signal);
    const ctx: JobContext = {
      signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals),
      attempt: entry.attempt,
      commit: () => {
        committed = true;
      },
    };
    if (ctx.signal.aborted) {
      // cancelled while its session was being opened: the session itself is fine
      this.release(s);
      this.finish(entry, abortReason(ctx.signal), undefined);
      return;
    }
    const p = this.sweepOrphans(s.client)
      .then(() => entry.job(s.client, ctx))
      .then(
        (value) => {
          this.freshLosses = 0;
          s.used += 1;
          this.release(s);
          this.finish(entry, undefined, value);
        },
        (err: unknown) => {
          const dead = isDeadSession(err, s.client);
          if (dead) {
            this.log(`session ${s.id} dropped: ${(err as Error)?.message ?? String(err)}`);
            this.discard(s, false);
          } else {
            s.used += 1;
            this.release(s);
          }
          if (dead && warm && !committed && !entry.staleRetried && !this.closing && !ctx.signal.aborted) {
            // the pool's own stale session, not the link: at once, and not counted against `retries`
            entry.staleRetried = true;
            entry.attempt += 1;
            this.log('retrying the job once on a new session');
            this.openSession(entry);
            this.pump();
            return;
          }
          this.fail(entry, err, { committed, aborted: ctx.signal.aborted });
          if (dead) this.pump();
        },
      );
    this.track(p);
  }

  /** A try failed: wait and queue the job again when planRetry allows one more, else fail it saying how many tries were made. */
  private fail(entry: Pending<C>, err: unknown, how: { neverRan?: boolean; committed?: boolean; aborted?: boolean }): void {
    const aborted = this.closing || how.aborted || entry.signal?.aborted === true;
    const info = planRetry(err, { ...how, aborted, repeat: entry.repeat, retried: entry.retried }, this.retries, this.retryDelayMs);
    if (!info) {
      this.finish(entry, withTries(err, entry.attempt), undefined);
      return;
    }
    entry.retried += 1;
    entry.attempt += 1;
    this.log(`retry ${info.retry}/${info.retries} in ${info.delayMs} ms after: ${(err as Error)?.message ?? String(err)}`);
    this.tell(() => {
      entry.onRetry?.(info);
      this.events.emit('retry', info);
    });
    this.backingOff.add(entry);
    entry.backoff = setTimeout(() => {
      entry.backoff = undefined;
      if (!this.backingOff.delete(entry)) return;
      if (this.closing) return;
      // ahead of jobs that came later: it was first in line
      this.queue.unshift(entry);
      this.pump();
    }, info.delayMs);
  }

  private finish(entry: Pending<C>, err: unknown, value: unknown): void {
    this.detachAbort(entry);
    if (err !== undefined) entry.reject(err);
    else entry.resolve(value);
  }

  private detachAbort(entry: Pending<C>): void {
    if (entry.signal && entry.onAbort) entry.signal.removeEventListener('abort', entry.onAbort);
  }

  private release(s: Session<C>): void {
    s.busy = false;
    if (this.closing) return;
    if (this.queue.length > 0) {
      this.pump();
      return;
    }
    if (this.idleTimeoutMs > 0) {
      s.idleTimer = setTimeout(() => {
        s.idleTimer = undefined;
        if (s.pinging) s.idleExpired = true;
        if (s.busy || this.closing || !this.sessions.includes(s)) return;
        this.log(`session ${s.id} idle for ${this.idleTimeoutMs / 1000} s; closing it`);
        this.discard(s, true);
        this.report();
      }, this.idleTimeoutMs);
      s.idleTimer.unref?.();
    }
    this.scheduleKeepAlive(s);
    this.report();
  }

  /** NOOP on the idle session every keepAlive; a failed one discards the session without fuss. */
  private scheduleKeepAlive(s: Session<C>): void {
    if (this.keepAliveMs === 0 || s.keepAliveTimer) return;
    s.keepAliveTimer = setTimeout(() => {
      s.keepAliveTimer = undefined;
      if (s.busy || this.closing || !this.sessions.includes(s)) return;
      s.busy = true;
      s.pinging = true;
      const done = (error?: Error): void => {
        s.busy = false;
        s.pinging = false;
        this.tell(() => this.events.emit('keepalive', { session: s.id, ok: !error, error }));
      };
      const alive = (): void => {
        done();
        if (this.closing || !this.sessions.includes(s)) return;
        if (s.idleExpired && this.queue.length === 0) {
          this.log(`session ${s.id} idle for ${this.idleTimeoutMs / 1000} s; closing it`);
          this.discard(s, true);
          this.report();
        } else if (this.queue.length > 0) this.pump();
        else this.scheduleKeepAlive(s);
      };
      const p = Promise.resolve()
        .then(() => s.client.noop())
        .then(
          () => {
            this.log(`session ${s.id}: keep-alive NOOP`);
            alive();
          },
          (err: unknown) => {
            const error = err instanceof Error ? err : new Error(String(err));
            const code = (err as { code?: unknown } | null)?.code;
            if ((code === 500 || code === 502) && !isDeadSession(err, s.client)) {
              this.log(`session ${s.id}: keep-alive NOOP answered ${code} (the server has no NOOP; its answer kept the link busy all the same)`);
              alive();
              return;
            }
            this.log(`session ${s.id}: keep-alive NOOP failed (${error.message}); closing it`);
            if (this.sessions.includes(s)) this.discard(s, false);
            done(error);
            this.report();
            if (this.queue.length > 0) this.pump();
          },
        );
      this.track(p);
    }, this.keepAliveMs);
    s.keepAliveTimer.unref?.();
  }

  private discard(s: Session<C>, polite: boolean): void {
    this.clearIdle(s);
    this.remove(s);
    this.adoptLeftovers(s.client);
    if (polite && s.client.connected) {
      const q = s.client
        .quit()
        .catch(() => undefined)
        .finally(() => safeClose(s.client));
      this.quitting.add(q);
      void q.finally(() => this.quitting.delete(q));
    } else {
      safeClose(s.client);
    }
  }

  private adoptLeftovers(c: C): void {
    if (c.leftovers.length > 0) this.orphans.push(...c.leftovers.splice(0));
  }

  /** Delete what lost sessions left behind; a name the server refuses (gone already) is dropped, one the session dies on is kept. */
  private async sweepOrphans(c: C): Promise<void> {
    this.adoptLeftovers(c);
    while (this.orphans.length > 0 && c.connected) {
      const name = this.orphans.shift() as string;
      try {
        await c.delete(name);
        this.log(`deleted ${name}, left behind by a lost session`);
      } catch (e) {
        if (!c.connected) this.orphans.push(name);
        else this.log(`could not delete ${name}, left behind by a lost session: ${(e as Error).message}`);
      }
    }
  }

  private remove(s: Session<C>): void {
    const i = this.sessions.indexOf(s);
    if (i >= 0) this.sessions.splice(i, 1);
  }

  private clearIdle(s: Session<C>): void {
    if (s.idleTimer) clearTimeout(s.idleTimer);
    s.idleTimer = undefined;
    s.idleExpired = false;
    if (s.keepAliveTimer) clearTimeout(s.keepAliveTimer);
    s.keepAliveTimer = undefined;
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch(() => undefined);
    this.inFlight.add(q);
    void q.finally(() => this.inFlight.delete(q));
  }

  private report(): void {
    const st = this.status();
    const key = `${st.state}|${st.sessions}|${st.connecting}|${st.error?.message ?? ''}`;
    if (key === this.lastReported) return;
    this.lastReported = key;
    this.tell(() => this.opts.onStatus?.(st));
  }

  private tell(listener: () => void): void {
    try {
      listener();
    } catch {
      /* a listener must not break the pool */
    }
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}

function safeClose(c: PoolClient): void {
  try {
    c.close();
  } catch {
    /* already closed */
  }
}
