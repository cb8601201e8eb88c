'use strict';
// Every action node's happy path and the key error cases in flows against
// the four real servers of the harness: in explicit mode all of it, in
// implicit and clear mode (where the server has them) a round trip through
// put, list, get and ops plus the mode's own error case. ProFTPD-only
// scenarios (the burst, a redeploy mid-transfer) are in proftpd.test.js.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./support/red');
const { useServer, call, collect, caughtError } = require('./support/flow');
const h = require('../harness');

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** All log lines the helper's runtime saw, as text. */
function logText() {
  return helper
    .log()
    .args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x))).join(' '))
    .join('\n');
}

for (const kind of h.KINDS) {
  for (const mode of h.modes(kind)) {
    describe(`nodes against ${kind} (${mode})`, function () {
      this.timeout(60000);
      const caps = h.caps(kind);
      const fx = useServer(kind, mode);
      const { load, file } = fx;

      if (mode !== 'explicit') {
        it('put, list, get, size, delete: a round trip', async () => {
          await load([
            { id: 'p1', type: 'ftps-put', mkdirs: true },
            { id: 'l1', type: 'ftps-list' },
            { id: 'g1', type: 'ftps-get', output: 'utf8' },
            { id: 'o1', type: 'ftps-ops', operation: 'size' },
            { id: 'o2', type: 'ftps-ops', operation: 'delete' },
          ]);
          const p = await call('p1', { filename: `/${mode}/a.txt`, payload: 'round trip' });
          assert.strictEqual(p.ftps.bytes, 10);
          assert.strictEqual(fs.readFileSync(file(`${mode}/a.txt`), 'utf8'), 'round trip');
          const l = await call('l1', { filename: `/${mode}` });
          assert.deepStrictEqual(
            l.payload.map((e) => [e.name, e.type, e.size]),
            [['a.txt', 'file', 10]],
          );
          assert.strictEqual((await call('g1', { filename: `/${mode}/a.txt` })).payload, 'round trip');
          assert.strictEqual((await call('o1', { filename: `/${mode}/a.txt` })).payload, 10);
          await call('o2', { filename: `/${mode}/a.txt` });
          assert.ok(!fs.existsSync(file(`${mode}/a.txt`)));
        });
      }

      if (mode === 'clear') {
        it('explicit FTPS against a server without TLS: AUTH TLS is refused (Catch, with the reply code)', async () => {
          await load([{ id: 'q1', type: 'ftps-quot' }], { encryption: 'explicit', tls: 'tls1' }, fx.creds);
          const e = await caughtError(call('q1', { payload: 'NOOP' }));
          assert.ok(e.code >= 400 && e.code < 600, `reply code ${e.code}: ${e.message}`);
          assert.match(e.message, /AUTH|TLS/i);
        });
      }

      if (mode === 'implicit') {
        it('a certificate the tls-config node does not trust is refused (Catch)', async () => {
          await load([{ id: 'q1', type: 'ftps-quot' }], {}, fx.creds, { ca: '' });
          await assert.rejects(call('q1', { payload: 'NOOP' }), /certificate|TLS/i);
        });
      }

      if (mode !== 'explicit') return;

      it('ftps-list: entries, pattern, recursive', async () => {
        fx.s.put('list/a.csv', 'a,b\n1,2\n');
        fx.s.put('list/b.txt', 'hello');
        fx.s.put('list/sub/c.csv', 'x\n');
        await load([
          { id: 'n1', type: 'ftps-list' },
          { id: 'n2', type: 'ftps-list', pattern: '**/*.csv', recursive: true },
          { id: 'n3', type: 'ftps-list', path: '', pathType: 'str' },
          { id: 'n4', type: 'ftps-list', pattern: '*.csv', recursive: true },
          { id: 'n5', type: 'ftps-list', pattern: 'sub/*.csv' },
        ]);
        const m = await call('n1', { filename: '/list', keep: 1 });
        assert.strictEqual(m.keep, 1);
        const byName = Object.fromEntries(m.payload.map((e) => [e.name, e]));
        assert.deepStrictEqual(Object.keys(byName).sort(), ['a.csv', 'b.txt', 'sub']);
        assert.strictEqual(byName['a.csv'].type, 'file');
        assert.strictEqual(byName['a.csv'].size, 8);
        assert.strictEqual(byName['a.csv'].path, '/list/a.csv');
        assert.match(byName['a.csv'].modified, ISO);
        assert.strictEqual(byName.sub.type, 'dir');
        assert.strictEqual(typeof byName['a.csv'].raw, 'string');
        assert.ok('permissions' in byName['a.csv']);
        assert.strictEqual(m.ftps.code, 226);
        const r = await call('n2', { filename: '/list' });
        assert.deepStrictEqual(r.payload.map((e) => e.path).sort(), ['/list/a.csv', '/list/sub/c.csv']);
        // a glob without '/' matches the name at every depth (client.list's rule)
        const any = await call('n4', { filename: '/list' });
        assert.deepStrictEqual(any.payload.map((e) => e.path).sort(), ['/list/a.csv', '/list/sub/c.csv']);
        // one directory: "sub/*.csv" lists sub
        const sub = await call('n5', { filename: '/list' });
        assert.deepStrictEqual(sub.payload.map((e) => e.path), ['/list/sub/c.csv']);
        // an empty path lists the session's current directory (the login directory, here the root)
        const home = await call('n3', { filename: '/list/sub' });
        assert.ok(home.payload.some((e) => e.name === 'list' && e.type === 'dir'), JSON.stringify(home.payload.map((e) => e.name)));
      });

      it('ftps-get: buffer, utf8, local file (no scratch file left), chunks', async () => {
        const data = Buffer.alloc(300 * 1024);
        for (let i = 0; i < data.length; i += 1) data[i] = (i * 7) % 251;
        fx.s.put('get/data.bin', data);
        fx.s.put('get/t.txt', 'grüße\n');
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-get-'));
        try {
          await load([
            { id: 'g1', type: 'ftps-get' },
            { id: 'g2', type: 'ftps-get', output: 'utf8' },
            { id: 'g3', type: 'ftps-get', output: 'file' },
            { id: 'g4', type: 'ftps-get', output: 'chunks', chunkSize: 100000 },
          ]);
          const b = await call('g1', { filename: '/get/data.bin' });
          assert.ok(Buffer.isBuffer(b.payload) && b.payload.equals(data));
          assert.strictEqual(b.ftps.bytes, data.length);
          assert.strictEqual(b.ftps.code, 226);
          assert.strictEqual(typeof b.ftps.message, 'string');
          assert.strictEqual(typeof b.ftps.ms, 'number');
          const u = await call('g2', { filename: '/get/t.txt' });
          assert.strictEqual(u.payload, 'grüße\n');
          const local = path.join(dir, 'copy.bin');
          const f = await call('g3', { filename: '/get/data.bin', localFilename: local });
          assert.strictEqual(f.payload, local);
          assert.ok(fs.readFileSync(local).equals(data));
          assert.deepStrictEqual(fs.readdirSync(dir), ['copy.bin'], 'no scratch file left');
          const got = collect(4);
          helper.getNode('g4').receive({ filename: '/get/data.bin' });
          const parts = await got;
          assert.deepStrictEqual(
            parts.map((p) => p.payload.length),
            [100000, 100000, 100000, data.length - 300000],
          );
          assert.strictEqual(parts[3].parts.count, 4);
          assert.deepStrictEqual(
            parts.map((p) => p.ftps.bytes),
            [100000, 200000, 300000, data.length],
            'every chunk carries msg.ftps with the bytes so far',
          );
          assert.deepStrictEqual(
            parts.map((p) => p.ftps.code),
            [150, 150, 150, 226],
            'in progress, then the final reply',
          );
          assert.strictEqual(parts[3].ftps.code, 226);
          assert.strictEqual(typeof parts[3].ftps.ms, 'number');
          assert.ok(Buffer.concat(parts.map((p) => p.payload)).equals(data));
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });

      it('ftps-put: overwrite, append, unique, mkdirs, resume, local file source', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-put-'));
        try {
          const src = path.join(dir, 'src.txt');
          fs.writeFileSync(src, '0123456789');
          await load([
            { id: 'p1', type: 'ftps-put' },
            { id: 'p2', type: 'ftps-put', mode: 'append' },
            { id: 'p3', type: 'ftps-put', mode: 'unique', path: '/put/u', pathType: 'str' },
            { id: 'p4', type: 'ftps-put', mkdirs: true },
            { id: 'p5', type: 'ftps-put', source: 'file', resume: true },
          ]);
          fx.s.put('put/.keep', '');
          const m = await call('p1', { filename: '/put/a.txt', payload: 'hello', keep: 2 });
          assert.strictEqual(m.filename, '/put/a.txt');
          assert.strictEqual(m.payload, 'hello');
          assert.strictEqual(m.keep, 2);
          assert.strictEqual(m.ftps.bytes, 5);
          assert.ok(m.ftps.code >= 200 && m.ftps.code < 300, `final reply ${m.ftps.code}`);
          assert.strictEqual(fs.readFileSync(file('put/a.txt'), 'utf8'), 'hello');
          await call('p2', { filename: '/put/a.txt', payload: Buffer.from(' world') });
          assert.strictEqual(fs.readFileSync(file('put/a.txt'), 'utf8'), 'hello world');
          const u = await call('p3', { payload: 'unique' });
          const uname = path.basename(u.filename);
          const ufile = [path.join(fx.s.root, 'put', uname), path.join(fx.s.root, uname)].find((p) => fs.existsSync(p));
          assert.ok(ufile, `unique file ${u.filename}`);
          assert.strictEqual(fs.readFileSync(ufile, 'utf8'), 'unique');
          await call('p4', { filename: '/put/deep/er/x.json', payload: '{"a":1}' });
          assert.strictEqual(fs.readFileSync(file('put/deep/er/x.json'), 'utf8'), '{"a":1}');
          fx.s.put('put/r.txt', '01234');
          const r = await call('p5', { filename: '/put/r.txt', localFilename: src });
          assert.strictEqual(r.ftps.bytes, 5, 'only the missing part was sent');
          assert.strictEqual(fs.readFileSync(file('put/r.txt'), 'utf8'), '0123456789');
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });

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

      it('msg.type "ascii" or "binary" overrides the node\'s transfer type, other values are ignored', async () => {
        await load(
          [
            { id: 'p1', type: 'ftps-put', transferType: 'binary' },
            { id: 'g1', type: 'ftps-get', output: 'utf8', transferType: 'binary' },
            { id: 'x1', type: 'ftps-xput', transferType: 'ascii' },
          ],
          { debug: 1 },
        );
        const text = 'line one\nline two\n\nlast\n';
        const crlf = text.replace(/\n/g, '\r\n');
        fx.s.put('ascii/.keep', '');
        helper.log().resetHistory();
        await call('p1', { filename: '/ascii/bin.txt', payload: text, type: 'text' });
        assert.doesNotMatch(logText(), /TYPE A/, 'msg.type other than binary/ascii is ignored');
        assert.strictEqual(fs.readFileSync(file('ascii/bin.txt'), 'utf8'), text, 'binary: stored byte for byte');
        const m = await call('p1', { filename: '/ascii/a.txt', payload: text, type: 'ascii' });
        assert.match(logText(), />>> TYPE A/);
        assert.strictEqual(m.type, 'ascii', 'the input msg is passed on');
        // all four servers store an ASCII upload with their own (Unix) line ends
        assert.strictEqual(fs.readFileSync(file('ascii/a.txt'), 'utf8'), text);
        await call('p1', { filename: '/ascii/dos-up.txt', payload: crlf, type: 'ascii' });
        assert.strictEqual(fs.readFileSync(file('ascii/dos-up.txt'), 'utf8'), text, 'CRLF sent in ASCII mode is stored as LF');
        await call('p1', { filename: '/ascii/dos-bin.txt', payload: crlf });
        assert.strictEqual(fs.readFileSync(file('ascii/dos-bin.txt'), 'utf8'), crlf, 'the same data in binary mode keeps CRLF');
        // a file with CRLF line ends: binary keeps them, ascii ends lines with LF
        fx.s.put('ascii/dos.txt', 'a\r\nb\r\n');
        assert.strictEqual((await call('g1', { filename: '/ascii/dos.txt' })).payload, 'a\r\nb\r\n');
        const back = await call('g1', { filename: '/ascii/a.txt', type: 'ascii' });
        assert.strictEqual(back.payload, text, 'put and get in ascii mode give the text back');
        // and the node's own setting is still binary for the next message
        assert.strictEqual((await call('g1', { filename: '/ascii/dos.txt' })).payload, 'a\r\nb\r\n');
        // msg.type "binary" overrides a node set to ascii
        helper.log().resetHistory();
        await call('x1', { filename: '/ascii/x.bin', payload: crlf, type: 'binary' });
        assert.doesNotMatch(logText(), /TYPE A/);
        assert.strictEqual(fs.readFileSync(file('ascii/x.bin'), 'utf8'), crlf);
      });

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

      it('ftps-quot: replies are output, 5xx included; data commands are refused', async () => {
        await load([{ id: 'q1', type: 'ftps-quot' }]);
        const ok = await call('q1', { payload: 'NOOP' });
        assert.strictEqual(ok.ftps.code, 200);
        const bad = await call('q1', { payload: 'XYZZY' });
        assert.ok(bad.ftps.code >= 500, `reply ${bad.ftps.code}`);
        assert.strictEqual(bad.payload, bad.ftps.message);
        await assert.rejects(call('q1', { payload: 'LIST /' }), /data connection/);
      });

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

      it('errors reach the Catch node: missing file (550), CR/LF in a path (nothing sent), nothing on the output', async () => {
        await load([{ id: 'g1', type: 'ftps-get' }, { id: 'p1', type: 'ftps-put' }], { debug: 1 });
        let outputs = 0;
        helper.getNode('out').on('input', () => {
          outputs += 1;
        });
        const e = await caughtError(call('g1', { filename: '/nope.txt', keep: 3 }));
        assert.strictEqual(e.code, 550);
        assert.match(e.message, /nope\.txt/);
        assert.strictEqual(e.msg.keep, 3, 'the Catch node gets the input message');
        assert.strictEqual(e.msg.error.source.id, 'g1');
        helper.log().resetHistory();
        const bad = await caughtError(call('p1', { filename: '/evil\r\nDELE x.txt', payload: 'x' }));
        assert.strictEqual(bad.code, undefined, 'no reply code: nothing was sent');
        assert.match(bad.message, /CR|LF|line/i);
        assert.doesNotMatch(logText(), /evil|STOR|DELE/, 'not a byte of it went to the server');
        assert.strictEqual(outputs, 0);
      });

      it('a wrong password reaches the Catch node (530) and appears nowhere in the msg', async () => {
        const wrong = 'Wr0ng-Secret-xyz';
        await load([{ id: 'q1', type: 'ftps-quot' }], {}, { s1: { user: fx.s.user, password: wrong } });
        const e = await caughtError(call('q1', { payload: 'NOOP' }));
        assert.strictEqual(e.code, 530);
        assert.ok(!JSON.stringify(e.msg).includes(wrong));
      });

      it('a certificate the tls-config node does not trust is refused (Catch)', async () => {
        await load([{ id: 'q1', type: 'ftps-quot' }], {}, fx.creds, { ca: '' });
        await assert.rejects(call('q1', { payload: 'NOOP' }), /certificate|TLS/i);
      });
    });
  }
}
