/**
 * ftps-watch's change detector, free of Node-RED and FTP so it can be unit
 * tested: it compares each poll's snapshot of the remote files with what
 * was reported before and yields `add` / `change` / `unlink` events.
 *
 * - A new or changed file is reported only once its size and modification
 *   time were the same in two polls in a row (a half-uploaded file keeps
 *   growing) and, with a minimum age, once it is old enough.
 * - An event is "known" only after the node commits it (its actions
 *   succeeded); an uncommitted event comes back at the next poll, so a
 *   failed download/delete/move never loses a file.
 * - The state is plain JSON, so the node can keep it in a context store and
 *   carry it over restarts.
 */

export type WatchEventKind = 'add' | 'change' | 'unlink';

/** The part of a listing entry the detector looks at; the rest is carried along. */
export interface WatchEntry {
  path: string;
  size: number | null;
  /** ISO 8601 or null. */
  modified: string | null;
}

export interface Known<E extends WatchEntry> {
  sig: string;
  entry: E;
}

export interface Candidate {
  sig: string;
  /** When this signature was first seen (ms since the epoch). */
  since: number;
}

/** Everything the detector remembers: JSON-safe. */
export interface WatchStateData<E extends WatchEntry> {
  version: 1;
  /** Identifies the watched tree (path, pattern, recursive): another one starts over. */
  scope: string;
  /** The first poll is done (the baseline exists). */
  primed: boolean;
  known: Record<string, Known<E>>;
  pending: Record<string, Candidate>;
}

export interface WatchEvent<E extends WatchEntry> {
  event: WatchEventKind;
  path: string;
  entry: E;
  sig: string;
}

export interface WatchOptions {
  events: readonly WatchEventKind[];
  /** Report the files there at the first poll (else they are the baseline). */
  emitExisting: boolean;
  /** Minimum age in ms (0: none). */
  minAgeMs: number;
}

export const EVENT_SETS: Record<string, readonly WatchEventKind[]> = {
  add: ['add'],
  'add,change': ['add', 'change'],
  'add,change,unlink': ['add', 'change', 'unlink'],
};

/** The wait before the next poll: the interval, doubled per failed poll in a row, up to `capMs` (or the interval when longer). */
export function backoffMs(intervalMs: number, failures: number, capMs = 10 * 60 * 1000): number {
  if (failures <= 0) return intervalMs;
  return Math.min(intervalMs * 2 ** Math.min(failures, 30), Math.max(intervalMs, capMs));
}

export function signature(e: WatchEntry): string {
  return `${e.size ?? '?'}|${e.modified ?? '?'}`;
}

export function emptyState<E extends WatchEntry>(scope: string): WatchStateData<E> {
  return { version: 1, scope, primed: false, known: {}, pending: {} };
}

/** A stored state when it is usable for `scope`, else a fresh one. */
export function restoreState<E extends WatchEntry>(stored: unknown, scope: string): WatchStateData<E> {
  if (!stored || typeof stored !== 'object') return emptyState(scope);
  const s = stored as Partial<WatchStateData<E>>;
  if (s.version !== 1 || s.scope !== scope || typeof s.known !== 'object' || s.known === null || typeof s.pending !== 'object' || s.pending === null) {
    return emptyState(scope);
  }
  return { version: 1, scope, primed: s.primed === true, known: { ...s.known }, pending: { ...s.pending } };
}

function ageMs(entry: WatchEntry, since: number, now: number): number {
  const t = entry.modified ? Date.parse(entry.modified) : NaN;
  // the time seen here counts too: a server clock (or a LIST in local time) may be off
  const byTime = Number.isFinite(t) ? now - t : 0;
  return Math.max(now - since, byTime);
}

export class WatchState<E extends WatchEntry> {
  constructor(
    public data: WatchStateData<E>,
    private readonly opts: WatchOptions,
  ) {}

  /**
   * Take one poll's snapshot (every file, already filtered) and return the
   * events due now. Events not enabled are recorded at once; enabled ones
   * wait for commit().
   */
  poll(files: readonly E[], now: number): Array<WatchEvent<E>> {
    const d = this.data;
    const current = new Map<string, E>();
    for (const f of files) current.set(f.path, f);
    const out: Array<WatchEvent<E>> = [];

    if (!d.primed) {
      d.primed = true;
      if (!this.opts.emitExisting) {
        for (const [p, e] of current) d.known[p] = { sig: signature(e), entry: e };
        d.pending = {};
        return out;
      }
    }

    for (const [p, e] of current) {
      const sig = signature(e);
      const known = d.known[p];
      if (known && known.sig === sig) {
        // the listing may carry new details (permissions ...): keep the latest
        known.entry = e;
        delete d.pending[p];
        continue;
      }
      const cand = d.pending[p];
      if (!cand || cand.sig !== sig) {
        d.pending[p] = { sig, since: now };
        continue;
      }
      if (this.opts.minAgeMs > 0 && ageMs(e, cand.since, now) < this.opts.minAgeMs) continue;
      const event: WatchEventKind = known ? 'change' : 'add';
      if (this.opts.events.includes(event)) {
        out.push({ event, path: p, entry: e, sig });
      } else {
        d.known[p] = { sig, entry: e };
        delete d.pending[p];
      }
    }

    for (const p of Object.keys(d.pending)) if (!current.has(p)) delete d.pending[p];
    for (const [p, k] of Object.entries(d.known)) {
      if (current.has(p)) continue;
      if (this.opts.events.includes('unlink')) out.push({ event: 'unlink', path: p, entry: k.entry, sig: k.sig });
      else delete d.known[p];
    }
    return out;
  }

  /**
   * The event was handled. `gone`: the node removed the file itself (delete
   * or move), so it is forgotten rather than reported as unlinked later.
   */
  commit(ev: WatchEvent<E>, gone = false): void {
    const d = this.data;
    delete d.pending[ev.path];
    if (ev.event === 'unlink' || gone) delete d.known[ev.path];
    else d.known[ev.path] = { sig: ev.sig, entry: ev.entry };
  }

  /** Files reported and still there. */
  get knownCount(): number {
    return Object.keys(this.data.known).length;
  }
}
