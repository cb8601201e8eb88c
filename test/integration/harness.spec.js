'use strict';
// Smoke test of the real-server harness (test/harness): every server in every
// mode it supports starts, greets, takes AUTH TLS / implicit TLS with the
// CA-signed certificate, logs in, and stops cleanly. Uses Node's net/tls only
// (test/harness/raw.js), not the project's client.

const assert = require('assert');
const h = require('../harness');

// Verify the CA-signed certificate against the IP address we connect to.
const verifying = (s) => ({ ca: s.ca, host: s.host });

async function connectAndLogin(s, tlsOpts) {
  const implicit = s.mode === 'implicit';
  const { client, greeting } = await h.RawFtp.connect({ host: s.host, port: s.port, implicit, tls: tlsOpts });
  assert.strictEqual(greeting.code, 220, `greeting: ${greeting.text}`);
  if (s.mode === 'explicit') {
    const r = await client.send('AUTH TLS');
    assert.strictEqual(r.code, 234, `AUTH TLS: ${r.code} ${r.text}`);
    await client.upgrade(tlsOpts);
  }
  if (s.mode !== 'clear') {
    assert.ok(client.socket.encrypted, 'control connection is TLS');
    assert.ok(client.socket.authorized, 'server certificate verified');
  }
  await client.login(s.user, s.password);
  return client;
}

async function assertStopped(s) {
  await s.stop();
  assert.strictEqual(h.pidAlive(s.pid), false, `${s.kind} pid ${s.pid} still alive after stop()`);
  assert.strictEqual(await h.canBind(s.port), true, `${s.kind} port ${s.port} still in use after stop()`);
}

// Expect the TLS handshake (implicit connect or AUTH TLS upgrade) to fail verification.
async function expectTlsRefused(s, tlsOpts, codeRe) {
  let err = null;
  let client = null;
  try {
    if (s.mode === 'implicit') {
      ({ client } = await h.RawFtp.connect({ host: s.host, port: s.port, implicit: true, tls: tlsOpts }));
    } else {
      ({ client } = await h.RawFtp.connect({ host: s.host, port: s.port }));
      await client.expect('AUTH TLS', 234);
      await client.upgrade(tlsOpts);
    }
  } catch (e) {
    err = e;
  }
  if (client) client.close();
  assert.ok(err, 'handshake should have failed');
  assert.match(String(err.code || err.message), codeRe);
}

describe('harness: real FTP servers', function () {
  this.timeout(30000);
  const started = [];
  const start = async (kind, opts) => {
    const s = await h.startServer(kind, opts);
    started.push(s);
    return s;
  };
  afterEach(async function () {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  it('makes the certificates', async function () {
    const c = await h.certs();
    for (const k of ['caCert', 'caKey', 'serverCert', 'serverKey', 'selfSignedCert', 'selfSignedKey', 'expiredCert',
      'expiredKey', 'wrongHostCert', 'wrongHostKey', 'clientCert', 'clientKey']) {
      assert.match(c[k], /-----BEGIN [A-Z ]+-----/, k);
    }
    assert.strictEqual(await h.certs(), c, 'cached');
    const x = new (require('crypto').X509Certificate)(c.serverCert);
    assert.ok(x.checkIP('127.0.0.1') && x.checkHost('localhost'));
    assert.ok(x.verify(new (require('crypto').X509Certificate)(c.caCert).publicKey));
    assert.ok(new Date(new (require('crypto').X509Certificate)(c.expiredCert).validTo) < new Date());
  });

  for (const kind of h.KINDS) {
    describe(kind, function () {
      before(function () {
        h.requireServer(this, kind);
      });

      for (const mode of h.modes(kind)) {
        it(`${mode}: greets, ${mode === 'clear' ? '' : 'TLS with the CA-signed cert, '}USER/PASS, PWD, QUIT; stop() ends it and frees the port`, async function () {
          const s = await start(kind, { mode });
          assert.strictEqual(s.kind, kind);
          assert.strictEqual(s.mode, mode);
          assert.strictEqual(s.host, '127.0.0.1');
          const client = await connectAndLogin(s, verifying(s));
          const pwd = await client.expect('PWD', 257);
          assert.match(pwd.text, /"\/"/, 'home is / (chrooted)');
          assert.strictEqual(s.homeIsRoot, true);
          await client.expect('QUIT', 221);
          client.close();
          await assertStopped(s);
        });
      }

      it('explicit: also verifies with servername localhost; PROT P data connection resumes the TLS session', async function () {
        const s = await start(kind, { mode: h.modes(kind)[0] });
        const t = { ca: s.ca, servername: 'localhost' };
        const client = await connectAndLogin(s, t);
        s.put('dir/hello.txt', 'hello\n');
        await client.expect('TYPE I', 200);
        await client.expect('PBSZ 0', 200);
        await client.expect('PROT P', 200);
        const up = await client.transfer('STOR up.bin', { secure: true, tls: t, upload: Buffer.alloc(70000, 1) });
        assert.strictEqual(up.final.code, 226, up.final.text);
        const r = await client.transfer('RETR dir/hello.txt', { secure: true, tls: t });
        assert.strictEqual(r.data.toString(), 'hello\n');
        assert.ok(r.pasv.port >= s.pasvRange[0] && r.pasv.port <= s.pasvRange[1], 'passive port in range');
        if (s.caps.sessionReuseRequired) assert.strictEqual(r.resumed, true, 'session resumed');
        assert.strictEqual((await client.expect('SIZE up.bin', 213)).text.trim(), '70000');
        await client.quit();
        await assertStopped(s);
      });

      it('a verifying client refuses the self-signed certificate', async function () {
        const s = await start(kind, { mode: h.modes(kind)[0], cert: 'self' });
        await expectTlsRefused(s, verifying(s), /SELF_SIGNED|self.signed/i);
        await assertStopped(s);
      });

      it('expired and wrong-host certificates are refused too', async function () {
        const [a, b] = await Promise.all([
          start(kind, { mode: 'explicit', cert: 'expired' }),
          start(kind, { mode: 'explicit', cert: 'wronghost' }),
        ]);
        await expectTlsRefused(a, verifying(a), /CERT_HAS_EXPIRED|expired/i);
        await expectTlsRefused(b, verifying(b), /ALTNAME|does not match/i);
      });

      it('requireTls refuses a cleartext login; pasvAddress is advertised; tls13:false caps at TLS 1.2', async function () {
        const s = await start(kind, { mode: 'explicit', requireTls: true, pasvAddress: '127.0.0.9', tls13: false });
        const { client: plain } = await h.RawFtp.connect({ host: s.host, port: s.port });
        let refused = false;
        try {
          const r = await plain.send('USER ' + s.user);
          if (r.code >= 400) refused = true;
          else refused = (await plain.send('PASS ' + s.password)).code >= 400;
        } catch (e) {
          refused = true; // closed on us
        }
        plain.close();
        assert.ok(refused, 'cleartext login refused');
        const client = await connectAndLogin(s, verifying(s));
        assert.strictEqual(client.socket.getProtocol(), 'TLSv1.2');
        await client.expect('PBSZ 0', 200);
        await client.expect('PROT P', 200);
        const pasv = h.RawFtp.parsePasv((await client.expect('PASV', 227)).text);
        assert.strictEqual(pasv.host, '127.0.0.9');
        await client.quit();
      });

      it('helpDisabled makes HELP fail where the server can do that', async function () {
        const s = await start(kind, { mode: 'explicit', helpDisabled: true });
        assert.strictEqual(s.helpDisabled, s.caps.helpDisable);
        const client = await connectAndLogin(s, verifying(s));
        const r = await client.send('HELP');
        if (s.caps.helpDisable) assert.ok(r.code >= 500, `HELP: ${r.code} ${r.text}`);
        else assert.strictEqual(r.code, 214);
        await client.quit();
      });
    });
  }

  it('runs servers side by side on separate ports', async function () {
    const kinds = h.KINDS.filter((k) => h.available(k));
    if (!kinds.length) this.skip();
    const servers = await Promise.all(kinds.map((k) => start(k, { mode: 'explicit' })));
    const ports = new Set(servers.map((s) => s.port));
    assert.strictEqual(ports.size, servers.length);
    await Promise.all(servers.map(async (s) => {
      const c = await connectAndLogin(s, verifying(s));
      await c.quit();
    }));
  });
});
