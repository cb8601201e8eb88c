'use strict';
// ftps-quot: input checks, a node without a server, the msg contract against
// a scripted client (a burst through parallel sessions, 5xx as output), and
// raw commands on the real servers.
const assert = require('node:assert');
const { helper } = require('./support/red');
const { call } = require('./support/flow');
const { allNodes, nextMessage, collectFrom, itRefusesCrLf, describeOffline } = require('./support/offline');
const { useScriptedServer } = require('./support/scripted-server');
const { eachServer } = require('./support/servers');

describeOffline('ftps-quot', () => {
  itRefusesCrLf('ftps-quot', {}, { payload: 'NOOP\r\nDELE b.txt' });

  it('a node without a server reports it through done(err)', async () => {
    const flow = [
      { id: 'f1', type: 'tab', label: 'ftps' },
      { id: 'n1', z: 'f1', type: 'ftps-quot', server: '', wires: [[]] },
      { id: 'c1', z: 'f1', type: 'catch', scope: null, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ];
    await helper.load(allNodes, flow);
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('n1').receive({ payload: 'NOOP' });
    const m = await caught;
    assert.match(m.error.message, /ftps-server/);
  });
});

describe('ftps-quot against a scripted client', function () {
  this.timeout(20000);
  const sc = useScriptedServer();

  it('a burst of 100 messages through 4 parallel sessions comes out complete and in order', async () => {
    await sc.load({ type: 'ftps-quot' }, 4);
    const got = collectFrom(helper.getNode('out'), 100);
    for (let i = 0; i < 100; i += 1) helper.getNode('n1').receive({ payload: `NOOP ${i}`, seq: i });
    const msgs = await got;
    assert.deepStrictEqual(msgs.map((m) => m.seq), [...Array(100).keys()]);
    assert.strictEqual(msgs[7].payload, 'ok NOOP 7');
    assert.deepStrictEqual(msgs[7].ftps, { code: 200, message: 'ok NOOP 7' });
  });

  it('ftps-quot passes a 5xx reply on as output, not as an error', async () => {
    await sc.load({ type: 'ftps-quot' });
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('n1').receive({ payload: 'BAD COMMAND' });
    const m = await out;
    assert.strictEqual(m.ftps.code, 500);
  });
});

eachServer('ftps-quot', (fx) => {
  const { load } = fx;

  it('ftps-quot: replies are output, 5xx included; data commands are refused', async () => {
    await load([{ id: 'q1', type: 'ftps-quot' }]);
    const ok = await call('q1', { payload: 'NOOP' });
    assert.strictEqual(ok.ftps.code, 200);
    const bad = await call('q1', { payload: 'XYZZY' });
    assert.ok(bad.ftps.code >= 500, `reply ${bad.ftps.code}`);
    assert.strictEqual(bad.payload, bad.ftps.message);
    await assert.rejects(call('q1', { payload: 'LIST /' }), /data connection/);
  });
});
