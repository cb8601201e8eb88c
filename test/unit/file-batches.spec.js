'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { FileBatches, BATCH: FILE_BATCH } = require('../../nodes/lib/file-batches');

/** Feed `data` the way onread does: one reused buffer, uneven lengths; pause when told, resume on drained(). */
async function feed(fb, data) {
  const scratch = Buffer.alloc(64 * 1024);
  let i = 0;
  let n = 1;
  let pauses = 0;
  while (i < data.length) {
    const len = Math.min(data.length - i, (n * 7919) % scratch.length || 1);
    data.copy(scratch, 0, i, i + len);
    scratch.fill(0xee, len); // what the socket leaves past `len` must never reach the file
    i += len;
    n += 1;
    if (!fb.take(scratch, len)) {
      pauses += 1;
      await fb.drained();
    }
  }
  return pauses;
}

describe('FileBatches (downloads read into one reused buffer)', () => {
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-batches-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes every byte in order across many batches, pausing the reader while both batches are busy', async () => {
    const data = crypto.randomBytes(FILE_BATCH * 6 + 4321);
    const f = path.join(dir, 'a.bin');
    const fb = new FileBatches(f, 'w', 0);
    await fb.open();
    const pauses = await feed(fb, data);
    await fb.finish();
    assert.ok(fs.readFileSync(f).equals(data));
    assert.ok(pauses > 0, 'the reader was told to pause at least once');
  });

  it('holds bytes that come before open() and creates no file until then; abandon() leaves none', async () => {
    const f = path.join(dir, 'early.bin');
    const fb = new FileBatches(f, 'w', 0);
    fb.take(Buffer.from('early bytes'), 5);
    assert.equal(fs.existsSync(f), false);
    await fb.abandon();
    assert.equal(fs.existsSync(f), false);
    const g = path.join(dir, 'late.bin');
    const fb2 = new FileBatches(g, 'w', 0);
    fb2.take(Buffer.from('early bytes'), 5);
    await fb2.open();
    await fb2.finish();
    assert.equal(fs.readFileSync(g, 'latin1'), 'early');
  });

  it("an empty download makes an empty file; 'r+' continues a file at the offset", async () => {
    const e = path.join(dir, 'empty.bin');
    fs.writeFileSync(e, 'old content');
    const fb = new FileBatches(e, 'w', 0);
    await fb.open();
    await fb.finish();
    assert.equal(fs.statSync(e).size, 0);
    const f = path.join(dir, 'resume.bin');
    fs.writeFileSync(f, 'ab');
    const fr = new FileBatches(f, 'r+', 2);
    await fr.open();
    fr.take(Buffer.from('XYZ'), 3);
    await fr.finish();
    assert.equal(fs.readFileSync(f, 'latin1'), 'abXYZ');
  });

  it('takes everything offered after a pause, growing past the slack rather than dropping bytes', async () => {
    const data = crypto.randomBytes(FILE_BATCH * 3);
    const f = path.join(dir, 'burst.bin');
    const fb = new FileBatches(f, 'w', 0);
    // not opened yet: nothing can be written, so everything stays in memory
    for (let i = 0; i < data.length; i += 16384) fb.take(data.subarray(i, i + 16384), 16384);
    await fb.open();
    await fb.finish();
    assert.ok(fs.readFileSync(f).equals(data));
  });

  it('a failed write (disk full) is reported at once with the path, and finish() rejects with it', async function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    const fb = new FileBatches('/dev/full', 'w', 0);
    const told = new Promise((resolve) => {
      fb.onFailure = resolve;
    });
    await fb.open();
    const big = crypto.randomBytes(FILE_BATCH + 1);
    fb.take(big, big.length);
    const e = await told;
    assert.equal(e.code, 'ENOSPC');
    assert.equal(e.path, '/dev/full');
    await assert.rejects(fb.finish(), (err) => err === e);
  });

  it('a file that cannot be opened rejects open() with the path', async () => {
    const f = path.join(dir, 'no', 'such', 'dir.bin');
    const fb = new FileBatches(f, 'w', 0);
    await assert.rejects(fb.open(), (e) => e.code === 'ENOENT' && e.path === f);
    await fb.abandon();
  });
});
