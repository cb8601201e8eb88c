'use strict';
// Active mode through a proxy is refused by the client before it dials
// anything: the server could not connect back through HTTP CONNECT or SOCKS.
// (Through the nodes with a real tinyproxy: test/nodes/ftps-server.proxy-active.spec.js.)
const assert = require('node:assert/strict');
const { FtpsClient, proxyDialer } = require('../../nodes/lib');

/** A dialer that records its calls and never connects. */
function recorder(inner) {
  const calls = [];
  const dial = (host, port, ms, what) => {
    calls.push(`${what} ${host}:${port}`);
    return inner ? inner(host, port, ms, what) : Promise.reject(new Error('not dialled in this test'));
  };
  return { dial, calls };
}

describe('proxy-connect: active mode through a proxy', () => {
  for (const url of ['http://127.0.0.1:9', 'socks5://127.0.0.1:9', 'socks4://127.0.0.1:9']) {
    it(`${url.split(':')[0]}: refused before any connection, as an input error naming the no-proxy list`, async () => {
      const direct = recorder();
      const connect = proxyDialer({ url }, direct.dial);
      const seen = [];
      const wrapped = Object.assign((...a) => { seen.push(a); return connect(...a); }, { proxied: connect.proxied });
      const client = new FtpsClient({ host: 'ftp.example.com', dataMode: 'active', connect: wrapped });
      await assert.rejects(client.connect(), (e) => {
        assert.equal(e.kind, 'input');
        assert.match(e.message, /active mode \(dataMode "active"\) does not work through a proxy.*no-proxy list/);
        return true;
      });
      assert.deepEqual(seen, [], 'nothing was dialled');
      assert.deepEqual(direct.calls, []);
    });
  }

  it('a host on the no-proxy list, or passive mode: no refusal (the dialer is used)', async () => {
    for (const [host, dataMode, noProxy] of [['ftp.example.com', 'active', ['.example.com']], ['ftp.example.com', 'passive', []]]) {
      const direct = recorder();
      const connect = proxyDialer({ url: 'http://127.0.0.1:9', noProxy }, direct.dial);
      const seen = [];
      const wrapped = Object.assign((...a) => { seen.push(a[3]); return noProxy.length ? connect(...a) : Promise.reject(new Error('stop here')); }, { proxied: connect.proxied });
      const client = new FtpsClient({ host, dataMode, connect: wrapped });
      await assert.rejects(client.connect(), (e) => !/through a proxy/.test(e.message));
      assert.deepEqual(seen, ['control connection']);
      if (noProxy.length) assert.deepEqual(direct.calls, [`control connection ${host}:21`]);
    }
  });

  it('proxied(host) follows the no-proxy list', () => {
    const connect = proxyDialer({ url: 'socks5://127.0.0.1:9', noProxy: ['10.0.0.5', '*.lan'] });
    assert.equal(connect.proxied('ftp.example.com'), true);
    assert.equal(connect.proxied('10.0.0.5'), false);
    assert.equal(connect.proxied('nas.lan'), false);
  });
});
