'use strict';
// list(), recursive download and upload against the four real servers, on a
// prepared tree: nested folders, spaces and non-ASCII names, empty folders,
// 1,000 small files, and a symlink loop beside it.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../harness');
const { FtpsClient } = require('../../nodes/lib');

const MANY = 1000;

/** The source tree, made once per process: { rel: Buffer } for files, dirs listed apart. */
function makeSource() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-tree-src-'));
  const files = {
    'top.txt': Buffer.from('top\n'),
    'a/b/c/deep.bin': crypto.randomBytes(70_000),
    'a/b/mid.txt': Buffer.from('middle\r\nline two\n'),
    'with space/file one.txt': Buffer.from('spaces'),
    'with space/ two  spaces .txt': Buffer.from('more spaces'),
    'ünïcödé/名前.txt': Buffer.from('utf-8 name'),
    'ünïcödé/Ærø.dat': crypto.randomBytes(513),
    'zero.txt': Buffer.alloc(0),
  };
  for (let i = 0; i < MANY; i += 1) files[`many/f${String(i).padStart(4, '0')}.dat`] = crypto.randomBytes(1 + (i % 97));
  const dirs = ['a', 'a/b', 'a/b/c', 'with space', 'ünïcödé', 'many', 'empty', 'nest-empty', 'nest-empty/inner'];
  for (const d of dirs) fs.mkdirSync(path.join(root, d), { recursive: true });
  for (const [rel, data] of Object.entries(files)) fs.writeFileSync(path.join(root, rel), data);
  return { root, files, dirs };
}

/** { rel: sha256 } for files and { rel: 'dir' } for folders below `root`. */
function snapshot(root) {
  const out = {};
  const walk = (dir, rel) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      const full = path.join(dir, d.name);
      if (d.isDirectory()) {
        out[r] = 'dir';
        walk(full, r);
      } else if (d.isFile()) {
        out[r] = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
      }
    }
  };
  walk(root, '');
  return out;
}

async function open(srv, extra = {}) {
  const lines = [];
  const client = new FtpsClient({ host: srv.host, port: srv.port, encryption: srv.mode, tls: { ca: srv.ca }, timeout: 30, debug: 1, logger: (l) => lines.push(l), ...extra });
  client.sent = lines;
  await client.connect();
  await client.login(srv.user, srv.password);
  return client;
}

const sent = (client, re) => client.sent.filter((l) => re.test(l));

describe('listings and tree transfers on real servers', function () {
  this.timeout(120_000);
  let src;
  before(() => {
    src = makeSource();
  });
  after(() => {
    if (src) fs.rmSync(src.root, { recursive: true, force: true });
  });

  for (const kind of h.KINDS) {
    describe(kind, function () {
      let srv;
      let client;
      const tmp = [];
      const mlsd = () => h.caps(kind).mlsd;
      before(async function () {
        h.requireServer(this, kind, 'explicit');
        srv = await h.startServer(kind, { mode: 'explicit' });
        fs.cpSync(src.root, path.join(srv.root, 'tree'), { recursive: true });
        // a loop: looptree/x/loop -> .. (looptree itself)
        fs.mkdirSync(path.join(srv.root, 'looptree/x'), { recursive: true });
        fs.writeFileSync(path.join(srv.root, 'looptree/x/file.txt'), 'in the loop');
        fs.symlinkSync('..', path.join(srv.root, 'looptree/x/loop'));
        fs.symlinkSync('file.txt', path.join(srv.root, 'looptree/x/flink'));
        fs.symlinkSync('../../tree/a/b/c', path.join(srv.root, 'looptree/x/other'));
        srv.own();
        client = await open(srv);
      });
      after(async () => {
        await client?.quit();
        await srv?.stop();
        for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
      });
      const localTmp = () => {
        const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-tree-'));
        tmp.push(d);
        return d;
      };

      it('list one directory: types, sizes, UTC dates, names with spaces and non-ASCII', async () => {
        const entries = await client.list('/tree');
        const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
        assert.deepEqual(Object.keys(byName).sort(), ['a', 'empty', 'many', 'nest-empty', 'top.txt', 'with space', 'zero.txt', 'ünïcödé'].sort());
        assert.equal(byName['ünïcödé'].type, 'dir');
        assert.equal(byName['with space'].path, '/tree/with space');
        assert.equal(byName['top.txt'].type, 'file');
        assert.equal(byName['top.txt'].size, 4);
        assert.ok(byName['top.txt'].modified instanceof Date && !Number.isNaN(byName['top.txt'].modified.getTime()));
        assert.equal(typeof byName['top.txt'].raw, 'string');
        // auto: MLSD exactly where the server announces MLST
        assert.equal(sent(client, /^>>> MLSD \/tree$/).length > 0, mlsd(), client.sent.slice(-12).join('\n'));
        if (mlsd()) assert.ok(byName['top.txt'].facts, 'MLSD facts kept');
      });

      it('recursive list: every file and folder of the tree, once, with rel and depth', async () => {
        const entries = await client.list('/tree', { recursive: true });
        const rels = entries.map((e) => e.rel);
        assert.equal(new Set(rels).size, rels.length, 'no entry twice');
        const want = [...src.dirs, ...Object.keys(src.files)].sort();
        assert.deepEqual(rels.slice().sort(), want);
        const deep = entries.find((e) => e.rel === 'a/b/c/deep.bin');
        assert.equal(deep.depth, 3);
        assert.equal(deep.size, 70_000);
        assert.equal(deep.path, '/tree/a/b/c/deep.bin');
        // breadth-first: every directory's entries come after the directory itself
        const at = new Map(rels.map((r, i) => [r, i]));
        for (const r of rels) if (r.includes('/')) assert.ok(at.get(r.slice(0, r.lastIndexOf('/'))) < at.get(r), r);
      });

      it('depth limit, include and exclude globs', async () => {
        const d1 = await client.list('/tree', { recursive: true, depth: 1 });
        assert.ok(d1.every((e) => e.depth <= 1));
        assert.ok(d1.some((e) => e.rel === 'a/b') && !d1.some((e) => e.rel === 'a/b/mid.txt'));
        const txt = await client.list('/tree', { recursive: true, include: '*.txt', exclude: ['many', 'with space'] });
        assert.deepEqual(txt.map((e) => e.rel).sort(), ['a/b/mid.txt', 'top.txt', 'zero.txt', 'ünïcödé/名前.txt'].sort());
      });

      it('patterns: "dir/*.dat" splits, a pattern option is matched by the client, NLST sends it to the server', async () => {
        const split = await client.list('/tree/many/f00?1.dat');
        assert.deepEqual(split.map((e) => e.name).sort(), ['f0001.dat', 'f0011.dat', 'f0021.dat', 'f0031.dat', 'f0041.dat', 'f0051.dat', 'f0061.dat', 'f0071.dat', 'f0081.dat', 'f0091.dat']);
        assert.equal(sent(client, /^>>> (MLSD|LIST) \/tree\/many$/).length > 0, true, 'the directory is listed, the pattern kept');
        const opt = await client.list('/tree', { pattern: 'many/f09[0-4]?.dat' });
        assert.equal(opt.length, 50);
        client.sent.length = 0;
        const nlst = await client.list('/tree/many', { method: 'nlst', pattern: 'f099*.dat' });
        assert.deepEqual(nlst.map((e) => e.name).sort(), Array.from({ length: 10 }, (_, i) => `f099${i}.dat`));
        assert.ok(nlst.every((e) => e.type === 'other'), 'NLST names have no type');
        assert.equal(sent(client, /^>>> NLST \/tree\/many\/f099\*\.dat$/).length, 1, 'the pattern went to the server');
        client.sent.length = 0;
        const local = await client.list('/tree/many', { method: 'nlst', pattern: 'f099*.dat', matchLocally: true });
        assert.equal(local.length, 10);
        assert.deepEqual(sent(client, /^>>> NLST/), [">>> NLST /tree/many"]);
      });

      it('method forcing: list gives no MLSD facts; mlsd fails where there is none', async () => {
        const viaList = await client.list('/tree', { method: 'list' });
        assert.ok(viaList.length === 8 && viaList.every((e) => e.facts === undefined));
        if (mlsd()) {
          const viaMlsd = await client.list('/tree', { method: 'mlsd' });
          assert.ok(viaMlsd.length === 8 && viaMlsd.every((e) => e.facts));
        } else {
          await assert.rejects(client.list('/tree', { method: 'mlsd' }), (e) => e.code === 500);
        }
      });

      it('FEAT off: the guess lists with LIST; ENABLE MLST brings MLSD back where the server has it; DISABLE MLST forces LIST', async () => {
        const off = await open(srv, { feat: false });
        try {
          assert.equal(off.features, null);
          assert.ok(!sent(off, /^>>> FEAT/).length);
          assert.deepEqual([off.isEnabled('SIZE'), off.isEnabled('MDTM'), off.isEnabled('MLST')], [true, true, false]);
          assert.equal((await off.list('/tree')).length, 8);
          assert.equal(sent(off, /^>>> MLSD/).length, 0);
          off.enable('MLST');
          if (mlsd()) {
            const viaMlsd = await off.list('/tree');
            assert.ok(viaMlsd.length === 8 && viaMlsd.every((e) => e.facts));
          } else {
            // vsftpd refuses the MLSD it was told to use: auto falls back to LIST
            assert.equal((await off.list('/tree')).length, 8);
            assert.equal(sent(off, /^>>> MLSD/).length, 1);
          }
        } finally {
          await off.quit();
        }
        const on = await open(srv, { disable: ['MLSD'] });
        try {
          assert.equal(on.features !== null, true);
          assert.ok((await on.list('/tree')).every((e) => e.facts === undefined));
          assert.equal(sent(on, /^>>> MLSD/).length, 0);
          if (mlsd()) assert.equal(sent(on, /^>>> OPTS MLST /).length, 1, 'OPTS MLST asks for our facts');
          if (on.features.has('UTF8')) assert.equal(sent(on, /^>>> OPTS UTF8 ON$/).length, 1);
        } finally {
          await on.quit();
        }
      });

      it('a symlink loop ends the walk: links are listed, not followed (pyftpdlib shows them as what they lead to)', async () => {
        const entries = await client.list('/looptree', { recursive: true });
        const rels = entries.map((e) => e.rel);
        const by = Object.fromEntries(entries.map((e) => [e.rel, e]));
        const showsLinks = by['x/other'].type === 'link';
        assert.equal(showsLinks, kind !== 'pyftpdlib');
        if (showsLinks) {
          assert.deepEqual(rels.slice().sort(), ['x', 'x/file.txt', 'x/flink', 'x/loop', 'x/other']);
          assert.ok(['x/flink', 'x/loop', 'x/other'].every((r) => by[r].type === 'link'));
        } else {
          assert.deepEqual(rels.slice().sort(), ['x', 'x/file.txt', 'x/flink', 'x/loop', 'x/other', 'x/other/deep.bin']);
          assert.equal(by['x/loop'].loop, true, 'the loop is caught by its unique fact');
        }
        // and a download of it ends too; links are not fetched
        const local = path.join(localTmp(), 'loop');
        const down = await client.downloadTree('/looptree', local);
        assert.deepEqual(down.transferred.slice().sort(), showsLinks ? ['x/file.txt'] : ['x/file.txt', 'x/flink', 'x/other/deep.bin']);
        assert.ok(down.skipped.includes('x/loop'));
      });

      it('followLinks: links to folders are entered, links to files fetched, the loop is caught', async () => {
        const entries = await client.list('/looptree', { recursive: true, followLinks: true });
        const by = Object.fromEntries(entries.map((e) => [e.rel, e]));
        assert.deepEqual(Object.keys(by).sort(), ['x', 'x/file.txt', 'x/flink', 'x/loop', 'x/other', 'x/other/deep.bin']);
        assert.equal(by['x/loop'].loop, true, JSON.stringify(by['x/loop']));
        if (by['x/other'].type === 'link') assert.deepEqual([by['x/other'].linkTo, by['x/flink'].linkTo], ['dir', 'file']);
        const local = path.join(localTmp(), 'follow');
        const down = await client.downloadTree('/looptree', local, { followLinks: true });
        assert.deepEqual(down.transferred.slice().sort(), ['x/file.txt', 'x/flink', 'x/other/deep.bin']);
        assert.deepEqual(down.skipped, ['x/loop']);
        assert.equal(fs.readFileSync(path.join(local, 'x/flink'), 'utf8'), 'in the loop');
        assert.deepEqual(fs.readFileSync(path.join(local, 'x/other/deep.bin')), src.files['a/b/c/deep.bin']);
        assert.equal(await client.pwd(), '/', 'the walk changed back to where it started');
      });

      it('tree transfers honour depth, include and exclude; a local symlink loop is skipped, not walked', async () => {
        const local = path.join(localTmp(), 'part');
        const down = await client.downloadTree('/tree', local, { include: '*.txt', exclude: 'many', depth: 1 });
        assert.deepEqual(down.transferred.slice().sort(), ['top.txt', 'with space/ two  spaces .txt', 'with space/file one.txt', 'zero.txt', 'ünïcödé/名前.txt'].sort());
        assert.deepEqual(Object.keys(snapshot(local)).sort(), ['top.txt', 'with space', 'with space/ two  spaces .txt', 'with space/file one.txt', 'zero.txt', 'ünïcödé', 'ünïcödé/名前.txt'].sort());
        fs.mkdirSync(path.join(local, 'x/y'), { recursive: true });
        fs.writeFileSync(path.join(local, 'x/y/skip.tmp'), 'no');
        fs.symlinkSync('..', path.join(local, 'x/loop'));
        const up = await client.uploadTree(local, 'partup', { exclude: ['*.tmp', 'with space'] });
        assert.ok(up.skipped.includes('x/loop'), JSON.stringify(up.skipped));
        assert.deepEqual(Object.keys(snapshot(path.join(srv.root, 'partup'))).sort(), ['top.txt', 'x', 'x/y', 'zero.txt', 'ünïcödé', 'ünïcödé/名前.txt'].sort());
      });

      it('an aborted tree download stops at once, leaves no scratch file, and the session goes on', async () => {
        const local = path.join(localTmp(), 'abort');
        const ac = new AbortController();
        await assert.rejects(
          client.downloadTree('/tree/many', local, { signal: ac.signal, onProgress: (p) => p.filesDone === 3 && ac.abort() }),
          (e) => e.kind === 'aborted',
        );
        const left = fs.readdirSync(local);
        assert.ok(left.every((n) => /^f\d{4}\.dat$/.test(n)), left.join(', '));
        assert.ok(left.length >= 3 && left.length <= 4, left.join(', '));
        for (const n of left) assert.deepEqual(fs.readFileSync(path.join(local, n)), src.files[`many/${n}`]);
        assert.equal((await client.list('/tree')).length, 8);
      });

      it('recursive download then upload round-trips the tree byte-exact; progress counts files and bytes; sync moves nothing twice', async () => {
        const local = path.join(localTmp(), 'copy');
        const seen = [];
        const down = await client.downloadTree('/tree', local, { onProgress: (p) => seen.push(p) });
        const want = snapshot(src.root);
        assert.deepEqual(snapshot(local), want);
        const nFiles = Object.keys(src.files).length;
        const nBytes = Object.values(src.files).reduce((n, b) => n + b.length, 0);
        assert.equal(down.transferred.length, nFiles);
        assert.equal(down.bytes, nBytes);
        const last = seen[seen.length - 1];
        assert.deepEqual({ ...last }, { filesDone: nFiles, filesTotal: nFiles, bytesDone: nBytes, bytesTotal: nBytes, file: null });
        assert.ok(seen.every((p, i) => i === 0 || (p.filesDone >= seen[i - 1].filesDone && p.bytesDone >= seen[i - 1].bytesDone)));

        const up = await client.uploadTree(local, '/up/tree');
        assert.equal(up.transferred.length, nFiles);
        assert.deepEqual(snapshot(path.join(srv.root, 'up/tree')), want, 'uploaded tree differs');

        // sync: nothing differs now, in either direction
        const again = await client.downloadTree('/tree', local, { sync: true });
        assert.deepEqual([again.transferred.length, again.unchanged.length], [0, nFiles]);
        const upAgain = await client.uploadTree(local, '/up/tree', { sync: true });
        assert.deepEqual([upAgain.transferred.length, upAgain.unchanged.length], [0, nFiles]);
        // one local change: one upload
        fs.writeFileSync(path.join(local, 'a/b/mid.txt'), 'changed, and longer than before');
        const one = await client.uploadTree(local, '/up/tree', { sync: true });
        assert.deepEqual(one.transferred, ['a/b/mid.txt']);
        assert.equal(fs.readFileSync(path.join(srv.root, 'up/tree/a/b/mid.txt'), 'utf8'), 'changed, and longer than before');
      });
    });
  }
});
