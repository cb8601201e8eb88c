/**
 * curl's low-speed guard (--speed-limit / --speed-time): a transfer whose
 * average rate over the last `timeS` seconds stays below `limit` bytes/s
 * fails. An idle timer restarted by every byte cannot catch a server that
 * trickles one byte every few seconds; an average can.
 */
import { afterPendingIo } from './io-timer';
import { FtpError } from './errors';

export interface LowSpeedGuard {
  stop(): void;
}

const OFF: LowSpeedGuard = { stop: () => undefined };

/**
 * Watch `bytes()` while a transfer runs; calls `fail` once with an FtpError
 * (kind timeout: transient, a retry may do better) when the rate is too low.
 */
export function watchLowSpeed(limit: number, timeS: number, bytes: () => number, fail: (e: FtpError) => void, command: string): LowSpeedGuard {
  if (!(limit > 0) || !(timeS > 0)) return OFF;
  const windowMs = timeS * 1000;
  const tickMs = Math.max(50, Math.min(1000, windowMs / 4));
  const samples: Array<{ t: number; b: number }> = [{ t: Date.now(), b: bytes() }];
  let stopped = false;
  const timer = setInterval(() => {
    // after a pause of this process, what arrived meanwhile is read before the rate is judged
    afterPendingIo(() => {
      if (stopped) return;
      const now = Date.now();
      const b = bytes();
      const last = samples[samples.length - 1];
      if (now - last.t > 3 * tickMs) {
        // the process itself was paused (GC, a loaded machine): that time says nothing about the server
        samples.length = 0;
        samples.push({ t: now, b });
        return;
      }
      samples.push({ t: now, b });
      // the newest sample at least a window old is the start of the window
      let start = -1;
      for (let i = samples.length - 1; i >= 0; i -= 1) {
        if (now - samples[i].t >= windowMs) {
          start = i;
          break;
        }
      }
      if (start < 0) return;
      samples.splice(0, start);
      const from = samples[0];
      const rate = ((b - from.b) * 1000) / (now - from.t);
      if (rate >= limit) return;
      stop();
      fail(
        new FtpError(
          `${command}: the transfer averaged ${rate.toFixed(1)} bytes/s over the last ${timeS} s, below lowSpeedLimit (${limit} bytes/s over lowSpeedTime ${timeS} s)`,
          { kind: 'timeout', code: 421, command },
        ),
      );
    });
  }, tickMs);
  timer.unref?.();
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  return { stop };
}
