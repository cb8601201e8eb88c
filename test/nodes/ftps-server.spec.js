'use strict';
// ftps-server: every node loads with it, the credentials stay in the runtime,
// and the connection modes against the real servers: a round trip in implicit
// and clear mode, AUTH TLS refused, an untrusted certificate, a wrong password.
// Its other behaviour: ftps-server.<topic>.spec.js (pool, retry, proxy, ...).
const assert = require('node:assert');
const fs = require('node:fs');
const { helper } = require('./support/red');
const { call, caughtError } = require('./support/flow');
const { ACTION_TYPES, allNodes, SECRET, closedPort, serverConfig, nextMessage, describeOffline } = require('./support/offline');
const { eachServer } = require('./support/servers');

describeOffline('ftps-server', () => {
  it('every node loads', async () => {
    const port = await closedPort();
    const flow = [{ id: 'f1', type: 'tab', label: 'ftps' }, serverConfig(port)];
    ACTION_TYPES.forEach((t, i) => flow.push({ id: `n${i}`, z: 'f1', type: t, name: t, server: 's1', wires: [[]] }));
    await helper.load(allNodes, flow, { s1: { user: 'u', password: SECRET } });
    assert.strictEqual(helper.getNode('s1').type, 'ftps-server');
    ACTION_TYPES.forEach((t, i) => {
      const n = helper.getNode(`n${i}`);
      assert.ok(n, `${t} created`);
      assert.strictEqual(n.type, t);
    });
  });

  it("keeps the credentials out of the flow, the node's properties, msg.error and the log", async () => {
    const port = await closedPort();
    const flow = [
      { id: 'f1', type: 'tab', label: 'ftps' },
      serverConfig(port, { debug: 2 }),
      { id: 'g1', z: 'f1', type: 'ftps-get', server: 's1', wires: [['out']] },
      { id: 'c1', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'caught', z: 'f1', type: 'helper' },
    ];
    await helper.load(allNodes, flow, { s1: { user: 'someone', password: SECRET } });
    const exported = JSON.stringify(helper._redNodes.getFlows());
    assert.ok(!exported.includes(SECRET), 'the flow export holds no password');
    const s1 = helper.getNode('s1');
    assert.strictEqual(s1.credentials.password, SECRET, 'the runtime has it');
    for (const [k, v] of Object.entries(s1)) {
      if (k === 'credentials') continue;
      let text = '';
      try {
        text = typeof v === 'string' ? v : JSON.stringify(v) || '';
      } catch {
        /* circular: not a plain value */
      }
      assert.ok(!text.includes(SECRET), `property ${k} holds no password`);
    }
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('g1').receive({ filename: '/x.txt', payload: 'p' });
    const m = await caught;
    assert.match(m.error.message, /ECONNREFUSED|connect/i);
    assert.ok(!JSON.stringify(m).includes(SECRET));
    const logged = JSON.stringify(helper.log().args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x)))));
    assert.ok(!logged.includes(SECRET), 'the log holds no password');
  });
});

eachServer('ftps-server', (fx, { mode }) => {
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

  if (mode !== 'clear') {
    it('a certificate the tls-config node does not trust is refused (Catch)', async () => {
      await load([{ id: 'q1', type: 'ftps-quot' }], {}, fx.creds, { ca: '' });
      await assert.rejects(call('q1', { payload: 'NOOP' }), /certificate|TLS/i);
    });
  }

  if (mode === 'explicit') {
    it('a wrong password reaches the Catch node (530) and appears nowhere in the msg', async () => {
      const wrong = 'Wr0ng-Secret-xyz';
      await load([{ id: 'q1', type: 'ftps-quot' }], {}, { s1: { user: fx.s.user, password: wrong } });
      const e = await caughtError(call('q1', { payload: 'NOOP' }));
      assert.strictEqual(e.code, 530);
      assert.ok(!JSON.stringify(e.msg).includes(wrong));
    });
  }
}, { modes: ['explicit', 'implicit', 'clear'] });
