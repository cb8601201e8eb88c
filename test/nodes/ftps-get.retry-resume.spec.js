'use strict';
// ftps-get: a retried download continues where the cut try stopped (REST),
// through the nodes against a real ProFTPD behind a fault proxy that resets
// the data connection mid-transfer. The server's protocol log shows the REST
// offset; the proxy shows the second data connection carried only the rest.
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { call } = require('./support/flow');
const { useFaultyServer, sha } = require('./support/fault-flow');

const MiB = 1024 * 1024;
const CUT = 300 * 1024;
/** TLS records and the handshake add a little to the file's bytes on the wire. */
const overhead = (n) => Math.ceil(n * 0.02) + 16 * 1024;

describe('ftps-get: a retry continues the download with REST (ProFTPD behind a fault proxy)', function () {
  this.timeout(60000);
  const fx = useFaultyServer();

  it('to a file: the second try sends REST with what the scratch file holds, gets only the rest; the file byte-exact, no scratch file', async () => {
    const data = crypto.randomBytes(2 * MiB);
    fx.s.put('resume/get.bin', data);
    await fx.load([{ id: 'g1', type: 'ftps-get', output: 'file' }]);
    const rest0 = fx.restOffsets().length;
    const local = path.join(fx.localDir, 'get.bin');
    fx.proxy.inject({ conn: 'data', dir: 'down', after: CUT, action: 'reset' });
    const r = await call('g1', { filename: '/resume/get.bin', localFilename: local });
    const rests = fx.restOffsets().slice(rest0);
    assert.strictEqual(rests.length, 1, `one REST: ${rests}`);
    const [at] = rests;
    assert.ok(at > 0 && at < CUT, `REST ${at}: after what the first try got, at most the ${CUT} bytes the proxy let through`);
    assert.strictEqual(fx.down.length, 2, 'two data connections');
    assert.ok(fx.down[1] >= data.length - at && fx.down[1] < data.length - at + overhead(data.length - at), `the second carried the rest only: ${fx.down[1]} bytes for ${data.length - at}`);
    assert.strictEqual(sha(fs.readFileSync(local)), sha(data));
    assert.deepStrictEqual(fs.readdirSync(fx.localDir), ['get.bin'], 'no scratch file left');
    assert.strictEqual(r.payload, local);
    assert.strictEqual(r.ftps.bytes, data.length);
  });

  it('to a buffer: what arrived is kept, the second try sends REST and the payload is byte-exact', async () => {
    const data = crypto.randomBytes(2 * MiB);
    fx.s.put('resume/buf.bin', data);
    await fx.load([{ id: 'g1', type: 'ftps-get', output: 'buffer' }]);
    const rest0 = fx.restOffsets().length;
    fx.proxy.inject({ conn: 'data', dir: 'down', after: CUT, action: 'reset' });
    const r = await call('g1', { filename: '/resume/buf.bin' });
    const rests = fx.restOffsets().slice(rest0);
    assert.strictEqual(rests.length, 1, `one REST: ${rests}`);
    assert.ok(rests[0] > 0 && rests[0] < CUT, `REST ${rests[0]}`);
    assert.ok(fx.down[1] < data.length - rests[0] + overhead(data.length), `the second data connection carried the rest only (${fx.down[1]})`);
    assert.ok(Buffer.isBuffer(r.payload));
    assert.strictEqual(sha(r.payload), sha(data));
  });

  it('cut on every try: each retry continues further (REST offsets grow), the last failure removes the scratch file', async () => {
    const data = crypto.randomBytes(2 * MiB);
    fx.s.put('resume/always.bin', data);
    await fx.load([{ id: 'g1', type: 'ftps-get', output: 'file' }]);
    const rest0 = fx.restOffsets().length;
    for (let i = 0; i < 3; i += 1) fx.proxy.inject({ conn: 'data', dir: 'down', after: CUT, action: 'reset' });
    const local = path.join(fx.localDir, 'always.bin');
    const e = await call('g1', { filename: '/resume/always.bin', localFilename: local }).then(
      () => assert.fail('expected a failure'),
      (x) => x,
    );
    assert.match(e.message, /\(3 tries\)$/);
    const rests = fx.restOffsets().slice(rest0);
    assert.strictEqual(rests.length, 2, `two retries, each with REST: ${rests}`);
    assert.ok(rests[0] > 0 && rests[1] > rests[0], `the second retry continued after the first: ${rests}`);
    assert.deepStrictEqual(fs.readdirSync(fx.localDir), [], 'no scratch file, no partial file');
  });

  it('ASCII mode: a retry starts over (REST offsets count bytes, the conversion changes them); the file is complete', async () => {
    const text = Buffer.from('line of text\n'.repeat(120000));
    fx.s.put('resume/text.txt', text);
    await fx.load([{ id: 'g1', type: 'ftps-get', output: 'file', transferType: 'ascii' }]);
    const rest0 = fx.restOffsets().length;
    fx.proxy.inject({ conn: 'data', dir: 'down', after: CUT, action: 'reset' });
    const local = path.join(fx.localDir, 'text.txt');
    await call('g1', { filename: '/resume/text.txt', localFilename: local });
    assert.deepStrictEqual(fx.restOffsets().slice(rest0), [], 'no REST');
    assert.strictEqual(sha(fs.readFileSync(local)), sha(text));
    assert.deepStrictEqual(fs.readdirSync(fx.localDir), ['text.txt']);
  });
});
