'use strict';
// ftp-srv 4.6 and the first upload of a session: the client waits for the 1xx
// before the data connection's TLS handshake, ftp-srv waits for the handshake
// before its 150, so after 5 s it answers 425 and the client repeats the
// upload with the handshake at once. ftp-srv tears the failed transfer's data
// connector down only after sending that 425, and so tore down the connector
// of an EPSV that overtook it ("550 No connector setup, send PASV or PORT"):
// on a loaded machine 1 in 4 of such uploads failed. A NOOP round trip before
// the repeat lets it finish. Many sessions at once, as that load.
const assert = require('node:assert/strict');
const h = require('../harness');
const { FtpsClient } = require('../../nodes/lib');

const SESSIONS = 30;
const NOT_READY = 'the server was not ready for TLS after 234; try again';

describe('ftp-srv: the first upload of a session, repeated after its 425, is not overtaken by its own teardown', function () {
  this.timeout(120000);
  let srv;
  before(async function () {
    h.requireServer(this, 'ftpsrv', 'explicit');
    srv = await h.startServer('ftpsrv', { mode: 'explicit' });
  });
  after(async () => { await srv?.stop(); });

  it(`${SESSIONS} sessions at once: every first upload lands, byte-exact, after a NOOP round trip`, async () => {
    const one = async (i) => {
      for (let attempt = 1; ; attempt++) {
        const lines = [];
        const c = new FtpsClient({ host: srv.host, port: srv.port, encryption: 'explicit', tls: { ca: srv.ca }, timeout: 30, debug: 2, logger: (l) => lines.push(l) });
        try {
          await c.connect();
          await c.login(srv.user, srv.password);
        } catch (e) {
          c.close();
          // ftp-srv's AUTH TLS race (it may read the ClientHello as a command): log in again
          if (e.message !== NOT_READY || attempt >= 20) throw e;
          continue;
        }
        try {
          await c.put(Buffer.from(`upload ${i}\n`), `first-${i}.txt`);
          return lines;
        } finally {
          c.close();
        }
      }
    };
    const logs = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => one(i)));
    for (let i = 0; i < SESSIONS; i++) {
      assert.equal(require('node:fs').readFileSync(`${srv.root}/first-${i}.txt`, 'utf8'), `upload ${i}\n`);
      const text = logs[i].join('\n');
      assert.match(text, /<<< 425 [^]*uploads start the handshake at once from now on\n>>> NOOP\n<<< 200 [^]*>>> STOR/, text);
    }
  });
});
