'use strict';
// The token bucket behind rateLimit, with an injected clock (no waiting).
const assert = require('node:assert');
const { Readable, Writable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { TokenBucket, RateLimit } = require('../../nodes/lib/rate-limit');

describe('rate limit: token bucket', () => {
  it('starts with one burst, then asks for the wait that keeps the average at the rate', () => {
    let now = 0;
    const b = new TokenBucket(10240, 1024, () => now); // 10 KiB/s, 1 KiB burst
    assert.strictEqual(b.take(1024), 0, 'the first burst is free');
    assert.strictEqual(b.take(1024), 100, '1 KiB more at 10 KiB/s: 100 ms');
    now += 100;
    assert.strictEqual(b.take(512), 50);
    now += 50;
    // a long quiet time refills only up to the burst
    now += 10000;
    assert.strictEqual(b.take(1024), 0);
    assert.strictEqual(b.take(1), 1);
    assert.strictEqual(b.taken, 1024 * 3 + 512 + 1);
  });

  it('over many takes the bucket moves rate × time (+ one burst), never more', () => {
    let now = 0;
    const rate = 50 * 1024;
    const b = new TokenBucket(rate, undefined, () => now);
    let sent = 0;
    for (let i = 0; i < 1000; i += 1) {
      const n = 1 + ((i * 7919) % 8192);
      now += b.take(n); // the caller waits as told
      sent += n;
    }
    const allowed = (rate * now) / 1000 + b.burst;
    assert.ok(sent <= allowed + 1, `sent ${sent} ≤ allowed ${allowed}`);
    assert.ok(sent >= allowed - 8192 - b.burst, `and close to it (${sent} vs ${allowed})`);
  });

  it('refuses a rate of 0', () => {
    assert.throws(() => new TokenBucket(0), RangeError);
  });

  it('RateLimit passes every byte in order, in pieces of at most one burst, and holds the writer back (backpressure)', async () => {
    const bucket = new TokenBucket(4 * 1024 * 1024, 4096);
    const limit = new RateLimit(bucket);
    const data = Buffer.alloc(256 * 1024);
    for (let i = 0; i < data.length; i += 1) data[i] = i % 251;
    const got = [];
    let biggest = 0;
    let refusedWrites = 0;
    const src = new Readable({ read() {} });
    const origPush = src.push.bind(src);
    for (let i = 0; i < data.length; i += 65536) origPush(data.subarray(i, i + 65536));
    origPush(null);
    const sink = new Writable({
      write(c, _e, cb) {
        got.push(c);
        biggest = Math.max(biggest, c.length);
        cb();
      },
    });
    const probe = new RateLimit(new TokenBucket(1024, 1024));
    for (let i = 0; i < 10 && probe.write(Buffer.alloc(8192)); i += 1);
    refusedWrites = probe.writableNeedDrain ? 1 : 0;
    probe.destroy();
    await pipeline(src, limit, sink);
    assert.ok(Buffer.concat(got).equals(data));
    assert.ok(biggest <= 4096, `pieces of at most a burst (${biggest})`);
    assert.ok(bucket.waited > 0, 'the bucket made it wait');
    assert.strictEqual(bucket.taken, data.length);
    assert.strictEqual(refusedWrites, 1, 'a slow limiter refuses more writes (backpressure)');
  });
});
