'use strict';
// ftps-xput: input checks (CR/LF, payloads it cannot upload, localRoot) and
// the whole-file upload on the real servers.
const assert = require('node:assert');
const fs = require('node:fs');
const { call } = require('./support/flow');
const { itRefusesCrLf, itRefusesPayloads, describeOffline } = require('./support/offline');
const { eachServer } = require('./support/servers');
const { localRootRefusals } = require('./support/local-files');

describeOffline('ftps-xput', () => {
  itRefusesCrLf('ftps-xput', {}, { filename: 'a.txt\rDELE b.txt', payload: 'x' });

  itRefusesPayloads('ftps-xput');
});

localRootRefusals([
  ['ftps-xput', { source: 'file' }, '../outside/secret.txt', /outside the server's local folder/],
]);

eachServer('ftps-xput', (fx) => {
  const { load, file } = fx;

  it('ftps-xput: the file appears whole, no scratch file is left', async () => {
    await load([{ id: 'x1', type: 'ftps-xput', mkdirs: true }]);
    const data = Buffer.alloc(200 * 1024, 3);
    const m = await call('x1', { filename: '/xput/out/data.bin', payload: data });
    assert.strictEqual(m.filename, '/xput/out/data.bin');
    assert.strictEqual(m.ftps.bytes, data.length);
    assert.ok(fs.readFileSync(file('xput/out/data.bin')).equals(data));
    assert.deepStrictEqual(fs.readdirSync(file('xput/out')), ['data.bin']);
    // again over the existing file
    await call('x1', { filename: '/xput/out/data.bin', payload: 'second' });
    assert.strictEqual(fs.readFileSync(file('xput/out/data.bin'), 'utf8'), 'second');
    assert.deepStrictEqual(fs.readdirSync(file('xput/out')), ['data.bin']);
  });
});
