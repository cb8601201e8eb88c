'use strict';
// proxy-connect.ts: URL and no-proxy rules, and HTTP CONNECT against a
// scripted proxy for what real proxies do only by timing (the server's
// first bytes in the same packet as the 200) or by configuration (407).
const assert = require('node:assert');
const net = require('node:net');
const { parseProxyUrl, bypassesProxy, proxyDialer } = require('../../nodes/lib/proxy-connect');

function scriptedProxy(answer) {
  const seen = [];
  const srv = net.createServer((c) => {
    let buf = '';
    c.on('data', (d) => {
      buf += d;
      if (buf.includes('\r\n\r\n')) {
        seen.push(buf);
        c.write(answer);
        if (!answer.startsWith('HTTP/1.1 200')) c.end();
      }
    });
    c.on('error', () => {});
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r({ srv, seen, url: `http://127.0.0.1:${srv.address().port}` })));
}

describe('proxy-connect', () => {
  it('parses proxy URLs and refuses unknown schemes', () => {
    assert.deepStrictEqual(parseProxyUrl('http://p.example:3128'), { kind: 'http', host: 'p.example', port: 3128 });
    assert.deepStrictEqual(parseProxyUrl('socks5://[::1]:1080'), { kind: 'socks5', host: '::1', port: 1080 });
    assert.deepStrictEqual(parseProxyUrl('socks4://10.0.0.1'), { kind: 'socks4', host: '10.0.0.1', port: 1080 });
    assert.strictEqual(parseProxyUrl('proxy:8080').kind, 'http');
    assert.throws(() => parseProxyUrl('https://p:443'), /not supported/);
  });

  it('no-proxy list: exact names, domains, *', () => {
    assert.ok(bypassesProxy('ftp.example.com', ['example.com']));
    assert.ok(bypassesProxy('ftp.example.com', ['.example.com']));
    assert.ok(bypassesProxy('ftp.example.com', ['*.example.com']));
    assert.ok(bypassesProxy('10.1.2.3', ['10.1.2.3']));
    assert.ok(bypassesProxy('anything', ['*']));
    assert.ok(!bypassesProxy('badexample.com', ['example.com']));
    assert.ok(!bypassesProxy('example.com.evil', ['example.com']));
    assert.ok(!bypassesProxy('host', []));
  });

  it('HTTP CONNECT: sends the target and Basic credentials; bytes that follow the 200 in the same packet reach the reader', async () => {
    const p = await scriptedProxy('HTTP/1.1 200 Connection established\r\n\r\n220 greeting in the same packet\r\n');
    try {
      const dial = proxyDialer({ url: p.url, username: 'u', password: 'p:w' });
      const sock = await dial('ftp.example', 21, 5000, 'control connection');
      // the reader attaches after an await, as the client's control connection does
      await new Promise((r) => setImmediate(r));
      const line = await new Promise((resolve) => sock.once('data', (d) => resolve(String(d))));
      sock.destroy();
      assert.strictEqual(line, '220 greeting in the same packet\r\n');
      assert.match(p.seen[0], /^CONNECT ftp\.example:21 HTTP\/1\.1\r\nHost: ftp\.example:21\r\n/);
      assert.match(p.seen[0], new RegExp(`Proxy-Authorization: Basic ${Buffer.from('u:p:w').toString('base64')}`));
    } finally {
      p.srv.close();
    }
  });

  it('HTTP CONNECT: 407 is an error that names the proxy credentials, without the password', async () => {
    const p = await scriptedProxy('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
    try {
      const dial = proxyDialer({ url: p.url, username: 'u', password: 'sekrit' });
      await assert.rejects(dial('ftp.example', 21, 5000, 'control connection'), (e) => {
        assert.match(e.message, /407/);
        assert.match(e.message, /user name and password/);
        assert.doesNotMatch(e.message, /sekrit/);
        assert.strictEqual(e.kind, 'connect');
        return true;
      });
    } finally {
      p.srv.close();
    }
  });

  it('refuses a target with a line break before connecting', async () => {
    const dial = proxyDialer({ url: 'http://127.0.0.1:9' });
    await assert.rejects(dial('evil\r\nX: y', 21, 1000, 'control connection'), /line breaks/);
  });
});
