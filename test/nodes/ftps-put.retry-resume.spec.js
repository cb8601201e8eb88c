'use strict';
// ftps-put (overwrite): a retry continues after the bytes the server has
// (SIZE, then REST + STOR), but only when an earlier try of the same message
// moved bytes, so its STOR had replaced the old file. Through the nodes
// against a real ProFTPD behind a fault proxy; its protocol log shows REST.
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { call } = require('./support/flow');
const { useFaultyServer, sha } = require('./support/fault-flow');

const MiB = 1024 * 1024;
const CUT = 512 * 1024;

describe('ftps-put: a retry continues after what the server has (ProFTPD behind a fault proxy)', function () {
  this.timeout(60000);
  const fx = useFaultyServer();

  it('cut mid-STOR: the second try sends REST at the size the server has and only the rest; the file byte-exact', async () => {
    const data = crypto.randomBytes(3 * MiB);
    const dir = fx.remoteDir('presume-a');
    fs.writeFileSync(path.join(dir, 'up.bin'), crypto.randomBytes(4 * MiB)); // an older, longer file is replaced
    fx.s.own(dir);
    await fx.load([{ id: 'p1', type: 'ftps-put' }]);
    const rest0 = fx.restOffsets().length;
    fx.proxy.inject({ conn: 'data', dir: 'up', after: CUT, action: 'reset' });
    await call('p1', { filename: '/presume-a/up.bin', payload: data });
    const rests = fx.restOffsets().slice(rest0);
    assert.strictEqual(rests.length, 1, `one REST: ${rests}`);
    assert.ok(rests[0] > 0 && rests[0] < CUT, `REST ${rests[0]}`);
    assert.ok(fx.up[1] < data.length - rests[0] + 64 * 1024 + data.length * 0.02, `the second data connection carried the rest only: ${fx.up[1]}`);
    assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'up.bin'))), sha(data));
  });

  it('a first try that moved no byte (cut in the data TLS handshake): the retry starts over, no REST, the old file fully replaced', async () => {
    const data = crypto.randomBytes(1 * MiB);
    const dir = fx.remoteDir('presume-b');
    fs.writeFileSync(path.join(dir, 'up.bin'), crypto.randomBytes(2 * MiB));
    fx.s.own(dir);
    await fx.load([{ id: 'p1', type: 'ftps-put' }]);
    const rest0 = fx.restOffsets().length;
    fx.proxy.inject({ conn: 'data', dir: 'up', after: 0, action: 'reset' });
    await call('p1', { filename: '/presume-b/up.bin', payload: data });
    assert.strictEqual(fx.proxy.fired.at(-1).action, 'reset', 'the fault happened');
    assert.deepStrictEqual(fx.restOffsets().slice(rest0), [], 'no REST: what the server had was not ours');
    assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'up.bin'))), sha(data));
  });

  it('ASCII mode: a retry starts over (no REST); the file is complete', async () => {
    const text = Buffer.from('line of text\n'.repeat(200000));
    const dir = fx.remoteDir('presume-c');
    await fx.load([{ id: 'p1', type: 'ftps-put', transferType: 'ascii' }]);
    const rest0 = fx.restOffsets().length;
    const f0 = fx.proxy.fired.length;
    fx.proxy.inject({ conn: 'data', dir: 'up', after: CUT, action: 'reset' });
    await call('p1', { filename: '/presume-c/up.txt', payload: text });
    assert.strictEqual(fx.proxy.fired.length - f0, 1, 'the fault happened');
    assert.deepStrictEqual(fx.restOffsets().slice(rest0), []);
    // ProFTPD stores ASCII with Unix line ends: the file is the text as sent
    assert.strictEqual(sha(fs.readFileSync(path.join(dir, 'up.txt'))), sha(text));
  });
});
