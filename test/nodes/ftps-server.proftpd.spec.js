'use strict';
// The nodes in flows against a real ProFTPD (explicit FTPS, CA from a tls-config node):
// what needs one server only (bursts, the debug log, a redeploy mid-transfer).
// Every node's happy path and errors on all four servers: ftps-<type>.spec.js.
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { helper } = require('./support/red');
const { useServer, call, collect, caughtError } = require('./support/flow');

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

describe('nodes against ProFTPD (explicit FTPS, tls-config CA)', function () {
  this.timeout(60000);
  const fx = useServer('proftpd', 'explicit');
  const { load, file } = fx;

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
    await load([{ id: 'q1', type: 'ftps-quot' }], { debug: 2 }, { s1: { user: fx.s.user, password: wrong } });
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

  it('the server node\'s FEAT switches: Disable MLST lists with LIST, FEAT off sends no FEAT, Enable MLST brings MLSD back', async () => {
    fx.s.put('feat/a.csv', 'a\n');
    const logged = () => helper.log().args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x))).join(' ')).join('\n');
    const listOnce = async (serverExtra) => {
      await load([{ id: 'l1', type: 'ftps-list' }], { debug: 1, ...serverExtra });
      const m = await call('l1', { filename: '/feat' });
      const log = logged();
      await helper.unload();
      assert.deepStrictEqual(m.payload.map((e) => e.name), ['a.csv']);
      return { raw: m.payload[0].raw, log };
    };
    // as FEAT says: ProFTPD announces MLST, so auto lists with MLSD
    let r = await listOnce({});
    assert.match(r.log, />>> FEAT/);
    assert.match(r.log, />>> MLSD \/feat/);
    assert.match(r.raw, /type=file;/i);
    // Kermit's DISABLE MLST: LIST, and the entry is a Unix listing line
    r = await listOnce({ disableFeatures: 'MLST' });
    assert.match(r.log, />>> FEAT/);
    assert.match(r.log, />>> LIST \/feat/);
    assert.doesNotMatch(r.log, />>> MLSD/);
    assert.match(r.raw, /^-rw/);
    // FEAT off: not sent, and without it MLST is not guessed (LIST)
    r = await listOnce({ feat: false });
    assert.doesNotMatch(r.log, />>> FEAT/);
    assert.match(r.log, />>> LIST \/feat/);
    // FEAT off but MLST enabled by hand: MLSD again
    r = await listOnce({ feat: false, enableFeatures: 'mlsd' });
    assert.doesNotMatch(r.log, />>> FEAT/);
    assert.match(r.log, />>> MLSD \/feat/);
  });

  it('ftps-put resume with SIZE disabled on the server node fails naming SIZE and leaves the remote file alone; ops size still asks', async () => {
    fx.s.put('resume/part.txt', '0123');
    await load([{ id: 'p1', type: 'ftps-put', resume: true }, { id: 'o1', type: 'ftps-ops', operation: 'size' }], { disableFeatures: 'SIZE', debug: 1 });
    const e = await caughtError(call('p1', { filename: '/resume/part.txt', payload: '0123456789' }));
    assert.match(e.message, /cannot resume \/resume\/part\.txt \(offset -1\).*SIZE is disabled for this session/);
    assert.strictEqual(fs.readFileSync(file('resume/part.txt'), 'utf8'), '0123');
    const logged = helper.log().args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x))).join(' ')).join('\n');
    assert.doesNotMatch(logged, />>> (SIZE|REST|STOR)/);
    assert.strictEqual((await call('o1', { filename: '/resume/part.txt' })).payload, 4, 'an explicit size is always sent');
  });

  it('a server node with an unknown feature name fails with an error naming the field (Catch)', async () => {
    await load([{ id: 'q1', type: 'ftps-quot' }], { disableFeatures: 'MLST, REST' });
    await assert.rejects(call('q1', { payload: 'NOOP' }), /disableFeatures: unknown feature "REST"/);
  });

  it('a redeploy during a transfer leaves no session open and no scratch file behind', async () => {
    await load([{ id: 'x1', type: 'ftps-xput', mkdirs: true }]);
    const big = Buffer.alloc(256 * 1024 * 1024, 1);
    const dir = file('redeploy');
    helper.getNode('x1').receive({ filename: '/redeploy/big.bin', payload: big });
    const t0 = Date.now();
    for (;;) {
      if (fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n.startsWith('_tmp.'))) break;
      if (Date.now() - t0 > 30000) throw new Error('the upload did not start within 30 s');
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
        children = execFileSync('pgrep', ['-P', String(fx.s.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
      } catch {
        children = [];
      }
      if (children.length === 0 || Date.now() - t1 > 20000) break;
      await delay(50);
    }
    assert.deepStrictEqual(children, [], 'no ProFTPD session process left');
    assert.deepStrictEqual(fs.readdirSync(dir).filter((n) => n.startsWith('_tmp.')), [], 'no scratch file left');
    assert.ok(!fs.existsSync(path.join(dir, 'big.bin')), 'nothing under the final name');
  });
});
