'use strict';
// The nodes in flows against a real ProFTPD (explicit FTPS, CA from a tls-config node).
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { helper, core } = require('./support/red');
const h = require('../harness');


const ROOT = path.join(__dirname, '..', '..');
const TYPES = ['ftps-server', 'ftps-list', 'ftps-get', 'ftps-put', 'ftps-xput', 'ftps-mdtm', 'ftps-site', 'ftps-quot', 'ftps-ops'];
const NODES = [...TYPES.map((t) => require(path.join(ROOT, 'nodes', `${t}.js`))), core('network/05-tls.js')];
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

let caFile = '';

function flowFor(s, nodes, serverExtra = {}, tlsExtra = {}) {
  return [
    { id: 'f1', type: 'tab', label: 'ftps' },
    { id: 'tls1', type: 'tls-config', name: '', cert: '', key: '', ca: caFile, certname: '', keyname: '', caname: '', servername: '', verifyservercert: true, alpnprotocol: '', ...tlsExtra },
    { id: 's1', type: 'ftps-server', host: s.host, port: String(s.port), encryption: 'explicit', tls: 'tls1', timeout: 10, maxConnections: 1, idleTimeout: 60, ...serverExtra },
    ...nodes.map((n) => ({ z: 'f1', server: 's1', wires: [['out']], ...n })),
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'c1', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];
}

/** Send msg into node `id`; resolves with the first output, rejects with the Catch node's msg.error. */
function call(id, msg, ms = 15000) {
  return new Promise((resolve, reject) => {
    const out = helper.getNode('out');
    const caught = helper.getNode('caught');
    const t = setTimeout(() => finish(reject, new Error(`no answer from ${id} within ${ms} ms`)), ms);
    const onOut = (m) => finish(resolve, m);
    const onCaught = (m) => finish(reject, Object.assign(new Error(m.error.message), { code: m.error.code, msg: m }));
    function finish(fn, v) {
      clearTimeout(t);
      out.removeListener('input', onOut);
      caught.removeListener('input', onCaught);
      fn(v);
    }
    out.on('input', onOut);
    caught.on('input', onCaught);
    helper.getNode(id).receive(msg);
  });
}

function collect(n, ms = 60000) {
  return new Promise((resolve, reject) => {
    const got = [];
    const t = setTimeout(() => reject(new Error(`got ${got.length} of ${n}`)), ms);
    helper.getNode('caught').on('input', (m) => {
      clearTimeout(t);
      reject(new Error(`caught: ${m.error.message}`));
    });
    helper.getNode('out').on('input', (m) => {
      got.push(m);
      if (got.length === n) {
        clearTimeout(t);
        resolve(got);
      }
    });
  });
}

describe('nodes against ProFTPD (explicit FTPS, tls-config CA)', function () {
  this.timeout(60000);
  let s;
  let creds;

  before(async function () {
    h.requireServer(this, 'proftpd', 'explicit');
    s = await h.startServer('proftpd', { mode: 'explicit' });
    caFile = (await h.certs()).files.caCert; // s.ca is the PEM text; a tls-config node takes a file path
    creds = { s1: { user: s.user, password: s.password } };
  });
  after(async () => {
    if (s) await s.stop();
  });
  afterEach(async () => {
    await helper.unload();
  });

  const load = (nodes, serverExtra, c = creds, tlsExtra) => helper.load(NODES, flowFor(s, nodes, serverExtra, tlsExtra), c);
  const file = (rel) => path.join(s.root, rel);

  it('ftps-list: entries, pattern, recursive', async () => {
    s.put('list/a.csv', 'a,b\n1,2\n');
    s.put('list/b.txt', 'hello');
    s.put('list/sub/c.csv', 'x\n');
    await load([{ id: 'n1', type: 'ftps-list' }, { id: 'n2', type: 'ftps-list', pattern: '**/*.csv', recursive: true }]);
    const m = await call('n1', { filename: '/list', keep: 1 });
    assert.strictEqual(m.keep, 1);
    const byName = Object.fromEntries(m.payload.map((e) => [e.name, e]));
    assert.deepStrictEqual(Object.keys(byName).sort(), ['a.csv', 'b.txt', 'sub']);
    assert.strictEqual(byName['a.csv'].type, 'file');
    assert.strictEqual(byName['a.csv'].size, 8);
    assert.strictEqual(byName['a.csv'].path, '/list/a.csv');
    assert.match(byName['a.csv'].modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.strictEqual(byName.sub.type, 'dir');
    assert.strictEqual(m.ftps.code, 226);
    const r = await call('n2', { filename: '/list' });
    assert.deepStrictEqual(r.payload.map((e) => e.path).sort(), ['/list/a.csv', '/list/sub/c.csv']);
  });

  it('ftps-get: buffer, utf8, local file (no scratch file left), chunks', async () => {
    const data = Buffer.alloc(300 * 1024);
    for (let i = 0; i < data.length; i += 1) data[i] = (i * 7) % 251;
    s.put('get/data.bin', data);
    s.put('get/t.txt', 'grüße\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-get-'));
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
    assert.deepStrictEqual(parts.map((p) => p.payload.length), [100000, 100000, 100000, data.length - 300000]);
    assert.strictEqual(parts[3].parts.count, 4);
    assert.ok(Buffer.concat(parts.map((p) => p.payload)).equals(data));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ftps-get: a missing file reaches the Catch node with code 550', async () => {
    await load([{ id: 'g1', type: 'ftps-get' }]);
    await assert.rejects(call('g1', { filename: '/nope.txt' }), (e) => e.code === 550 && /nope\.txt/.test(e.message));
  });

  it('ftps-put: overwrite, append, unique, mkdirs, resume, local file source', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-put-'));
    const src = path.join(dir, 'src.txt');
    fs.writeFileSync(src, '0123456789');
    await load([
      { id: 'p1', type: 'ftps-put' },
      { id: 'p2', type: 'ftps-put', mode: 'append' },
      { id: 'p3', type: 'ftps-put', mode: 'unique', path: '/put/u', pathType: 'str' },
      { id: 'p4', type: 'ftps-put', mkdirs: true },
      { id: 'p5', type: 'ftps-put', source: 'file', resume: true },
    ]);
    s.put('put/.keep', '');
    const m = await call('p1', { filename: '/put/a.txt', payload: 'hello', keep: 2 });
    assert.strictEqual(m.filename, '/put/a.txt');
    assert.strictEqual(m.payload, 'hello');
    assert.strictEqual(m.keep, 2);
    assert.strictEqual(m.ftps.bytes, 5);
    assert.strictEqual(fs.readFileSync(file('put/a.txt'), 'utf8'), 'hello');
    await call('p2', { filename: '/put/a.txt', payload: Buffer.from(' world') });
    assert.strictEqual(fs.readFileSync(file('put/a.txt'), 'utf8'), 'hello world');
    const u = await call('p3', { payload: 'unique' });
    assert.notStrictEqual(u.filename, '/put/u');
    const uname = path.basename(u.filename);
    assert.ok(fs.existsSync(path.join(s.root, 'put', uname)) || fs.existsSync(path.join(s.root, uname)), `unique file ${u.filename}`);
    await call('p4', { filename: '/put/deep/er/x.json', payload: '{"a":1}' });
    assert.strictEqual(fs.readFileSync(file('put/deep/er/x.json'), 'utf8'), '{"a":1}');
    s.put('put/r.txt', '01234');
    const r = await call('p5', { filename: '/put/r.txt', localFilename: src });
    assert.strictEqual(r.ftps.bytes, 5, 'only the missing part was sent');
    assert.strictEqual(fs.readFileSync(file('put/r.txt'), 'utf8'), '0123456789');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ftps-xput: the file appears whole, no scratch file is left', async () => {
    await load([{ id: 'x1', type: 'ftps-xput', mkdirs: true }]);
    const data = Buffer.alloc(200 * 1024, 3);
    const m = await call('x1', { filename: '/xput/out/data.bin', payload: data });
    assert.strictEqual(m.filename, '/xput/out/data.bin');
    assert.strictEqual(m.ftps.bytes, data.length);
    assert.ok(fs.readFileSync(file('xput/out/data.bin')).equals(data));
    assert.deepStrictEqual(fs.readdirSync(file('xput/out')), ['data.bin']);
  });

  it('ftps-mdtm: get and set', async () => {
    s.put('mdtm/t.txt', 'x');
    await load([{ id: 'm1', type: 'ftps-mdtm' }, { id: 'm2', type: 'ftps-mdtm', action: 'set' }]);
    const set = await call('m2', { filename: '/mdtm/t.txt', payload: '2021-03-04T05:06:07Z' });
    assert.strictEqual(set.payload, '2021-03-04T05:06:07.000Z');
    assert.strictEqual(fs.statSync(file('mdtm/t.txt')).mtime.toISOString(), '2021-03-04T05:06:07.000Z');
    const get = await call('m1', { filename: '/mdtm/t.txt' });
    assert.strictEqual(get.payload, '2021-03-04T05:06:07.000Z');
    assert.strictEqual(get.ftps.code, 213);
  });

  it('ftps-site: CHMOD', async () => {
    s.put('site/t.txt', 'x');
    await load([{ id: 's2', type: 'ftps-site' }]);
    const m = await call('s2', { payload: 'CHMOD 600 /site/t.txt' });
    assert.strictEqual(m.ftps.code, 200);
    assert.strictEqual(fs.statSync(file('site/t.txt')).mode & 0o777, 0o600);
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
    s.put('ops/a/f.txt', '12345');
    s.own();
    assert.strictEqual((await call('o2', { filename: '/ops/a/f.txt' })).payload, true);
    assert.strictEqual((await call('o2', { filename: '/ops/a/b' })).payload, true);
    assert.strictEqual((await call('o2', { filename: '/ops/nothing' })).payload, false);
    assert.strictEqual((await call('o3', { filename: '/ops/a/f.txt' })).payload, 5);
    const r = await call('o4', { filename: '/ops/a/f.txt', newFilename: '/ops/a/b/g.txt' });
    assert.strictEqual(r.newFilename, '/ops/a/b/g.txt');
    assert.ok(fs.existsSync(file('ops/a/b/g.txt')));
    s.put('ops/a/h.txt', 'h');
    s.own();
    await call('o5', { filename: '/ops/a/h.txt' });
    assert.ok(!fs.existsSync(file('ops/a/h.txt')));
    await assert.rejects(call('o5', { filename: '/ops/a/h.txt' }), (e) => e.code === 550);
    const rm = await call('o6', { filename: '/ops/a' });
    assert.ok(rm.ftps.removed >= 4);
    assert.ok(!fs.existsSync(file('ops/a')));
  });

  for (const sessions of [1, 3]) {
    it(`a burst of 100 messages with ${sessions} session(s): all complete, in order, no busy error`, async () => {
      await load([{ id: 'p1', type: 'ftps-put', mkdirs: true }], { maxConnections: sessions });
      const got = collect(100);
      for (let i = 0; i < 100; i += 1) helper.getNode('p1').receive({ filename: `/burst${sessions}/f${i}.txt`, payload: `file ${i}`, seq: i });
      const msgs = await got;
      assert.deepStrictEqual(msgs.map((m) => m.seq), [...Array(100).keys()]);
      for (let i = 0; i < 100; i += 1) assert.strictEqual(fs.readFileSync(file(`burst${sessions}/f${i}.txt`), 'utf8'), `file ${i}`);
    });
  }

  it('a wrong password reaches the Catch node (530), and the password appears nowhere', async () => {
    const wrong = 'Wr0ng-Secret-xyz';
    await load([{ id: 'q1', type: 'ftps-quot' }], { debug: 2 }, { s1: { user: s.user, password: wrong } });
    const e = await call('q1', { payload: 'NOOP' }).then(
      () => null,
      (x) => x,
    );
    assert.ok(e, 'an error');
    assert.strictEqual(e.code, 530);
    assert.ok(!JSON.stringify(e.msg).includes(wrong));
    const logged = helper.log().args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x))).join(' ')).join('\n');
    assert.match(logged, /PASS \*\*\*\*/, 'debug 2 logs the masked PASS');
    assert.ok(!logged.includes(wrong), 'the password is never logged');
    assert.ok(!JSON.stringify(helper._redNodes.getFlows()).includes(wrong));
  });

  it('a certificate the tls-config node does not trust is refused (Catch)', async () => {
    await load([{ id: 'q1', type: 'ftps-quot' }], {}, creds, { ca: '' });
    await assert.rejects(call('q1', { payload: 'NOOP' }), /certificate|TLS/i);
  });

  it('a redeploy during a transfer leaves no session open and no scratch file behind', async () => {
    await load([{ id: 'x1', type: 'ftps-xput', mkdirs: true }]);
    const big = Buffer.alloc(256 * 1024 * 1024, 1);
    const dir = file('redeploy');
    helper.getNode('x1').receive({ filename: '/redeploy/big.bin', payload: big });
    const t0 = Date.now();
    for (;;) {
      if (fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n.startsWith('_tmp.'))) break;
      if (Date.now() - t0 > 10000) throw new Error('the upload did not start');
      await delay(2);
    }
    const pool = helper.getNode('s1').pool;
    await helper.unload();
    assert.strictEqual(pool.status().state, 'closed');
    assert.strictEqual(pool.status().sessions, 0);
    // the server's session processes end once the connection is gone
    const t1 = Date.now();
    let children = [];
    for (;;) {
      try {
        children = execFileSync('pgrep', ['-P', String(s.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
      } catch {
        children = [];
      }
      if (children.length === 0 || Date.now() - t1 > 5000) break;
      await delay(50);
    }
    assert.deepStrictEqual(children, [], 'no ProFTPD session process left');
    assert.deepStrictEqual(fs.readdirSync(dir).filter((n) => n.startsWith('_tmp.')), [], 'no scratch file left');
    assert.ok(!fs.existsSync(path.join(dir, 'big.bin')), 'nothing under the final name');
  });
});
