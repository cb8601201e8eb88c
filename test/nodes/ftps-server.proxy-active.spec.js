'use strict';
// dataMode "active" through a proxy cannot work (HTTP CONNECT and SOCKS CONNECT
// relay only connections the client opens; active mode needs the server to
// connect back): it is refused with a clear error before any connection is
// made. A host on the proxy's no-proxy list is reached directly, so active
// mode works there. Real tinyproxy in front of a real vsftpd.
const assert = require('node:assert');
const { helper, core } = require('./support/red');
const { NODES, flowFor, call, caughtError } = require('./support/flow');
const { startProxy, requireProxy } = require('../harness/proxies');
const h = require('../harness');

const PROXY_NODES = [...NODES, core('network/06-httpproxy.js')];

describe('ftps-server: active mode through a proxy is refused before connecting (tinyproxy, vsftpd)', function () {
  this.timeout(60000);
  let s;
  let proxy;
  let caFile;

  before(async function () {
    requireProxy(this, 'tinyproxy');
    h.requireServer(this, 'vsftpd', 'explicit');
    s = await h.startServer('vsftpd', { mode: 'explicit' });
    s.put('act.txt', 'active, directly');
    caFile = (await h.certs()).files.caCert;
    proxy = await startProxy('tinyproxy');
  });
  after(async () => {
    if (proxy) await proxy.stop();
    if (s) await s.stop();
  });
  afterEach(async () => {
    await helper.unload();
  });

  const load = (noproxy) => {
    const flow = flowFor(s, caFile, [{ id: 'l1', type: 'ftps-list' }, { id: 'g1', type: 'ftps-get', output: 'utf8' }],
      { proxy: 'px', dataMode: 'active', retries: 2, retryDelay: 0.05 });
    flow.push({ id: 'px', type: 'http proxy', name: '', url: proxy.url, noproxy });
    return helper.load(PROXY_NODES, flow, { s1: { user: s.user, password: s.password } });
  };
  const connects = () => (proxy.log().match(/CONNECT 127\.0\.0\.1:\d+ HTTP/g) || []).length;

  it('a clear error naming active mode and the proxy; not retried; the proxy never sees a connection', async () => {
    await load([]);
    const before = connects();
    const e = await caughtError(call('l1', { filename: '/' }));
    assert.match(e.message, /active mode \(dataMode "active"\) does not work through a proxy/);
    assert.match(e.message, /no-proxy list/);
    assert.doesNotMatch(e.message, /tries|retry/i, 'an input error is not retried');
    assert.strictEqual(connects(), before, `nothing went to the proxy:\n${proxy.log()}`);
  });

  it('a host on the no-proxy list: active mode works directly', async () => {
    await load(['127.0.0.1']);
    const before = connects();
    const got = await call('g1', { filename: '/act.txt' });
    assert.strictEqual(got.payload, 'active, directly');
    assert.strictEqual(connects(), before);
  });
});
