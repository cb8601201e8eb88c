'use strict';
// Flows of our nodes for node-red-node-test-helper against a real server:
// one ftps-server (+ tls-config), the nodes under test wired to a helper
// node "out", and a Catch node wired to a helper node "caught".
const path = require('node:path');
const h = require('../../harness');
const { helper, core } = require('./red');

const ROOT = path.join(__dirname, '..', '..', '..');
const TYPES = ['ftps-server', 'ftps-list', 'ftps-get', 'ftps-put', 'ftps-xput', 'ftps-mdtm', 'ftps-site', 'ftps-quot', 'ftps-ops'];
const NODES = [...TYPES.map((t) => require(path.join(ROOT, 'nodes', `${t}.js`))), core('network/05-tls.js')];

/**
 * The flow: `s` is a harness server, `caFile` the CA file a tls-config node
 * reads (none for encryption "clear" unless tlsExtra asks for one).
 */
function flowFor(s, caFile, nodes, serverExtra = {}, tlsExtra = {}) {
  const encryption = serverExtra.encryption || (s.mode === 'clear' ? 'clear' : s.mode);
  const withTls = encryption !== 'clear';
  return [
    { id: 'f1', type: 'tab', label: 'ftps' },
    ...(withTls
      ? [{ id: 'tls1', type: 'tls-config', name: '', cert: '', key: '', ca: caFile, certname: '', keyname: '', caname: '', servername: '', verifyservercert: true, alpnprotocol: '', ...tlsExtra }]
      : []),
    { id: 's1', type: 'ftps-server', host: s.host, port: String(s.port), encryption, tls: withTls ? 'tls1' : '', timeout: 10, maxConnections: 1, idleTimeout: 60, ...serverExtra },
    ...nodes.map((n) => ({ z: 'f1', server: 's1', wires: [['out']], ...n })),
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'c1', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];
}

/**
 * Mocha hooks for the enclosing describe: a harness server of `kind` in
 * `mode` started before its tests (skipped when the server or mode is
 * missing) and stopped after them, the flow unloaded after each test. The
 * fixture's `s`, `caFile` and `creds` are set once the server is up;
 * `load(nodes, serverExtra, creds, tlsExtra)` loads flowFor's flow, and
 * `file(rel)` is a path in the server's root.
 */
function useServer(kind, mode, startOpts = {}) {
  const fx = {
    s: null,
    caFile: '',
    creds: null,
    load: (nodes, serverExtra, c = fx.creds, tlsExtra) => helper.load(NODES, flowFor(fx.s, fx.caFile, nodes, serverExtra, tlsExtra), c),
    file: (rel) => path.join(fx.s.root, rel),
  };
  before(async function () {
    h.requireServer(this, kind, mode);
    fx.s = await h.startServer(kind, { mode, ...startOpts });
    fx.caFile = (await h.certs()).files.caCert; // s.ca is the PEM text; a tls-config node takes a file path
    fx.creds = { s1: { user: fx.s.user, password: fx.s.password } };
  });
  after(async () => {
    if (fx.s) await fx.s.stop();
  });
  afterEach(async () => {
    await helper.unload();
  });
  return fx;
}

/** Send msg into node `id`; resolves with the first output, rejects with the Catch node's msg.error (plus code, msg, and caught: true). */
function call(id, msg, ms = 30000) {
  return new Promise((resolve, reject) => {
    const out = helper.getNode('out');
    const caught = helper.getNode('caught');
    const node = helper.getNode(id);
    // no flow loaded (a failed load, or called after unload): say so now, and leave no timer
    // behind whose finish() would throw on the missing nodes after the test has moved on
    if (!out || !caught || !node) {
      reject(new Error(`call(${id}): the flow is not loaded (out ${!!out}, caught ${!!caught}, ${id} ${!!node})`));
      return;
    }
    let done = false;
    const t = setTimeout(() => finish(reject, new Error(`no answer from ${id} within ${ms} ms`)), ms);
    const onOut = (m) => finish(resolve, m);
    const onCaught = (m) => finish(reject, Object.assign(new Error(m.error.message), { code: m.error.code, msg: m, caught: true }));
    function finish(fn, v) {
      if (done) return;
      done = true;
      clearTimeout(t);
      out.removeListener('input', onOut);
      caught.removeListener('input', onCaught);
      fn(v);
    }
    out.on('input', onOut);
    caught.on('input', onCaught);
    try {
      node.receive(msg);
    } catch (e) {
      finish(reject, e);
    }
  });
}

/** Collect n output messages; rejects on the first message a Catch node gets. */
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

/** The error a call() rejected with, or fail when it resolved. */
async function caughtError(p) {
  let m;
  try {
    m = await p;
  } catch (e) {
    return e;
  }
  throw new Error(`expected a Catch, got output ${JSON.stringify(m && m.ftps)}`);
}

module.exports = { NODES, flowFor, useServer, call, collect, caughtError };
