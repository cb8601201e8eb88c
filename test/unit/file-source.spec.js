'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Writable } = require('node:stream');
const { sendFile } = require('../../nodes/lib/file-source');

/** A Writable that completes each write only when told: the test controls the pace. */
function slowSink() {
  const parts = [];
  const pending = [];
  let maxPending = 0;
  const w = new Writable({
    highWaterMark: 1,
    write(chunk, _enc, cb) {
      parts.push(Buffer.from(chunk)); // a copy: the sender reuses its buffers after cb
      pending.push(cb);
      maxPending = Math.max(maxPending, pending.length);
      setImmediate(() => pending.shift()());
    },
  });
  return { w, data: () => Buffer.concat(parts), maxPending: () => maxPending };
}

describe('sendFile (uploads from files with reused buffers)', () => {
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-source-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sends every byte from the offset on, in order, ends the stream, and reports progress', async () => {
    const data = crypto.randomBytes(1000 * 1000 + 7);
    const f = path.join(dir, 'a.bin');
    fs.writeFileSync(f, data);
    const sink = slowSink();
    let counted = 0;
    await sendFile(f, 10, 64 * 1024, sink.w, (n) => {
      counted += n;
    });
    assert.ok(sink.data().equals(data.subarray(10)));
    assert.equal(counted, data.length - 10);
    assert.equal(sink.w.writableEnded, true);
  });

  it('a reused buffer is never overwritten while the stream still holds it (no chunk repeats or tears)', async () => {
    // every 16 KiB block is distinct; a buffer reused too early would duplicate or tear blocks
    const blocks = 200;
    const data = Buffer.alloc(blocks * 16384);
    for (let i = 0; i < blocks; i++) data.fill(i & 0xff, i * 16384, (i + 1) * 16384);
    const f = path.join(dir, 'blocks.bin');
    fs.writeFileSync(f, data);
    const seen = [];
    let torn = 0;
    const w = new Writable({
      highWaterMark: 1,
      write(chunk, _enc, cb) {
        // chunks wait in the stream's buffer until here: a premature reuse shows as wrong content now,
        // or as a change between now and the callback
        const copy = Buffer.from(chunk);
        seen.push(copy);
        setImmediate(() => {
          if (!chunk.equals(copy)) torn += 1;
          cb();
        });
      },
    });
    await sendFile(f, 0, 16384, w, () => {});
    assert.equal(torn, 0);
    assert.ok(Buffer.concat(seen).equals(data));
  });

  it('an empty file ends the stream with nothing written', async () => {
    const f = path.join(dir, 'empty.bin');
    fs.writeFileSync(f, '');
    const sink = slowSink();
    await sendFile(f, 0, 4096, sink.w, () => {});
    assert.equal(sink.data().length, 0);
    assert.equal(sink.w.writableEnded, true);
  });

  it('a missing file rejects with the path and the open syscall', async () => {
    const f = path.join(dir, 'missing.bin');
    const sink = slowSink();
    await assert.rejects(sendFile(f, 0, 4096, sink.w, () => {}), (e) => e.code === 'ENOENT' && e.syscall === 'open' && e.path === f);
  });

  it('a stream destroyed mid-way rejects instead of waiting forever', async () => {
    const f = path.join(dir, 'big.bin');
    fs.writeFileSync(f, crypto.randomBytes(2 * 1024 * 1024));
    let writes = 0;
    const w = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, cb) {
        writes += 1;
        if (writes === 3) w.destroy(new Error('connection reset'));
        else setImmediate(cb);
      },
    });
    w.on('error', () => {});
    await assert.rejects(sendFile(f, 0, 65536, w, () => {}));
  });
});
