'use strict';
// TLS below 1.2 is never offered: the ClientHello the client sends lists
// TLS 1.3 and 1.2 only, and a server that speaks at most TLS 1.1 is refused.
const assert = require('node:assert/strict');
const net = require('node:net');
const tls = require('node:tls');
const { FtpsClient } = require('../../nodes/lib');
const h = require('../harness');

/** The versions a ClientHello offers: legacy_version and the supported_versions extension (43). */
function offeredVersions(buf) {
  // record header (5) + handshake header (4)
  assert.equal(buf[0], 0x16, 'a TLS handshake record');
  assert.equal(buf[5], 0x01, 'a ClientHello');
  let p = 9;
  const legacy = buf.readUInt16BE(p);
  p += 2 + 32;
  p += 1 + buf[p]; // session id
  p += 2 + buf.readUInt16BE(p); // cipher suites
  p += 1 + buf[p]; // compression methods
  const end = p + 2 + buf.readUInt16BE(p);
  p += 2;
  const supported = [];
  while (p + 4 <= end) {
    const type = buf.readUInt16BE(p);
    const len = buf.readUInt16BE(p + 2);
    if (type === 43) {
      for (let q = p + 5; q < p + 4 + len; q += 2) supported.push(buf.readUInt16BE(q));
    }
    p += 4 + len;
  }
  return { legacy, supported };
}

function captureClientHello(clientOptions) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((sock) => {
      let got = Buffer.alloc(0);
      sock.on('data', (d) => {
        got = Buffer.concat([got, d]);
        if (got.length >= 5 && got.length >= 5 + got.readUInt16BE(3)) {
          sock.destroy();
          srv.close();
          resolve(got);
        }
      });
      sock.on('error', () => {});
    });
    srv.listen(0, '127.0.0.1', () => {
      const c = new FtpsClient({ host: '127.0.0.1', port: srv.address().port, encryption: 'implicit', timeout: 5, ...clientOptions });
      c.connect().then(() => reject(new Error('connected to a server that sent nothing')), () => undefined);
    });
  });
}

describe('TLS versions: nothing below TLS 1.2 is offered', () => {
  it('mock server: the default ClientHello offers TLS 1.3 and 1.2 only (supported_versions), legacy_version 1.2', async () => {
    const { legacy, supported } = offeredVersions(await captureClientHello({}));
    assert.equal(legacy, 0x0303);
    assert.deepEqual([...supported].sort(), [0x0303, 0x0304]);
  });

  it('mock server: with maxVersion TLSv1.2 the hello offers TLS 1.2 and nothing older', async () => {
    const { legacy, supported } = offeredVersions(await captureClientHello({ tls: { maxVersion: 'TLSv1.2' } }));
    assert.equal(legacy, 0x0303);
    assert.ok(supported.every((v) => v >= 0x0303), `offered ${supported.map((v) => v.toString(16))}`);
  });

  it('mock server: a server that speaks at most TLS 1.1 is refused with a TLS error', async function () {
    this.timeout(30000); // the harness makes its certificates on first use
    const c = await h.certs();
    const srv = tls.createServer({ key: c.serverKey, cert: c.serverCert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }, (s) => s.end('220 hi\r\n'));
    srv.on('tlsClientError', () => {});
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const client = new FtpsClient({ host: '127.0.0.1', port: srv.address().port, encryption: 'implicit', timeout: 5, tls: { ca: c.caCert } });
      await assert.rejects(client.connect(), (e) => e.kind === 'tls' && /protocol version/i.test(e.message));
      client.close();
    } finally {
      srv.close();
    }
  });
});
