'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { FileSink, FILE_BATCH } = require('../../nodes/lib/file-sink');

/** Chunks of uneven sizes, as a TLS stream delivers them. */
function* pieces(data) {
  let i = 0;
  let n = 1;
  while (i < data.length) {
    const len = Math.min(data.length - i, (n * 7919) % 70000 || 1);
    yield data.subarray(i, i + len);
    i += len;
    n += 1;
  }
}

describe('FileSink (batched download writes)', () => {
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-sink-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes every byte in order across several batches, and the empty case', async () => {
    const data = crypto.randomBytes(FILE_BATCH * 3 + 12345);
    const f = path.join(dir, 'a.bin');
    await pipeline(Readable.from(pieces(data)), new FileSink(f, 'w'));
    assert.ok(fs.readFileSync(f).equals(data));
    const e = path.join(dir, 'empty.bin');
    await pipeline(Readable.from([]), new FileSink(e, 'w'));
    assert.equal(fs.statSync(e).size, 0);
  });

  it("'w' truncates an existing file; 'r+' continues it at the offset", async () => {
    const f = path.join(dir, 'b.bin');
    fs.writeFileSync(f, Buffer.alloc(5000, 1));
    await pipeline(Readable.from([Buffer.from('abc')]), new FileSink(f, 'w'));
    assert.equal(fs.readFileSync(f, 'latin1'), 'abc');
    await pipeline(Readable.from([Buffer.from('XYZ')]), new FileSink(f, 'r+', 2));
    assert.equal(fs.readFileSync(f, 'latin1'), 'abXYZ');
  });

  it('a file that cannot be opened fails the stream with the path and the open syscall', async () => {
    const f = path.join(dir, 'no', 'such', 'dir.bin');
    await assert.rejects(pipeline(Readable.from([Buffer.from('x')]), new FileSink(f, 'w')), (e) => e.code === 'ENOENT' && e.syscall === 'open' && e.path === f);
  });

  it('a failed write (disk full) fails the stream with the path', async function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    const data = crypto.randomBytes(FILE_BATCH * 2 + 1);
    await assert.rejects(pipeline(Readable.from(pieces(data)), new FileSink('/dev/full', 'w')), (e) => e.code === 'ENOSPC' && e.path === '/dev/full');
  });
});
