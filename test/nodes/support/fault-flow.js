'use strict';
// A real ProFTPD behind test/support/fault-proxy.js for the retry tests
// through the nodes: the server node connects to the proxy (127.0.0.2) and
// retries after 50 ms. ProFTPD's protocol log (ExtendedLog, "%r") tells
// which REST offsets the server got, and the proxy which bytes each data
// connection carried.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./red');
const { NODES, flowFor } = require('./flow');
const { FaultProxy } = require('../../support/fault-proxy');
const h = require('../../harness');

const PROXY_HOST = '127.0.0.2';
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

/** Mocha hooks for the enclosing describe; returns the fixture. */
function useFaultyServer(kind = 'proftpd', startOpts = {}) {
  const fx = { s: null, proxy: null, caFile: '', localDir: '', down: [], up: [] };
  before(async function () {
    h.requireServer(this, kind, 'explicit');
    fx.s = await h.startServer(kind, { mode: 'explicit', ...startOpts });
    fx.caFile = (await h.certs()).files.caCert;
    fx.proxy = await FaultProxy.start({ host: PROXY_HOST, controlPort: fx.s.port, dataPorts: fx.s.pasvRange });
    // bytes per data connection, in the order they opened
    fx.proxy.on('bytes', ({ pair, kind: k, dir, chunk }) => {
      if (k !== 'data') return;
      const list = dir === 'down' ? fx.down : fx.up;
      if (!pair.tag) pair.tag = {};
      if (pair.tag[dir] === undefined) pair.tag[dir] = list.push(0) - 1;
      list[pair.tag[dir]] += chunk.length;
    });
  });
  after(async () => {
    if (fx.proxy) await fx.proxy.close();
    if (fx.s) await fx.s.stop();
  });
  beforeEach(() => {
    fx.localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-resume-'));
    fx.proxy.clearFaults();
    fx.down.length = 0;
    fx.up.length = 0;
  });
  afterEach(async () => {
    await helper.unload();
    fs.rmSync(fx.localDir, { recursive: true, force: true });
  });
  fx.load = (nodes, serverExtra = {}) =>
    helper.load(NODES, flowFor(fx.s, fx.caFile, nodes, { host: PROXY_HOST, epsv: 'always', timeout: 5, retries: 2, retryDelay: 0.05, ...serverExtra }, { servername: 'localhost' }), {
      s1: { user: fx.s.user, password: fx.s.password },
    });
  /** A directory under the server's root the session user may write to. */
  fx.remoteDir = (rel) => {
    const d = path.join(fx.s.root, rel);
    fs.mkdirSync(d, { recursive: true });
    fx.s.own(d);
    return d;
  };
  /** Every REST offset ProFTPD logged so far, in order (slice off the ones seen before a test). */
  fx.restOffsets = () => [...fx.s.log().matchAll(/"REST (\d+)"/g)].map((m) => Number(m[1]));
  return fx;
}

module.exports = { useFaultyServer, sha, PROXY_HOST };
