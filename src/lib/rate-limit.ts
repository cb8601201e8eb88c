/**
 * A speed cap for one transfer (the config node's `rateLimit`): a token
 * bucket, and a Transform that lets bytes through only as fast as the
 * bucket allows. The Transform holds its callback while it waits, so the
 * stream before it fills up and stops: backpressure, not buffering.
 */
import { Transform, TransformCallback } from 'node:stream';

/** Milliseconds, monotonic; injectable so the bucket can be tested without waiting. */
export type Clock = () => number;

const monotonic: Clock = () => performance.now();

/**
 * Tokens are bytes. The bucket refills at `rate` bytes per second up to
 * `burst`; take(n) takes n bytes' worth and says how long to wait before
 * sending them (the balance may go below zero: the debt is the wait).
 */
export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  private tokens: number;
  private last: number;
  /** Bytes let through so far. */
  taken = 0;
  /** Milliseconds of waiting the bucket asked for so far. */
  waited = 0;

  constructor(
    rate: number,
    burst?: number,
    private readonly clock: Clock = monotonic,
  ) {
    if (!(rate > 0)) throw new RangeError('rate must be above 0');
    this.rate = rate;
    // a tenth of a second's worth: small enough to be smooth, large enough for few timers
    this.burst = Math.max(1024, Math.floor(burst ?? rate / 10));
    this.tokens = this.burst;
    this.last = clock();
  }

  /** Take `n` bytes; the milliseconds to wait before sending them (0 when the bucket had them). */
  take(n: number): number {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    this.tokens -= n;
    this.taken += n;
    const wait = this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rate);
    this.waited += wait;
    return wait;
  }
}

/** Passes bytes through at the bucket's rate, in pieces of at most one burst. */
export class RateLimit extends Transform {
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly bucket: TokenBucket) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let offset = 0;
    const next = (): void => {
      this.timer = undefined;
      if (offset >= chunk.length) {
        cb();
        return;
      }
      const piece = chunk.subarray(offset, offset + this.bucket.burst);
      offset += piece.length;
      const wait = this.bucket.take(piece.length);
      const send = (): void => {
        this.timer = undefined;
        this.push(piece);
        next();
      };
      if (wait > 0) this.timer = setTimeout(send, wait);
      else send();
    };
    next();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    cb(err);
  }
}

/** The pipeline steps for a cap of `bytesPerSecond` (none when 0 or unset). */
export function rateLimitSteps(bytesPerSecond: number | undefined): Transform[] {
  return bytesPerSecond && bytesPerSecond > 0 ? [new RateLimit(new TokenBucket(bytesPerSecond))] : [];
}
