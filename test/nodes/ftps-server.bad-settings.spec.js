'use strict';
// An ftps-server whose flow holds a value it does not know for one of its
// enumerated options (a hand-edited or newer flow): every message of every
// node using it fails with an error naming the option and the value, and
// nothing reaches the network (a plain TCP listener counts connections;
// no FTP server is needed to prove that none was made).
const assert = require('node:assert');
const net = require('node:net');
const { helper } = require('./support/red');
const { NODES } = require('./support/flow');
const { serverSettings } = require('../../nodes/nodes/server-config');

const BAD = [
  ['encryption', 'implicitt'],
  ['dataProt', 'secret'],
  ['epsv', 'sometimes'],
  ['encoding', 'ebcdic'],
  ['dataMode', 'sideways'],
];

function flow(port, option, value, extra = {}) {
  return [
    { id: 'f1', type: 'tab', label: 'bad settings' },
    { id: 's1', type: 'ftps-server', host: '127.0.0.1', port: String(port), encryption: 'explicit', tls: '', rejectUnauthorized: false, timeout: 5, [option]: value, ...extra },
    { id: 'list', z: 'f1', type: 'ftps-list', server: 's1', wires: [['out']] },
    { id: 'put', z: 'f1', type: 'ftps-put', server: 's1', path: '/x.txt', pathType: 'str', wires: [['out']] },
    { id: 'get', z: 'f1', type: 'ftps-get', server: 's1', path: '/x.txt', pathType: 'str', wires: [['out']] },
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'c1', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];
}

/** Send one msg to each node; resolves with what the Catch node got and what came out, once every node answered. */
function sendToAll(ids) {
  return new Promise((resolve) => {
    const caught = [];
    const out = [];
    const check = () => {
      if (caught.length + out.length === ids.length) resolve({ caught, out });
    };
    helper.getNode('caught').on('input', (m) => {
      caught.push(m);
      check();
    });
    helper.getNode('out').on('input', (m) => {
      out.push(m);
      check();
    });
    for (const id of ids) helper.getNode(id).receive({ payload: 'data', topic: id });
  });
}

describe('ftps-server: an unknown value of an enumerated option', () => {
  let listener;
  let port;
  let connections = 0;

  before(async () => {
    listener = net.createServer((sock) => {
      connections += 1;
      sock.destroy();
    });
    await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = listener.address().port;
  });
  after(async () => {
    await new Promise((resolve) => listener.close(resolve));
  });
  afterEach(async () => {
    await helper.unload();
  });

  for (const [option, value] of BAD) {
    it(`${option}: "${value}" fails every msg of every node with an error naming it; no connection is made`, async () => {
      connections = 0;
      await helper.load(NODES, flow(port, option, value));
      // twice: the second message must fail the same way, not find a pool built on the default
      for (let round = 0; round < 2; round += 1) {
        const { caught, out } = await sendToAll(['list', 'put', 'get']);
        assert.strictEqual(out.length, 0, 'nothing is output');
        assert.deepStrictEqual(caught.map((m) => m.topic).sort(), ['get', 'list', 'put']);
        for (const m of caught) {
          assert.ok(m.error.message.includes(option), `names ${option}: ${m.error.message}`);
          assert.ok(m.error.message.includes(`"${value}"`), `names the value: ${m.error.message}`);
          assert.match(m.error.message, /nothing was sent/);
        }
      }
      assert.strictEqual(connections, 0, 'no connection to the server');
    });
  }

  it('a known value is taken as is (the same flow with "implicit" connects)', async () => {
    connections = 0;
    await helper.load(NODES, flow(port, 'encryption', 'implicit', { retries: 0 }));
    const { caught } = await sendToAll(['list']);
    assert.strictEqual(caught.length, 1, 'the listener is no FTP server');
    assert.doesNotMatch(caught[0].error.message, /unknown value/);
    assert.ok(connections >= 1, 'it tried the server');
  });

  it('serverSettings names each unknown value in `problem` and keeps no state between calls', () => {
    const def = { id: 's', type: 'ftps-server', host: 'h', encryption: 'rot13', epsv: 'maybe' };
    const a = serverSettings(def, undefined);
    const b = serverSettings(def, undefined);
    assert.strictEqual(a.problem, b.problem, 'the same text on every call, not a growing list');
    assert.match(a.problem, /encryption: unknown value "rot13" \(one of explicit, implicit, clear\)/);
    assert.match(a.problem, /epsv: unknown value "maybe"/);
    assert.strictEqual(serverSettings({ id: 's', type: 'ftps-server', host: 'h', encryption: 'clear', epsv: '' }, undefined).problem, undefined);
  });
});
