'use strict';
// ftps-ops: input checks, and the file operations on the real servers.
const assert = require('node:assert');
const fs = require('node:fs');
const { call } = require('./support/flow');
const { itRefusesCrLf, describeOffline } = require('./support/offline');
const { eachServer } = require('./support/servers');

describeOffline('ftps-ops', () => {
  for (const [props, msg] of [
    [{ operation: 'delete' }, { filename: 'a.txt\r\nRMD /' }],
    [{ operation: 'rename' }, { filename: 'a.txt', newFilename: 'b.txt\r\nDELE c' }],
  ]) {
    itRefusesCrLf('ftps-ops', props, msg);
  }
});

eachServer('ftps-ops', (fx) => {
  const { load, file } = fx;

  it('ftps-ops: mkdir -p, exists, size, rename, delete, rm -r', async () => {
    await load([
      { id: 'o1', type: 'ftps-ops', operation: 'mkdir', recursive: true },
      { id: 'o2', type: 'ftps-ops', operation: 'exists' },
      { id: 'o3', type: 'ftps-ops', operation: 'size' },
      { id: 'o4', type: 'ftps-ops', operation: 'rename' },
      { id: 'o5', type: 'ftps-ops', operation: 'delete' },
      { id: 'o6', type: 'ftps-ops', operation: 'rmdir', recursive: true },
      { id: 'o7', type: 'ftps-ops', operation: 'mkdir' },
    ]);
    assert.strictEqual((await call('o1', { filename: '/ops/a/b/c' })).payload, '/ops/a/b/c');
    assert.ok(fs.statSync(file('ops/a/b/c')).isDirectory());
    await call('o1', { filename: '/ops/a/b/c' }); // exists already: fine with recursive
    await assert.rejects(call('o7', { filename: '/ops/a' }), (e) => e.code >= 500);
    fx.s.put('ops/a/f.txt', '12345');
    fx.s.own();
    assert.strictEqual((await call('o2', { filename: '/ops/a/f.txt' })).payload, true);
    assert.strictEqual((await call('o2', { filename: '/ops/a/b' })).payload, true);
    assert.strictEqual((await call('o2', { filename: '/ops/nothing' })).payload, false);
    assert.strictEqual((await call('o3', { filename: '/ops/a/f.txt' })).payload, 5);
    const r = await call('o4', { filename: '/ops/a/f.txt', newFilename: '/ops/a/b/g.txt' });
    assert.strictEqual(r.newFilename, '/ops/a/b/g.txt');
    assert.ok(fs.existsSync(file('ops/a/b/g.txt')));
    fx.s.put('ops/a/h.txt', 'h');
    fx.s.own();
    await call('o5', { filename: '/ops/a/h.txt' });
    assert.ok(!fs.existsSync(file('ops/a/h.txt')));
    await assert.rejects(call('o5', { filename: '/ops/a/h.txt' }), (e) => e.code === 550);
    const rm = await call('o6', { filename: '/ops/a' });
    assert.ok(rm.ftps.removed >= 4);
    assert.ok(!fs.existsSync(file('ops/a')));
  });
});
