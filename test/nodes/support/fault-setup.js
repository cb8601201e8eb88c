'use strict';
// The fault-proxy setup shared by the reliability tests (ftps-server.faults.spec.js,
// ftps-server.retry-faults.spec.js): a real server in explicit mode behind
// test/support/fault-proxy.js on 127.0.0.2, a flow whose ftps-server node
// dials the proxy (EPSV only, so data connections come to the proxy too; the
// certificate names localhost, not the proxy's address), and the Catch
// node's error as a test expects it.
const assert = require('node:assert');
const crypto = require('node:crypto');
const path = require('node:path');
const { helper } = require('./red');
const { NODES, flowFor, call } = require('./flow');
const { FaultProxy } = require('../../support/fault-proxy');
const h = require('../../harness');

const PROXY_HOST = '127.0.0.2';

/** n pseudo-random bytes from `seed` (xorshift32): the same file on every run. */
function pattern(n, seed) {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i += 1) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

/**
 * Mocha hooks for the enclosing describe: a harness server of `kind`
 * (explicit FTPS) started with `startOpts` and a fault proxy in front of it,
 * both stopped after the tests (skipped when the server is missing). The
 * returned fixture has `s`, `proxy`, `caFile` once started, and
 * `load(nodes, serverExtra)` loading a flow through the proxy with
 * `defaults` for the ftps-server node.
 */
function useFaultProxy(kind, defaults, startOpts = {}) {
  const fx = {
    s: null,
    proxy: null,
    caFile: '',
    load: (nodes, serverExtra = {}) =>
      helper.load(
        NODES,
        flowFor(fx.s, fx.caFile, nodes, { host: PROXY_HOST, epsv: 'always', ...defaults, ...serverExtra }, { servername: 'localhost' }),
        { s1: { user: fx.s.user, password: fx.s.password } },
      ),
    remote: (rel) => path.join(fx.s.root, rel),
  };
  before(async function () {
    h.requireServer(this, kind, 'explicit');
    fx.s = await h.startServer(kind, { mode: 'explicit', ...startOpts });
    fx.caFile = (await h.certs()).files.caCert;
    fx.proxy = await FaultProxy.start({ host: PROXY_HOST, controlPort: fx.s.port, dataPorts: fx.s.pasvRange });
  });
  after(async () => {
    if (fx.proxy) await fx.proxy.close();
    if (fx.s) await fx.s.stop();
  });
  return fx;
}

/** The Catch node's error for `msg` sent to node `id`, asserting that there was one with a message and a numeric code. */
async function failure(id, msg, ms = 30000) {
  const e = await call(id, msg, ms).then(
    (m) => assert.fail(`expected a failure, got output ${JSON.stringify(m.ftps)}`),
    (x) => x,
  );
  assert.ok(e.caught, `the failure reached the Catch node (${e.message})`);
  assert.ok(e.message && e.message.length > 10, `a clear message: ${e.message}`);
  assert.strictEqual(typeof e.code, 'number', `msg.error.code is set (${e.message})`);
  return e;
}

module.exports = { PROXY_HOST, pattern, sha, useFaultProxy, failure };
