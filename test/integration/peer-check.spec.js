'use strict';
// Certificate pinning (the `fingerprint` setting) against a real server with
// a self-signed certificate (test/harness/certs.js): the pin is accepted
// whoever signed the certificate, a wrong pin is refused on the control and
// data connections, and an unpinned refusal names the certificate.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const h = require('../harness');
const { FtpsClient } = require('../../nodes/lib');

const KIND = h.KINDS.find((k) => h.available(k));

function fingerprintOf(pemFile) {
  return new crypto.X509Certificate(fs.readFileSync(pemFile)).fingerprint256;
}

describe('certificate pinning (fingerprint)', function () {
  this.timeout(60000);
  let srv;
  let selfFp;
  before(async function () {
    if (!KIND) this.skip();
    h.requireServer(this, KIND);
    srv = await h.startServer(KIND, { mode: 'explicit', cert: 'self' });
    selfFp = fingerprintOf((await h.certs()).files.selfSignedCert);
  });
  after(async () => {
    if (srv) await srv.stop();
  });

  const client = (tls, extra = {}) => new FtpsClient({ host: srv.host, port: srv.port, encryption: 'explicit', tls, timeout: 30, ...extra });

  it('the matching pin connects with verification on, in any spelling, and transfers over a checked data connection', async () => {
    for (const spelling of [selfFp, selfFp.replace(/:/g, '').toLowerCase(), ` sha256:${selfFp.toLowerCase()} `]) {
      const c = client({ rejectUnauthorized: true, fingerprint: spelling });
      await c.connect();
      await c.login(srv.user, srv.password);
      await c.put(Buffer.from('pinned'), 'pinned.txt');
      assert.equal((await c.getBuffer('pinned.txt')).toString(), 'pinned');
      await c.quit();
    }
  });

  it('without a pin the self-signed certificate is refused, and the error names its subject, issuer and fingerprint', async () => {
    const c = client({ rejectUnauthorized: true });
    const err = await c.connect().then(() => null, (e) => e);
    assert.ok(err, 'refused');
    assert.equal(err.kind, 'tls');
    assert.match(err.message, /self-signed/);
    assert.ok(err.message.includes(selfFp), err.message);
    assert.match(err.message, /subject "CN=127\.0\.0\.1", issuer "CN=127\.0\.0\.1"/);
    assert.equal(err.certificate.fingerprint256, selfFp);
    assert.equal(c.connected, false);
  });

  it('a wrong pin is refused with a clear error, even with verification off', async () => {
    const wrong = fingerprintOf((await h.certs()).files.caCert);
    for (const rejectUnauthorized of [true, false]) {
      const c = client({ rejectUnauthorized, fingerprint: wrong });
      const err = await c.connect().then(() => null, (e) => e);
      assert.ok(err, 'refused');
      assert.equal(err.kind, 'tls');
      assert.match(err.message, /not the pinned one/);
      assert.ok(err.message.includes(wrong) && err.message.includes(selfFp), err.message);
      assert.equal(c.connected, false);
    }
  });

  it('a pin that is not a SHA-256 fingerprint is an input error', () => {
    assert.throws(() => client({ fingerprint: 'AB:CD' }), (e) => e.kind === 'input' && /fingerprint/.test(e.message));
  });
});

// No real server shows one certificate on the control connection and another on
// a data connection on cue: a scripted server does (control: the self-signed
// certificate, data: the CA-signed one), as a hijacked data port would.
describe('certificate pinning, scripted server: a data connection with another certificate is refused', function () {
  this.timeout(60000);
  const net = require('node:net');
  const tls = require('node:tls');
  let server;
  let dataServer;
  let port;
  before(async () => {
    const c = await h.certs();
    const ctrlCtx = { key: fs.readFileSync(c.files.selfSignedKey), cert: fs.readFileSync(c.files.selfSignedCert) };
    const dataCtx = { key: fs.readFileSync(c.files.serverKey), cert: fs.readFileSync(c.files.serverCert) };
    dataServer = tls.createServer(dataCtx, (s) => s.end('data'));
    dataServer.on('tlsClientError', () => undefined);
    await new Promise((r) => dataServer.listen(0, '127.0.0.1', r));
    server = net.createServer((raw) => {
      raw.on('error', () => undefined);
      raw.write('220 scripted\r\n');
      raw.once('data', () => {
        raw.write('234 AUTH TLS ok\r\n');
        const s = new tls.TLSSocket(raw, { isServer: true, ...ctrlCtx });
        s.on('error', () => undefined);
        let buf = '';
        s.on('data', (d) => {
          buf += d.toString('latin1');
          let i;
          while ((i = buf.indexOf('\r\n')) >= 0) {
            const cmd = buf.slice(0, i).split(' ')[0].toUpperCase();
            buf = buf.slice(i + 2);
            const reply = { USER: '331 pw', PASS: '230 in', PBSZ: '200 ok', PROT: '200 ok', TYPE: '200 ok', FEAT: '211 end', OPTS: '200 ok',
              EPSV: `229 Entering Extended Passive Mode (|||${dataServer.address().port}|)`, RETR: '150 here', QUIT: '221 bye' }[cmd] || '502 no';
            s.write(`${reply}\r\n`);
          }
        });
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    port = server.address().port;
  });
  after(() => {
    server?.close();
    dataServer?.close();
  });

  it('the control connection passes the pin, the data connection with another certificate fails', async () => {
    const pin = fingerprintOf((await h.certs()).files.selfSignedCert);
    const c = new FtpsClient({ host: '127.0.0.1', port, encryption: 'explicit', tls: { fingerprint: pin }, timeout: 5, feat: false });
    await c.connect();
    await c.login('u', 'p');
    const err = await c.getBuffer('x.txt').then(() => null, (e) => e);
    c.close();
    assert.ok(err, 'refused');
    assert.match(err.message, /data connection refused: the server certificate is not the pinned one/);
  });
});
