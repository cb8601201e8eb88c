'use strict';
// Multi-file get and put (the contract's MGET/MPUT and mirroring) through the
// nodes against the four real servers of the harness, explicit FTPS.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./support/red');
const { useServer, call, caughtError } = require('./support/flow');
const h = require('../harness');

const byPath = (payload) => payload.map((o) => `${o.action} ${o.path}`).sort();

function tmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-multi-'));
}

/** The files below `root`, '/'-separated, sorted. */
function tree(root) {
  const out = [];
  const walk = (d, rel) => {
    for (const n of fs.readdirSync(d).sort()) {
      const full = path.join(d, n);
      const r = rel ? `${rel}/${n}` : n;
      if (fs.statSync(full).isDirectory()) walk(full, r);
      else out.push(r);
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  return out;
}

describe('multi-file options (no server needed)', function () {
  this.timeout(20000);
  afterEach(async () => {
    await helper.unload();
  });
  const fake = { host: '127.0.0.1', port: 9, mode: 'clear' };
  const { flowFor, NODES } = require('./support/flow');

  for (const type of ['ftps-get', 'ftps-put', 'ftps-xput']) {
    it(`${type}: an unknown skip value is a clear error and nothing is sent`, async () => {
      await helper.load(NODES, flowFor(fake, '', [{ id: 'n1', type, skip: 'newer', output: 'file', source: 'file' }], { encryption: 'clear' }), { s1: { user: 'u', password: 'p' } });
      const e = await caughtError(call('n1', { filename: '/x/*.csv', localFilename: os.tmpdir(), payload: 'x' }));
      assert.match(e.message, /skip: unknown value "newer"/);
      assert.strictEqual(e.code, undefined, 'no server reply: nothing was sent');
    });
  }

  it('ftps-get: a bad concurrency is a clear error', async () => {
    await helper.load(NODES, flowFor(fake, '', [{ id: 'n1', type: 'ftps-get', concurrency: 'many', output: 'file' }], { encryption: 'clear' }), { s1: { user: 'u', password: 'p' } });
    const e = await caughtError(call('n1', { filename: '/x/*.csv', localFilename: os.tmpdir() }));
    assert.match(e.message, /concurrency/);
  });
});

for (const kind of h.KINDS) {
  describe(`multi-file get and put against ${kind}`, function () {
    this.timeout(120000);
    const fx = useServer(kind, 'explicit');
    const { file } = fx;
    const put = (rel, data) => fx.s.put(rel, data);

    it('get: a glob in the path fetches the matching files into a new local folder; output must be "file"', async () => {
      put('g1/a.csv', 'a\n');
      put('g1/b.csv', 'bb\n');
      put('g1/c.txt', 'c\n');
      put('g1/sub/d.csv', 'd\n');
      put('g1/.hidden.csv', 'h\n');
      const local = path.join(tmpDir(), 'new', 'folder');
      await fx.load([{ id: 'g', type: 'ftps-get', output: 'file' }, { id: 'gb', type: 'ftps-get', output: 'buffer' }]);
      const m = await call('g', { filename: '/g1/*.csv', localFilename: local, keep: 'me' });
      assert.deepStrictEqual(byPath(m.payload), ['transferred /g1/a.csv', 'transferred /g1/b.csv']);
      assert.deepStrictEqual(tree(local), ['a.csv', 'b.csv']);
      assert.strictEqual(fs.readFileSync(path.join(local, 'b.csv'), 'utf8'), 'bb\n');
      assert.strictEqual(m.ftps.files, 2);
      assert.strictEqual(m.ftps.bytes, 5);
      assert.strictEqual(m.keep, 'me');
      const one = m.payload.find((o) => o.path === '/g1/b.csv');
      assert.strictEqual(one.localPath, path.join(local, 'b.csv'));
      assert.strictEqual(one.bytes, 3);
      const e = await caughtError(call('gb', { filename: '/g1/*.csv' }));
      assert.match(e.message, /output "file"/);
    });

    it('get: recursive with concurrency 3 keeps relative paths; skip "same" reruns transfer nothing; deleteExtraneous mirrors', async () => {
      for (let i = 0; i < 6; i += 1) put(`g2/d${i % 2}/f${i}.log`, `line ${i}\n`);
      put('g2/top.log', 'top\n');
      put('g2/notes.txt', 'not a log\n');
      const local = tmpDir();
      await fx.load(
        [
          { id: 'g', type: 'ftps-get', output: 'file', recursive: true, concurrency: 3 },
          { id: 'gs', type: 'ftps-get', output: 'file', recursive: true, skip: 'same', concurrency: 3 },
          { id: 'gm', type: 'ftps-get', output: 'file', recursive: true, skip: 'same', deleteExtraneous: true },
        ],
        { maxConnections: 3 },
      );
      const statuses = [];
      helper.getNode('g').on('call:status', (c) => statuses.push(c.args[0].text));
      const m = await call('g', { filename: '/g2', localFilename: local });
      assert.strictEqual(m.ftps.files, 8);
      assert.deepStrictEqual(tree(local), ['d0/f0.log', 'd0/f2.log', 'd0/f4.log', 'd1/f1.log', 'd1/f3.log', 'd1/f5.log', 'notes.txt', 'top.log']);
      assert.ok(statuses.some((t) => /^get \d+\/8 files, /.test(t)), `progress in the status: ${statuses.join(' | ')}`);

      const again = await call('gs', { filename: '/g2', localFilename: local });
      assert.strictEqual(again.ftps.files, 0, JSON.stringify(again.payload));
      assert.ok(again.payload.every((o) => o.action === 'skipped'));

      fs.writeFileSync(file('g2/top.log'), 'top, changed\n');
      fs.writeFileSync(path.join(local, 'd0', 'stray.log'), 'only here\n');
      fs.writeFileSync(path.join(local, 'keep.txt'), 'not matched\n');
      const mirror = await call('gm', { filename: '/g2/**/*.log', localFilename: local });
      assert.deepStrictEqual(
        mirror.payload.filter((o) => o.action !== 'skipped').map((o) => `${o.action} ${path.relative(local, o.localPath)}`).sort(),
        ['deleted d0/stray.log', 'transferred top.log'],
      );
      assert.strictEqual(fs.readFileSync(path.join(local, 'top.log'), 'utf8'), 'top, changed\n');
      assert.ok(fs.existsSync(path.join(local, 'keep.txt')), 'a file the glob does not match stays');
    });

    it('get: one file that cannot be written fails alone; the others complete; cause.failed names it; no mirror deletions', async () => {
      put('g3/a.bin', 'a');
      put('g3/b.bin', 'b');
      put('g3/c.bin', 'c');
      const local = tmpDir();
      fs.mkdirSync(path.join(local, 'b.bin')); // a folder where the file would go
      fs.writeFileSync(path.join(local, 'extra.bin'), 'x');
      await fx.load([{ id: 'g', type: 'ftps-get', output: 'file', deleteExtraneous: true }]);
      const e = await caughtError(call('g', { filename: '/g3/*.bin', localFilename: local }));
      assert.match(e.message, /1 of 3 files failed: \/g3\/b\.bin/);
      const failed = e.msg.error.cause.failed;
      assert.deepStrictEqual(failed.map((f) => f.path), ['/g3/b.bin']);
      assert.ok(failed[0].message.length > 0);
      assert.deepStrictEqual(byPath(e.msg.payload), ['transferred /g3/a.bin', 'transferred /g3/c.bin']);
      assert.ok(fs.existsSync(path.join(local, 'extra.bin')), 'no deleteExtraneous after a failure');
      assert.deepStrictEqual(tree(local).filter((n) => !n.startsWith('b.bin')), ['a.bin', 'c.bin', 'extra.bin'], 'no scratch file left');
    });

    it('get: a name with a backslash is never written and is reported', async function () {
      put('g4/ok.txt', 'ok');
      put('g4/a\\b.txt', 'bad');
      const local = tmpDir();
      await fx.load([{ id: 'g', type: 'ftps-get', output: 'file' }]);
      const e = await caughtError(call('g', { filename: '/g4/*.txt', localFilename: local }));
      const failed = e.msg.error.cause.failed;
      assert.strictEqual(failed.length, 1);
      assert.match(failed[0].path, /a\\b\.txt$/);
      assert.match(failed[0].message, /refused/);
      assert.deepStrictEqual(tree(local), ['ok.txt']);
    });

    it('ftps-put: a folder named relative to the server\'s localRoot is a multi-file source', async () => {
      const root = tmpDir();
      fs.mkdirSync(path.join(root, 'outbox'));
      fs.writeFileSync(path.join(root, 'outbox', 'r.txt'), 'rooted');
      await fx.load([{ id: 'p', type: 'ftps-put', source: 'file' }], { localRoot: root });
      const m = await call('p', { filename: '/rooted', localFilename: 'outbox' });
      assert.deepStrictEqual(byPath(m.payload), ['transferred /rooted/r.txt']);
      assert.strictEqual(fs.readFileSync(file('rooted/r.txt'), 'utf8'), 'rooted');
      const e = await caughtError(call('p', { filename: '/rooted', localFilename: '../*.txt' }));
      assert.match(e.message, /localRoot/);
    });

    for (const type of ['ftps-put', 'ftps-xput']) {
      it(`${type}: a glob, then recursive with concurrency 2 into a remote folder made as needed; skip "same"; deleteExtraneous`, async () => {
        const local = tmpDir();
        fs.writeFileSync(path.join(local, 'a.csv'), 'a\n');
        fs.writeFileSync(path.join(local, 'b.csv'), 'bb\n');
        fs.writeFileSync(path.join(local, 'c.txt'), 'c\n');
        fs.mkdirSync(path.join(local, 'sub'));
        fs.writeFileSync(path.join(local, 'sub', 'd.csv'), 'ddd\n');
        const remote = `/${type}/deep/target`;
        await fx.load(
          [
            { id: 'p', type, source: 'file' },
            { id: 'pr', type, source: 'file', recursive: true, concurrency: 2 },
            { id: 'ps', type, source: 'file', recursive: true, skip: 'same', deleteExtraneous: true },
          ],
          { maxConnections: 2 },
        );
        const m = await call('p', { filename: remote, localFilename: path.join(local, '*.csv') });
        assert.deepStrictEqual(byPath(m.payload), [`transferred ${remote}/a.csv`, `transferred ${remote}/b.csv`]);
        assert.strictEqual(m.ftps.files, 2);
        assert.strictEqual(m.ftps.bytes, 5);
        assert.deepStrictEqual(tree(file(remote)), ['a.csv', 'b.csv']);

        const r = await call('pr', { filename: remote, localFilename: local });
        assert.strictEqual(r.ftps.files, 4);
        assert.deepStrictEqual(tree(file(remote)), ['a.csv', 'b.csv', 'c.txt', 'sub/d.csv'], 'no scratch names left');
        assert.strictEqual(fs.readFileSync(file(`${remote}/sub/d.csv`), 'utf8'), 'ddd\n');

        fs.writeFileSync(file(`${remote}/gone.csv`), 'only remote');
        fx.s.own(file(remote));
        const s = await call('ps', { filename: remote, localFilename: local });
        assert.deepStrictEqual(
          s.payload.filter((o) => o.action !== 'skipped').map((o) => `${o.action} ${o.path}`),
          [`deleted ${remote}/gone.csv`],
          JSON.stringify(s.payload),
        );
        assert.strictEqual(s.ftps.files, 0);
        assert.deepStrictEqual(tree(file(remote)), ['a.csv', 'b.csv', 'c.txt', 'sub/d.csv']);
      });
    }
  });
}
