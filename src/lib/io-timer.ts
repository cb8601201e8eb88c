/**
 * Timeouts that survive a paused process. A timer that fires after the
 * process was paused (GC, a busy flow, a loaded machine) runs before the
 * poll phase that would have delivered data which arrived in time; checking
 * from setImmediate reads that data first, so only a real silence counts.
 */

/** Run fn once the event loop has read what is waiting on its sockets. */
export function afterPendingIo(fn: () => void): void {
  setImmediate(fn);
}

/** setTimeout whose callback runs after the pending I/O; clear it with clearTimeout. */
export function ioTimeout(ms: number, fire: () => void): NodeJS.Timeout {
  return setTimeout(() => afterPendingIo(fire), ms);
}

export function fmtSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
