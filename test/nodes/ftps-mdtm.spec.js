'use strict';
// ftps-mdtm: input checks, and getting and setting times on the real servers.
const assert = require('node:assert');
const fs = require('node:fs');
const { call } = require('./support/flow');
const { itRefusesCrLf, describeOffline } = require('./support/offline');
const { eachServer } = require('./support/servers');

describeOffline('ftps-mdtm', () => {
  itRefusesCrLf('ftps-mdtm', {}, { filename: 'a.txt\nx' });
});

eachServer('ftps-mdtm', (fx, { caps }) => {
  const { load, file } = fx;

  it(`ftps-mdtm: get and set (${caps.mfmt ? 'MFMT' : 'MDTM with a time'})`, async () => {
    fx.s.put('mdtm/t.txt', 'x');
    await load([{ id: 'm1', type: 'ftps-mdtm' }, { id: 'm2', type: 'ftps-mdtm', action: 'set' }]);
    const set = await call('m2', { filename: '/mdtm/t.txt', payload: '2021-03-04T05:06:07Z' });
    assert.strictEqual(set.payload, '2021-03-04T05:06:07.000Z');
    assert.strictEqual(fs.statSync(file('mdtm/t.txt')).mtime.toISOString(), '2021-03-04T05:06:07.000Z');
    const get = await call('m1', { filename: '/mdtm/t.txt' });
    assert.strictEqual(get.payload, '2021-03-04T05:06:07.000Z');
    assert.strictEqual(get.ftps.code, 213);
  });
});
