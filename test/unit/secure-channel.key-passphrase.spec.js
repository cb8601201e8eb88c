'use strict';
// A wrong passphrase for the client key is reported as such, also when the
// wrong key happens to decrypt with valid padding (about 1 in 256) and
// OpenSSL then fails on the garbage with another code (ERR_OSSL_UNSUPPORTED
// and the like): CI once drew such a key and eight certificate tests failed.
const assert = require('node:assert');
const crypto = require('node:crypto');
const { PassThrough } = require('node:stream');
const { startTls } = require('../../nodes/lib/sockets');

describe('client key with a wrong passphrase', function () {
  const { privateKey: key } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

  /** The code OpenSSL gives for loading the key with this passphrase (null: it loads). */
  const loadCode = (passphrase) => {
    try {
      crypto.createPrivateKey({ key, passphrase });
      return null;
    } catch (e) {
      return e.code;
    }
  };

  const refusal = async (passphrase) => {
    const err = await startTls({ key, passphrase, socket: new PassThrough() }, 1000, 'control connection').then(
      () => assert.fail('the key loaded'),
      (e) => e,
    );
    return err;
  };

  it('the usual case (bad decrypt) names the passphrase', async () => {
    assert.strictEqual(loadCode('wrong'), 'ERR_OSSL_BAD_DECRYPT');
    const e = await refusal('wrong');
    assert.strictEqual(e.kind, 'tls');
    assert.match(e.message, /wrong or missing passphrase/);
  });

  it('a wrong passphrase that passes the padding check and fails later still names the passphrase', async () => {
    let odd = null;
    for (let i = 0; i < 20000 && odd === null; i += 1) {
      const code = loadCode(`wrong-${i}`);
      if (code !== null && code !== 'ERR_OSSL_BAD_DECRYPT') odd = `wrong-${i}`;
    }
    assert.ok(odd, 'found a wrong passphrase that OpenSSL does not report as a bad decrypt');
    const e = await refusal(odd);
    assert.match(e.message, /wrong or missing passphrase/);
    assert.notStrictEqual(e.cause.cause?.code ?? e.cause.code, undefined);
  });
});
