'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { MemoryTarget } = require('../../nodes/lib/memory-target');

function feed(t, data, step) {
  const scratch = Buffer.alloc(step);
  for (let i = 0; i < data.length; i += step) {
    const n = Math.min(step, data.length - i);
    data.copy(scratch, 0, i, i + n);
    scratch.fill(0xee, n); // past `n` the reused buffer holds junk that must not be kept
    assert.equal(t.take(scratch, n), true, 'memory never asks the socket to pause');
  }
}

describe('MemoryTarget (downloads into memory read into one reused buffer)', () => {
  it('keeps every byte when the server announced the size, in a buffer of exactly that size', () => {
    const data = crypto.randomBytes(100000);
    const t = new MemoryTarget();
    t.expect(data.length);
    feed(t, data, 16384);
    const out = t.data();
    assert.ok(out.equals(data));
    assert.equal(out.length, data.length);
  });

  it('grows when no size was announced, and when the announcement was too small', () => {
    const data = crypto.randomBytes(300001);
    const t = new MemoryTarget();
    feed(t, data, 7000);
    assert.ok(t.data().equals(data));
    const u = new MemoryTarget();
    u.expect(10);
    feed(u, data, 16384);
    assert.ok(u.data().equals(data));
  });

  it('does not trust an absurd announced size for its allocation', () => {
    const t = new MemoryTarget();
    t.expect(2 ** 50);
    feed(t, Buffer.from('tiny'), 4);
    assert.equal(t.data().toString(), 'tiny');
  });

  it('an empty download is an empty Buffer; the stream side (ASCII path) keeps chunks too', async () => {
    assert.equal(new MemoryTarget().data().length, 0);
    const t = new MemoryTarget();
    const w = t.writable();
    await new Promise((r) => w.write(Buffer.from('ab'), r));
    await new Promise((r) => w.end(Buffer.from('c'), r));
    assert.equal(t.data().toString(), 'abc');
  });

  it('a result much smaller than the grown buffer is copied out, so the spare room is not kept alive', () => {
    const t = new MemoryTarget();
    t.expect(1024 * 1024);
    feed(t, Buffer.from('short'), 5);
    const out = t.data();
    assert.equal(out.toString(), 'short');
    assert.ok(out.buffer.byteLength < 1024 * 1024);
  });

  it('stops at its limit: take() returns false with an error naming maxMemory, calls onFailure once, never throws', async () => {
    const t = new MemoryTarget(1000, 'x.bin');
    const failures = [];
    t.onFailure = (e) => failures.push(e);
    assert.equal(t.take(Buffer.alloc(600), 600), true);
    assert.equal(t.take(Buffer.alloc(600), 600), false);
    assert.match(t.error.message, /x\.bin is larger than maxMemory/);
    assert.equal(t.take(Buffer.alloc(1), 1), false);
    assert.equal(failures.length, 1);
    // the stream side reports it as the write's error
    const w = new MemoryTarget(10).writable();
    w.on('error', () => undefined); // a pipeline listens in the client
    const err = await new Promise((r) => w.write(Buffer.alloc(11), r));
    assert.match(err.message, /maxMemory/);
  });
});
