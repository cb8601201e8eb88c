'use strict';
// "Test connection" (POST /ftps-server/test) takes the configured core
// `http proxy` node, as the flow's sessions do: real proxies (tinyproxy for
// HTTP CONNECT, danted for SOCKS5) that connect out from 127.0.0.3, in front
// of a real ProFTPD whose protocol log names the client address of every
// command: during the test it saw only the proxy's address.
const assert = require('node:assert');
const path = require('node:path');
const h = require('../harness');
const { helper, core } = require('./support/red');
const { startProxy, requireProxy } = require('../harness/proxies');

const ROOT = path.join(__dirname, '..', '..');
const serverNode = require(path.join(ROOT, 'nodes', 'ftps-server.js'));
const httpProxyNode = core('network/06-httpproxy.js');
const PROXY_OUT = '127.0.0.3';

/** Client addresses in ProFTPD's protocol log ("%t %a %u ..."), one per logged command. */
const clientAddresses = (log) => [...log.matchAll(/\] (\d+\.\d+\.\d+\.\d+) \S+ "/g)].map((m) => m[1]);

for (const variant of [
  { kind: 'tinyproxy', label: 'HTTP CONNECT (tinyproxy)' },
  { kind: 'danted', label: 'SOCKS5 (danted)' },
]) {
  describe(`ftps-server "Test connection" through the configured proxy: ${variant.label}`, function () {
    this.timeout(60000);
    let s;
    let proxy;
    before(async function () {
      requireProxy(this, variant.kind);
      h.requireServer(this, 'proftpd', 'explicit');
      s = await h.startServer('proftpd', { mode: 'explicit' });
      proxy = await startProxy(variant.kind, { bind: PROXY_OUT });
    });
    after(async () => {
      await proxy?.stop();
      await s?.stop();
    });
    afterEach(() => helper.unload());

    const load = (url) =>
      helper.load([serverNode, httpProxyNode], [{ id: 'px', type: 'http proxy', name: '', url, noproxy: [] }], {});
    const post = (config) =>
      helper
        .request()
        .post('/ftps-server/test')
        .send({ config: { host: s.host, port: String(s.port), encryption: 'explicit', rejectUnauthorized: false, ...config }, credentials: { user: s.user, password: s.password } })
        .expect(200)
        .then((r) => r.body);

    it('logs in and lists through the proxy: every command the server logged came from the proxy address', async () => {
      await load(proxy.url);
      const seen = clientAddresses(s.log()).length;
      const r = await post({ proxy: 'px' });
      assert.strictEqual(r.ok, true, JSON.stringify(r));
      assert.strictEqual(r.step, 'done');
      const addrs = clientAddresses(s.log()).slice(seen);
      assert.ok(addrs.length >= 3, `the server logged the test's commands: ${addrs}`);
      assert.deepStrictEqual([...new Set(addrs)], [PROXY_OUT], 'the server saw only the proxy');
      assert.match(proxy.log(), new RegExp(variant.kind === 'tinyproxy' ? `CONNECT 127\\.0\\.0\\.1:${s.port} ` : `127\\.0\\.0\\.1\\.${s.port}\\b`), 'the proxy logged the control connection');
    });

    it('without the proxy the same test reaches the server directly (the address above was the proxy)', async () => {
      await load(proxy.url);
      const seen = clientAddresses(s.log()).length;
      const r = await post({ proxy: '' });
      assert.strictEqual(r.ok, true, JSON.stringify(r));
      assert.deepStrictEqual([...new Set(clientAddresses(s.log()).slice(seen))], ['127.0.0.1']);
    });

    it('a proxy that does not answer: the test fails at connect instead of going around it', async () => {
      const closed = await require('../harness/ports').allocBlock(1);
      await load(variant.kind === 'tinyproxy' ? `http://127.0.0.1:${closed}` : `socks5://127.0.0.1:${closed}`);
      const seen = clientAddresses(s.log()).length;
      const r = await post({ proxy: 'px' });
      assert.strictEqual(r.ok, false);
      assert.strictEqual(r.step, 'connect');
      assert.match(r.error, /proxy/i);
      assert.deepStrictEqual(clientAddresses(s.log()).slice(seen), [], 'nothing reached the server');
    });
  });
}

describe('ftps-server "Test connection" with a proxy node that is not deployed', function () {
  afterEach(() => helper.unload());
  it('says so at the settings step, before any connection', async () => {
    await helper.load([serverNode, httpProxyNode], [], {});
    const r = await helper
      .request()
      .post('/ftps-server/test')
      .send({ config: { host: '127.0.0.1', port: '1', encryption: 'explicit', proxy: 'missing' }, credentials: {} })
      .expect(200)
      .then((x) => x.body);
    assert.strictEqual(r.ok, false);
    assert.strictEqual(r.step, 'settings');
    assert.match(r.error, /http proxy config node is not deployed/);
  });
});
