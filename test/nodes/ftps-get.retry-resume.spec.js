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
    // a stall: with ASCII the client cannot check the announced size, and a reset that looks like the end is another matter
    await fx.load([{ id: 'g1', type: 'ftps-get', output: 'file', transferType: 'ascii' }], { timeout: 2 });
    const rest0 = fx.restOffsets().length;
    const f0 = fx.proxy.fired.length;
    fx.proxy.inject({ conn: 'data', dir: 'down', after: CUT, action: 'stall' });
    const local = path.join(fx.localDir, 'text.txt');
    await call('g1', { filename: '/resume/text.txt', localFilename: local });
    assert.strictEqual(fx.proxy.fired.length - f0, 1, 'the fault happened');
    assert.deepStrictEqual(fx.restOffsets().slice(rest0), [], 'no REST');
    const got = fs.readFileSync(local);
    assert.strictEqual(got.length, text.length);
    assert.strictEqual(sha(got), sha(text));
    assert.deepStrictEqual(fs.readdirSync(fx.localDir), ['text.txt']);
  });
});

describe('ftps-get: a server that refuses REST (pyftpdlib without REST behind a fault proxy)', function () {
  this.timeout(60000);
  const fx = useFaultyServer('pyftpdlib', { dropCommands: ['REST'] });

  it('the retry asks REST, is refused, and starts over from 0 in the same try: the file byte-exact, no scratch file', async () => {
    const data = crypto.randomBytes(2 * MiB);
    fx.s.put('norest/get.bin', data);
    // a stall, not a reset: the server announces no size, and a cut it cannot tell from the end is another matter
    await fx.load([{ id: 'g1', type: 'ftps-get', output: 'file' }], { timeout: 2 });
    const f0 = fx.proxy.fired.length;
    fx.proxy.inject({ conn: 'data', dir: 'down', after: CUT, action: 'stall' });
    const local = path.join(fx.localDir, 'get.bin');
    const r = await call('g1', { filename: '/norest/get.bin', localFilename: local });
    assert.strictEqual(fx.proxy.fired.length - f0, 1, 'the fault happened');
    assert.strictEqual(fx.down.length, 2, `two data connections: the refused REST opened none (${fx.down})`);
    assert.ok(fx.down[1] >= data.length, `the second carried the whole file: ${fx.down[1]}`);
    assert.match(fx.s.log(), /RETR \S+get\.bin completed=1 bytes=2097152/, 'the server sent it all');
    assert.strictEqual(sha(fs.readFileSync(local)), sha(data));
    assert.deepStrictEqual(fs.readdirSync(fx.localDir), ['get.bin']);
    assert.strictEqual(r.ftps.bytes, data.length);
  });
});
