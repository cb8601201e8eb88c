'use strict';
// Bad input against a real server (ProFTPD, explicit FTPS): very long paths,
// names that are not UTF-8, empty names, ".." segments, and the password
// kept out of every log line, output, error and the flow export while a
// session works and fails.
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { helper } = require('./support/red');
const { NODES, flowFor, call: baseCall } = require('./support/flow');
const h = require('../harness');

const call = (id, msg) => baseCall(id, msg, 20000);

describe('bad input against ProFTPD (nodes)', function () {
  this.timeout(60000);
  let s;
  let caFile;

  before(async function () {
    h.requireServer(this, 'proftpd', 'explicit');
    s = await h.startServer('proftpd', { mode: 'explicit' });
    caFile = (await h.certs()).files.caCert;
  });
  after(async () => {
    if (s) await s.stop();
  });
  afterEach(() => helper.unload());

  const load = (serverExtra = {}) => helper.load(NODES, flowFor(s, caFile, [
    { id: 'l1', type: 'ftps-list' },
    { id: 'g1', type: 'ftps-get', output: 'utf8' },
    { id: 'p1', type: 'ftps-put' },
    { id: 'q1', type: 'ftps-quot' },
    { id: 'o1', type: 'ftps-ops', operation: 'delete' },
  ], serverExtra), { s1: { user: s.user, password: s.password } });

  it('a 4,096-character path fails with the server\'s code (or a lost session, 421), and the next message works', async () => {
    // ProFTPD does not answer a command longer than its buffer: the reply timeout (3 s) ends that session
    // (not less: the same timeout covers the logins and TLS handshakes, which a loaded CI machine can pause)
    await load({ timeout: 3 });
    const long = `/${'d'.repeat(199)}`.repeat(21).slice(0, 4096);
    assert.strictEqual(long.length, 4096);
    const e = await call('g1', { filename: long }).then(() => null, (x) => x);
    assert.ok(e, 'the get failed');
    assert.strictEqual(typeof e.code, 'number', e.message);
    assert.ok(e.code >= 400, `${e.code} ${e.message}`);
    assert.strictEqual((await call('q1', { payload: 'NOOP' })).ftps.code, 200);
  });

  it('a name that is not UTF-8 in a listing is kept apart, with the other names intact', async () => {
    const dir = path.join(s.root, 'latin1');
    fs.mkdirSync(dir);
    const odd = Buffer.concat([Buffer.from(dir + '/'), Buffer.from([0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74])]);
    fs.writeFileSync(odd, 'x');
    fs.writeFileSync(path.join(dir, 'plain.txt'), 'y');
    // (s.own() walks names as strings, which this one is not)
    for (const p of [dir, odd, path.join(dir, 'plain.txt')]) fs.chownSync(p, s._owner.uid, s._owner.gid);
    await load();
    const m = await call('l1', { filename: '/latin1' });
    const names = m.payload.map((e) => e.name).sort();
    assert.strictEqual(names.length, 2, JSON.stringify(names));
    assert.ok(names.includes('plain.txt'));
    const oddName = names.find((n) => n !== 'plain.txt');
    assert.strictEqual(typeof oddName, 'string');
    assert.match(oddName, /^f.+\.txt$/);
  });

  it('empty names are refused before sending (get, delete)', async () => {
    await load();
    await assert.rejects(call('g1', { filename: '' }), /no remote path/);
    await assert.rejects(call('o1', { filename: '' }), /path/);
    assert.strictEqual(helper.getNode('s1').pool, null, 'nothing was sent');
  });

  it('".." segments stay inside the server\'s root: nothing outside it is read or written', async () => {
    await load();
    const outside = path.dirname(s.root);
    const e = await call('g1', { filename: '/../../../../etc/hostname' }).then(() => null, (x) => x);
    assert.ok(e === null || e.code === 550, e && e.message);
    if (e === null) assert.ok(true, 'the chroot resolved it inside the root');
    await call('p1', { filename: '../../../escape.txt', payload: 'in the root' }).catch(() => undefined);
    for (const d of [outside, path.dirname(outside), '/']) assert.ok(!fs.existsSync(path.join(d, 'escape.txt')), `nothing appeared in ${d}`);
    if (fs.existsSync(path.join(s.root, 'escape.txt'))) assert.strictEqual(fs.readFileSync(path.join(s.root, 'escape.txt'), 'utf8'), 'in the root');
  });

  it('the password appears in no log line (debug 2), output, error or the flow export while sessions work and fail', async () => {
    await load({ debug: 2 });
    s.put('pw/a.txt', 'a');
    await call('p1', { filename: '/pw/b.txt', payload: 'b' });
    const outs = [await call('g1', { filename: '/pw/a.txt' }), await call('l1', { filename: '/pw' }), await call('q1', { payload: 'NOOP' })];
    const errs = [];
    for (const [id, msg] of [['g1', { filename: '/pw/missing' }], ['o1', { filename: '/pw/missing' }], ['q1', { payload: 'SITE CHMOD 600 /pw/a.txt\r\nDELE /pw/a.txt' }]]) {
      errs.push(await call(id, msg).then(() => null, (x) => x));
    }
    assert.ok(errs.every(Boolean), 'all three failed');
    const logged = helper.log().args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x))).join(' ')).join('\n');
    assert.match(logged, /PASS \*\*\*\*/, 'the debug log has the masked PASS');
    const everything = [logged, JSON.stringify(outs), JSON.stringify(errs.map((e) => ({ message: e.message, code: e.code, msg: e.msg }))), JSON.stringify(helper._redNodes.getFlows())].join('\n');
    assert.ok(!everything.includes(s.password), 'the password appears nowhere');
  });
});
