'use strict';
// Proxies through the nodes: real proxies from Debian packages on 127.0.0.1
// (tinyproxy for HTTP CONNECT, danted for SOCKS5, with and without a user
// name) in front of a real vsftpd. The proxy's own log shows that the control
// connection and every passive data connection went through it.
const assert = require('node:assert');
const crypto = require('node:crypto');
const { helper, core } = require('./support/red');
const { NODES, flowFor, call } = require('./support/flow');
const { startProxy, requireProxy } = require('../harness/proxies');
const h = require('../harness');

const PROXY_NODES = [...NODES, core('network/06-httpproxy.js')];
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

/** Connections the proxy made to `port` or to a port in `range`, read from its log. */
function proxied(kind, log, s) {
  const ports = [];
  // tinyproxy: 'Established connection to host "127.0.0.1" using file descriptor' after 'Connect (file descriptor N): ... CONNECT 127.0.0.1:PORT'
  // danted: 'pass(1): tcp/connect [: 127.0.0.1.CLIENTPORT 127.0.0.1.PROXYPORT -> 127.0.0.1.X 127.0.0.1.PORT'
  const re = kind === 'tinyproxy' ? /CONNECT 127\.0\.0\.1:(\d{1,5}) HTTP/g : /tcp\/connect \[: [^\n]*?-> [0-9.]+ 127\.0\.0\.1\.(\d{1,5})/g;
  for (const m of log.matchAll(re)) ports.push(Number(m[1]));
  return {
    control: ports.filter((p) => p === s.port).length,
    data: ports.filter((p) => p >= s.pasvRange[0] && p <= s.pasvRange[1]).length,
  };
}

for (const variant of [
  { kind: 'tinyproxy', label: 'HTTP CONNECT (tinyproxy)' },
  { kind: 'danted', label: 'SOCKS5 (danted)' },
  { kind: 'danted', label: 'SOCKS5 with a user name and password (danted)', auth: { user: 'ftpsproxy', password: 'Pr0xy-pass.7' } },
]) {
  describe(`proxy: ${variant.label} in front of vsftpd (explicit FTPS)`, function () {
    this.timeout(60000);
    let s;
    let proxy;
    let caFile;

    before(async function () {
      requireProxy(this, variant.kind);
      h.requireServer(this, 'vsftpd', 'explicit');
      s = await h.startServer('vsftpd', { mode: 'explicit' });
      caFile = (await h.certs()).files.caCert;
      proxy = await startProxy(variant.kind, { auth: variant.auth });
    });
    after(async () => {
      if (proxy) await proxy.stop();
      if (s) await s.stop();
    });
    afterEach(async () => {
      await helper.unload();
    });

    const load = (noproxy = []) => {
      const flow = flowFor(s, caFile, [{ id: 'p1', type: 'ftps-put' }, { id: 'g1', type: 'ftps-get' }, { id: 'l1', type: 'ftps-list' }], { proxy: 'px', retries: 2, retryDelay: 0.05 });
      flow.push({ id: 'px', type: 'http proxy', name: '', url: proxy.url, noproxy });
      const creds = { s1: { user: s.user, password: s.password } };
      if (variant.auth) creds.px = { username: variant.auth.user, password: variant.auth.password };
      return helper.load(PROXY_NODES, flow, creds);
    };

    it('control and every data connection go through the proxy; files byte-exact', async () => {
      await load();
      const before = proxied(variant.kind, proxy.log(), s);
      const data = crypto.randomBytes(300 * 1024);
      await call('p1', { filename: '/via-proxy.bin', payload: data });
      const got = await call('g1', { filename: '/via-proxy.bin' });
      assert.strictEqual(sha(got.payload), sha(data));
      const listed = await call('l1', { filename: '/' });
      assert.ok(listed.payload.some((e) => e.name === 'via-proxy.bin'));
      const after = proxied(variant.kind, proxy.log(), s);
      // under load vsftpd once answered a STOR through tinyproxy with 426 (tinyproxy closes both
      // sides when the client ends the upload) and the node retried it: so at least, not exactly,
      // one control and three data connections
      assert.ok(after.control - before.control >= 1, `the control connection went through the proxy:\n${proxy.log()}`);
      assert.ok(after.data - before.data >= 3, `the data connections (STOR, RETR, listing) went through the proxy (${after.data - before.data})`);
    });

    if (variant.auth) {
      it('a wrong proxy password is refused by the proxy: a clear error, nothing reaches the FTP server', async () => {
        const flow = flowFor(s, caFile, [{ id: 'l1', type: 'ftps-list' }], { proxy: 'px', retries: 0 });
        flow.push({ id: 'px', type: 'http proxy', name: '', url: proxy.url, noproxy: [] });
        await helper.load(PROXY_NODES, flow, { s1: { user: s.user, password: s.password }, px: { username: variant.auth.user, password: 'wrong' } });
        const before = proxied(variant.kind, proxy.log(), s);
        const e = await call('l1', { filename: '/' }).then(() => assert.fail('expected a failure'), (x) => x);
        assert.match(e.message, /through the proxy/);
        assert.doesNotMatch(e.message, /wrong/, 'the password is not in the error');
        assert.deepStrictEqual(proxied(variant.kind, proxy.log(), s), before);
      });
    }

    it('a host on the no-proxy list is reached directly: the proxy sees nothing', async () => {
      await load(['127.0.0.1']);
      const before = proxied(variant.kind, proxy.log(), s);
      await call('l1', { filename: '/' });
      const after = proxied(variant.kind, proxy.log(), s);
      assert.deepStrictEqual(after, before);
    });
  });
}
