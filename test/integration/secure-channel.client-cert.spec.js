'use strict';
// Client certificates against real servers that require them: ProFTPD
// (mod_tls, TLSVerifyClient on) and vsftpd (require_cert, validate_cert),
// started by the harness with clientCert: true, in explicit and implicit mode,
// with TLS 1.3 and with TLS 1.2 (where a refusal shows up differently: TLS 1.2
// fails the handshake; TLS 1.3 completes it on the client's side and the
// server's alert arrives afterwards, at the greeting or the first command).

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../harness');
const { FtpsClient, FtpError } = require('../../nodes/lib');

const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
const DATA = crypto.randomBytes(256 * 1024 + 17);

const KINDS = ['proftpd', 'vsftpd'];
const MODES = ['explicit', 'implicit'];

function newClient(srv, tlsSettings, extra = {}) {
  return new FtpsClient({
    host: srv.host,
    port: srv.port,
    encryption: srv.mode,
    tls: { ca: srv.ca, ...tlsSettings },
    timeout: 20,
    ...extra,
  });
}

/** Connect, log in, put `DATA` and get it back byte-exact; also LIST (a second data connection). */
async function roundTrip(srv, tlsSettings, remote) {
  const client = newClient(srv, tlsSettings);
  try {
    await client.connect();
    await client.login(srv.user, srv.password);
    const up = await client.put(DATA, remote);
    assert.equal(up.bytes, DATA.length, 'bytes sent');
    assert.equal(sha(fs.readFileSync(path.join(srv.root, remote))), sha(DATA), `${remote} on the server`);
    const back = await client.getBuffer(remote);
    assert.equal(back.length, DATA.length, 'bytes back');
    assert.equal(sha(back), sha(DATA), 'content back');
    const listing = await client.listRaw('LIST');
    assert.match(listing, new RegExp(remote.replace(/\./g, '\\.')), 'LIST shows the file');
  } finally {
    await client.quit();
  }
}

/**
 * Connect and log in, expecting a refusal no later than the login. Resolves
 * with the error and the step ('connect' | 'login') that failed.
 */
async function expectRefused(srv, tlsSettings) {
  const client = newClient(srv, tlsSettings);
  let step = 'connect';
  try {
    await client.connect();
    step = 'login';
    await client.login(srv.user, srv.password);
    step = 'none';
  } catch (e) {
    return { err: e, step };
  } finally {
    client.close();
  }
  assert.fail(`${srv.kind} (${srv.mode}) let the client log in: it should have required a CA-signed client certificate`);
}

/** A refused client certificate: an FtpError of kind 'tls' whose message says it was TLS and why. */
function assertTlsRefusal(err, srv, reason) {
  assert.ok(err instanceof FtpError, `expected an FtpError, got ${err && err.stack}`);
  assert.equal(err.kind, 'tls', `kind of: ${err.message}`);
  assert.match(err.message, /TLS|SSL/, 'the message says it is a TLS problem');
  assert.match(err.message, reason, 'the message names what the server objected to');
  assert.ok(!err.message.includes(srv.password), 'no password in the message');
}

describe('client certificates against real servers', function () {
  this.timeout(60000);

  let certs;
  before(async function () {
    certs = await h.certs();
  });

  it('harness: the passphrase-protected client key is the client key, encrypted', function () {
    assert.match(certs.clientKeyEncrypted, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.equal(typeof certs.clientKeyPassphrase, 'string');
    assert.ok(fs.existsSync(certs.files.clientKeyEncrypted));
    const key = crypto.createPrivateKey({ key: certs.clientKeyEncrypted, passphrase: certs.clientKeyPassphrase });
    const spki = (k) => crypto.createPublicKey(k).export({ type: 'spki', format: 'der' });
    assert.deepEqual(spki(key), spki(certs.clientCert), 'matches clientCert');
    assert.throws(() => crypto.createPrivateKey({ key: certs.clientKeyEncrypted, passphrase: 'wrong' }));
  });

  it('harness: clientCert is refused where it is not set up (Pure-FTPd, pyftpdlib) and in clear mode', async function () {
    for (const kind of ['pureftpd', 'pyftpdlib']) {
      assert.equal(h.caps(kind).clientCert, false);
      await assert.rejects(h.startServer(kind, { clientCert: true }), /clientCert: .* not set up/);
    }
    await assert.rejects(h.startServer('proftpd', { mode: 'clear', clientCert: true }), /clientCert needs TLS/);
  });

  for (const kind of KINDS) {
    for (const mode of MODES) {
      for (const tls13 of [true, false]) {
        const tlsVersion = tls13 ? 'TLS 1.3' : 'TLS 1.2';

        describe(`${kind}, ${mode} mode, ${tlsVersion}, requiring a client certificate`, function () {
          let srv;
          before(async function () {
            h.requireServer(this, kind);
            srv = await h.startServer(kind, { mode, tls13, clientCert: true });
            assert.equal(srv.clientCert, true);
          });
          after(async () => {
            if (srv) await srv.stop();
          });

          it('a CA-signed client certificate and key: connects, logs in, put/get byte-exact, LIST', async function () {
            await roundTrip(srv, { cert: certs.clientCert, key: certs.clientKey }, 'plain-key.bin');
            if (kind === 'proftpd') {
              // mod_tls logs the verified client certificate's subject
              assert.match(srv.log(), /Client: CN = ftps test client/, 'ProFTPD saw the client certificate');
            }
          });

          it('the same with the passphrase-protected key', async function () {
            await roundTrip(srv, { cert: certs.clientCert, key: certs.clientKeyEncrypted, passphrase: certs.clientKeyPassphrase }, 'encrypted-key.bin');
          });

          it('without a client certificate: FtpError kind tls, no later than the login', async function () {
            const { err, step } = await expectRefused(srv, {});
            // TLS 1.2: the server's handshake_failure alert ends the handshake itself;
            // TLS 1.3: its certificate_required alert arrives after the client's handshake
            // completed, so it surfaces at the greeting (implicit) or the first command (explicit).
            assertTlsRefusal(err, srv, /certificate required|handshake failure|client certificate/i);
            if (!tls13) assert.equal(step, 'connect', 'TLS 1.2: the handshake fails in connect()');
          });

          it('with a client certificate the server CA did not sign: FtpError kind tls', async function () {
            const { err } = await expectRefused(srv, { cert: certs.selfSignedCert, key: certs.selfSignedKey });
            assertTlsRefusal(err, srv, /unknown ca|certificate/i);
          });

          it('with a wrong passphrase for the key: connect() fails and says so', async function () {
            const client = newClient(srv, { cert: certs.clientCert, key: certs.clientKeyEncrypted, passphrase: 'not the passphrase' });
            try {
              // NOTE: today this is Node's own Error (ERR_OSSL_BAD_DECRYPT), not an FtpError:
              // the client builds the TLS context only when it starts the handshake.
              await assert.rejects(client.connect(), (e) => {
                assert.match(String(e && e.message), /decrypt|passphrase/i);
                return true;
              });
              assert.equal(client.connected, false);
            } finally {
              client.close();
            }
          });
        });
      }
    }
  }
});
