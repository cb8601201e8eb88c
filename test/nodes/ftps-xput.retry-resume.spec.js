'use strict';
// ftps-xput: a retried upload continues the remote scratch file (SIZE, then
// REST + STOR) and renames it at the end; a job that fails for good deletes
// it. Through the nodes, against a real ProFTPD behind a fault proxy that
// resets the data connection mid-STOR; ProFTPD's protocol log shows the REST.
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { call } = require('./support/flow');
const { useFaultyServer, sha } = require('./support/fault-flow');

const MiB = 1024 * 1024;
const CUT = 512 * 1024;

describe('ftps-xput: a retry continues the scratch file with REST (ProFTPD behind a fault proxy)', function () {
  this.timeout(60000);
  const fx = useFaultyServer();

  it('payload: the second try sends REST at the scratch file size and only the rest; the target byte-exact, no scratch file', async () => {
    const data = crypto.randomBytes(3 * MiB);
    const dir = fx.remoteDir('xresume-a');
    await fx.load([{ id: 'x1', type: 'ftps-xput' }]);
    const rest0 = fx.restOffsets().length;
    fx.proxy.inject({ conn: 'data', dir: 'up', after: CUT, action: 'reset' });
    const r = await call('x1', { filename: '/xresume-a/up.bin', payload: data });
    const rests = fx.restOffsets().slice(rest0);
    assert.strictEqual(rests.length, 1, `one REST: ${rests}`);
    assert.ok(rests[0] > 0 && rests[0] < CUT, `REST ${rests[0]}: what the server had of the first try`);
    assert.strictEqual(fx.up.length, 2, 'two data connections');
    assert.ok(fx.up[1] < data.length - rests[0] + 64 * 1024 + data.length * 0.02, `the second carried the rest only: ${fx.up[1]}`);
    assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'up.bin'))), sha(data));
    assert.deepStrictEqual(fs.readdirSync(dir), ['up.bin'], 'no scratch file on the server');
    assert.strictEqual(r.filename, '/xresume-a/up.bin');
  });

  it('a local file as the source: continued the same way', async () => {
    const data = crypto.randomBytes(3 * MiB);
    const dir = fx.remoteDir('xresume-b');
    const src = path.join(fx.localDir, 'src.bin');
    fs.writeFileSync(src, data);
    await fx.load([{ id: 'x1', type: 'ftps-xput', source: 'file' }]);
    const rest0 = fx.restOffsets().length;
    fx.proxy.inject({ conn: 'data', dir: 'up', after: CUT, action: 'reset' });
    await call('x1', { filename: '/xresume-b/up.bin', localFilename: src });
    const rests = fx.restOffsets().slice(rest0);
    assert.strictEqual(rests.length, 1, `one REST: ${rests}`);
    assert.ok(rests[0] > 0);
    assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'up.bin'))), sha(data));
    assert.deepStrictEqual(fs.readdirSync(dir), ['up.bin']);
  });

  it('cut on every try: the retries continue, the last failure deletes the scratch file; no target file', async () => {
    const dir = fx.remoteDir('xresume-c');
    await fx.load([{ id: 'x1', type: 'ftps-xput' }]);
    const rest0 = fx.restOffsets().length;
    for (let i = 0; i < 3; i += 1) fx.proxy.inject({ conn: 'data', dir: 'up', after: CUT, action: 'reset' });
    const e = await call('x1', { filename: '/xresume-c/up.bin', payload: crypto.randomBytes(3 * MiB) }).then(
      () => assert.fail('expected a failure'),
      (x) => x,
    );
    assert.match(e.message, /\(3 tries\)$/);
    const rests = fx.restOffsets().slice(rest0);
    assert.strictEqual(rests.length, 2, `two retries with REST: ${rests}`);
    assert.ok(rests[1] > rests[0], `each continued further: ${rests}`);
    assert.deepStrictEqual(fs.readdirSync(dir), [], 'neither scratch nor target file');
  });

  it('the control connection reset with the data connection: the retry on a new session still continues the scratch file', async () => {
    const data = crypto.randomBytes(3 * MiB);
    const dir = fx.remoteDir('xresume-d');
    await fx.load([{ id: 'x1', type: 'ftps-xput' }]);
    const rest0 = fx.restOffsets().length;
    fx.proxy.inject({ conn: 'data', dir: 'up', after: CUT, action: 'reset-control' });
    fx.proxy.inject({ conn: 'data', dir: 'up', after: CUT + 64 * 1024, action: 'reset' });
    await call('x1', { filename: '/xresume-d/up.bin', payload: data });
    const rests = fx.restOffsets().slice(rest0);
    assert.ok(rests.length >= 1 && rests.every((n) => n > 0), `continued with REST: ${rests}`);
    assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'up.bin'))), sha(data));
    assert.deepStrictEqual(fs.readdirSync(dir), ['up.bin'], 'no scratch file on the server');
  });

  it('the last try loses its session too: the scratch file the tries kept is deleted on the next session', async () => {
    const dir = fx.remoteDir('xresume-e');
    await fx.load([{ id: 'x1', type: 'ftps-xput' }, { id: 'p1', type: 'ftps-put' }], { retries: 1 });
    // try 1: the control connection reset mid-STOR (the scratch file is kept for the retry);
    // try 2: the control connection reset as its data connection opens (no session to delete it on)
    fx.proxy.inject({ conn: 'data', dir: 'up', after: CUT, action: 'reset-control' });
    fx.proxy.inject({ conn: 'data', dir: 'up', after: 0, action: 'reset-control' });
    const e = await call('x1', { filename: '/xresume-e/up.bin', payload: crypto.randomBytes(3 * MiB) }).then(
      () => assert.fail('expected a failure'),
      (x) => x,
    );
    assert.match(e.message, /\(2 tries\)$/);
    assert.strictEqual(fx.proxy.fired.filter((f) => f.action === 'reset-control').length >= 2, true, 'both faults happened');
    assert.ok(!fs.readdirSync(dir).includes('up.bin'), 'nothing under the final name');
    await call('p1', { filename: '/xresume-e/next.txt', payload: 'next' });
    assert.deepStrictEqual(fs.readdirSync(dir), ['next.txt'], 'the scratch file was deleted before the next job');
  });
});
