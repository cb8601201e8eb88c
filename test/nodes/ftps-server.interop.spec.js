'use strict';
// Nodes against servers that lack SIZE and MDTM (pyftpdlib with them
// removed): ftps-ops size/exists/stat and ftps-mdtm get still answer.
const assert = require('node:assert');
const { useServer, call, caughtError } = require('./support/flow');

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

for (const drop of [['SIZE', 'MDTM'], ['SIZE', 'MDTM', 'MLST', 'MLSD']]) {
  describe(`nodes against pyftpdlib without ${drop.join(', ')}`, function () {
    this.timeout(60000);
    const fx = useServer('pyftpdlib', 'explicit', { dropCommands: drop });

    it('ftps-ops size, exists, stat and ftps-mdtm get', async () => {
      fx.s.put('d/f.txt', 'twelve bytes');
      fx.s.put('d/sub/x', 'x');
      await fx.load([
        { id: 'o1', type: 'ftps-ops', operation: 'size' },
        { id: 'o2', type: 'ftps-ops', operation: 'exists' },
        { id: 'o3', type: 'ftps-ops', operation: 'stat' },
        { id: 'm1', type: 'ftps-mdtm', action: 'get' },
      ]);
      assert.strictEqual((await call('o1', { filename: 'd/f.txt' })).payload, 12);
      assert.strictEqual((await call('o2', { filename: 'd/f.txt' })).payload, true);
      assert.strictEqual((await call('o2', { filename: 'd/sub' })).payload, true);
      assert.strictEqual((await call('o2', { filename: 'd/none' })).payload, false);
      const f = (await call('o3', { filename: 'd/f.txt' })).payload;
      assert.strictEqual(f.type, 'file');
      assert.strictEqual(f.size, 12);
      assert.strictEqual(f.name, 'f.txt');
      assert.strictEqual(f.path, 'd/f.txt');
      assert.match(f.modified, ISO);
      assert.strictEqual((await call('o3', { filename: 'd/sub' })).payload.type, 'dir');
      assert.strictEqual((await call('o3', { filename: 'd/none' })).payload, null);
      assert.match((await call('m1', { filename: 'd/f.txt' })).payload, ISO);
      const e = await caughtError(call('o1', { filename: 'd/none' }));
      assert.strictEqual(e.code, 550);
    });
  });
}

describe('nodes: overrideHelp on the server node takes effect (ProFTPD)', function () {
  this.timeout(60000);
  const fx = useServer('proftpd', 'explicit');

  it('"none": ftps-list lists with LIST (no MLSD facts in raw); "auto": MLSD', async () => {
    fx.s.put('oh/a.txt', 'a');
    await fx.load([{ id: 'l1', type: 'ftps-list' }], { overrideHelp: 'none' });
    const none = (await call('l1', { filename: 'oh' })).payload;
    assert.deepStrictEqual(none.map((e) => e.name), ['a.txt']);
    assert.doesNotMatch(none[0].raw, /type=file/i);
    const { helper } = require('./support/red');
    await helper.unload();
    await fx.load([{ id: 'l1', type: 'ftps-list' }], { overrideHelp: 'auto' });
    const auto = (await call('l1', { filename: 'oh' })).payload;
    assert.match(auto[0].raw, /type=file/i);
  });
});

describe('nodes: ftps-list with a glob in the directory part of the path (pyftpdlib)', function () {
  this.timeout(60000);
  const fx = useServer('pyftpdlib', 'explicit');

  it('logs/*.csv, g/*/2026-*.csv, */2026-*.csv: lists from the literal prefix, matches the rest', async () => {
    fx.s.put('g/logs/a.csv', '1');
    fx.s.put('g/logs/b.txt', '2');
    fx.s.put('g/x/2026-01.csv', '3');
    fx.s.put('g/x/2025-12.csv', '4');
    fx.s.put('g/y/2026-02.csv', '5');
    fx.s.put('g/y/deeper/2026-03.csv', '6');
    await fx.load([{ id: 'l1', type: 'ftps-list' }, { id: 'l2', type: 'ftps-list', pattern: '*-02.csv' }]);
    const paths = async (id, filename) => (await call(id, { filename })).payload.map((e) => e.path).sort();
    assert.deepStrictEqual(await paths('l1', 'g/logs/*.csv'), ['g/logs/a.csv']);
    assert.deepStrictEqual(await paths('l1', 'g/*/2026-*.csv'), ['g/x/2026-01.csv', 'g/y/2026-02.csv']);
    assert.deepStrictEqual(await paths('l1', '/g/*/2026-*.csv'), ['/g/x/2026-01.csv', '/g/y/2026-02.csv']);
    assert.deepStrictEqual(await paths('l1', 'g/**/2026-*.csv'), ['g/x/2026-01.csv', 'g/y/2026-02.csv', 'g/y/deeper/2026-03.csv']);
    assert.deepStrictEqual(await paths('l2', 'g/*/2026-*.csv'), ['g/y/2026-02.csv'], "the node's own pattern applies as well");
    assert.deepStrictEqual(await paths('l1', 'g/nothing-*/x'), []);
  });
});
