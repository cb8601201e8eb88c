'use strict';
// ftps-site: input checks, and SITE on the real servers.
const assert = require('node:assert');
const fs = require('node:fs');
const { call, caughtError } = require('./support/flow');
const { itRefusesCrLf, describeOffline } = require('./support/offline');
const { eachServer } = require('./support/servers');

describeOffline('ftps-site', () => {
  itRefusesCrLf('ftps-site', {}, { payload: 'CHMOD 644 a.txt\r\nDELE b.txt' });
});

eachServer('ftps-site', (fx) => {
  const { load, file } = fx;

  it('ftps-site: CHMOD', async () => {
    fx.s.put('site/t.txt', 'x');
    await load([{ id: 's2', type: 'ftps-site' }]);
    const m = await call('s2', { payload: 'CHMOD 600 /site/t.txt' });
    assert.strictEqual(m.ftps.code, 200);
    assert.strictEqual(m.payload, m.ftps.message);
    assert.strictEqual(fs.statSync(file('site/t.txt')).mode & 0o777, 0o600);
    // SITE fails on a 4xx/5xx reply (unlike quot): Catch, with the code
    const e = await caughtError(call('s2', { payload: 'NOSUCHSITECMD x' }));
    assert.ok(e.code >= 400 && e.code < 600, `reply code ${e.code}`);
  });
});
