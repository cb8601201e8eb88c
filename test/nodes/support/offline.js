'use strict';
// Flows of the real nodes that need no FTP server: an ftps-server on a port
// where nothing listens (the checks under test come before any connection),
// the waits for what reaches the helper nodes, and the refusals every node
// shares (CR/LF/NUL in a command, a payload put cannot upload).
const assert = require('node:assert');
const net = require('node:net');
const path = require('node:path');
const { helper } = require('./red');

const ROOT = path.join(__dirname, '..', '..', '..');
const ACTION_TYPES = ['ftps-list', 'ftps-get', 'ftps-put', 'ftps-xput', 'ftps-mdtm', 'ftps-site', 'ftps-quot', 'ftps-ops'];
const serverNode = require(path.join(ROOT, 'nodes', 'ftps-server.js'));
const actionNodes = ACTION_TYPES.map((t) => require(path.join(ROOT, 'nodes', `${t}.js`)));
const allNodes = [serverNode, ...actionNodes];

const SECRET = 'S3cret!pw-do-not-leak';
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** A port on which nothing listens. */
async function closedPort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

function serverConfig(port, extra = {}) {
  return { id: 's1', type: 'ftps-server', name: 'srv', host: '127.0.0.1', port, encryption: 'explicit', timeout: 5, ...extra };
}

/** Wait for the next message on a helper node. */
function nextMessage(node, ms = 15000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no message on ${node.id} within ${ms} ms`)), ms);
    node.once('input', (msg) => {
      clearTimeout(t);
      resolve(msg);
    });
  });
}

/** Wait for n messages on a helper node. */
function collectFrom(node, n, ms = 15000) {
  return new Promise((resolve, reject) => {
    const got = [];
    const t = setTimeout(() => reject(new Error(`got ${got.length} of ${n} messages`)), ms);
    node.on('input', (msg) => {
      got.push(msg);
      if (got.length === n) {
        clearTimeout(t);
        resolve(got);
      }
    });
  });
}

/** The nodes under test on a server at port 9 (discard) on loopback: nothing may ever try it, the checks come first. */
function refusalFlow(nodes, serverExtra = {}) {
  return [
    { id: 'f1', type: 'tab', label: 'ftps' },
    { id: 's1', type: 'ftps-server', host: '127.0.0.1', port: 9, encryption: 'explicit', timeout: 5, ...serverExtra },
    ...nodes.map((n) => ({ z: 'f1', server: 's1', wires: [['out']], ...n })),
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'c1', z: 'f1', type: 'catch', scope: null, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];
}

/** Send msg into node `id` of a refusalFlow; resolves with what the Catch node got, rejects when it was output instead. */
function caughtFrom(id, msg) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('nothing reached the Catch node')), 5000);
    helper.getNode('out').once('input', () => reject(new Error('the message was output, not refused')));
    helper.getNode('caught').once('input', (m) => {
      clearTimeout(t);
      resolve(m);
    });
    helper.getNode(id).receive(msg);
  });
}

/** describe(`${name} (no server needed)`), the flow unloaded after each test. */
function describeOffline(name, body) {
  describe(`${name} (no server needed)`, function () {
    this.timeout(20000);
    afterEach(async () => {
      await helper.unload();
    });
    body();
  });
}

/** A test: CR, LF or NUL in what `type` would send is refused through done(err) before anything is connected. */
function itRefusesCrLf(type, props, msg) {
  const what = props.operation ? ` (${props.operation})` : props.path !== undefined ? " (the node's path)" : '';
  it(`${type}${what}: refuses CR/LF/NUL via done(err), a Catch node gets it, nothing is sent`, async () => {
    const port = await closedPort();
    const flow = [
      { id: 'f1', type: 'tab', label: 'ftps' },
      serverConfig(port),
      { id: 'n1', z: 'f1', type, server: 's1', ...props, wires: [['out']] },
      { id: 'c1', z: 'f1', type: 'catch', scope: ['n1'], uncaught: false, wires: [['caught']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'caught', z: 'f1', type: 'helper' },
    ];
    await helper.load(allNodes, flow, { s1: { user: 'u', password: SECRET } });
    let sent = false;
    helper.getNode('out').on('input', () => {
      sent = true;
    });
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('n1').receive({ _msgid: 'm1', ...msg, keep: 42 });
    const m = await caught;
    assert.match(m.error.message, /CR, LF or NUL/);
    assert.strictEqual(m.error.source.id, 'n1');
    assert.strictEqual(m.keep, 42, 'the Catch node gets the input message');
    assert.strictEqual(m.error.code, undefined, 'no server reply code: nothing was sent');
    await delay(50);
    assert.strictEqual(sent, false);
    assert.strictEqual(helper.getNode('s1').pool, null, 'no connection was even attempted');
  });
}

/** Tests: a msg.payload that `type` (put or xput) cannot upload is a clear error before anything is connected. */
function itRefusesPayloads(type) {
  const payloads = [
    // objects, arrays, numbers and booleans go up as JSON text (ftps-put.payload.spec.js)
    ['a function', () => 1, /not a function/],
    ['an object with a cycle', (() => { const o = {}; o.self = o; return o; })(), /JSON text.*circular/i],
    ['undefined', undefined, /msg\.payload is empty/],
    ['null', null, /msg\.payload is empty/],
  ];
  for (const [label, payload, re] of payloads) {
    it(`${type}: msg.payload ${label} is a clear error in the Catch node`, async () => {
      await helper.load(allNodes, refusalFlow([{ id: 'n1', type }]));
      const m = await caughtFrom('n1', { filename: '/a.txt', payload });
      assert.match(m.error.message, re);
      assert.match(m.error.message, /msg\.payload/);
      assert.strictEqual(helper.getNode('s1').pool, null, 'no connection was attempted');
    });
  }
}

module.exports = {
  ROOT,
  ACTION_TYPES,
  actionNodes,
  allNodes,
  SECRET,
  delay,
  closedPort,
  serverConfig,
  nextMessage,
  collectFrom,
  refusalFlow,
  caughtFrom,
  describeOffline,
  itRefusesCrLf,
  itRefusesPayloads,
};
