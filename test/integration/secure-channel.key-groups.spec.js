'use strict';
// vsftpd and Pure-FTPd accept only P-256 for the TLS 1.3 key exchange; a
// ClientHello with OpenSSL's default key share (X25519) gets a
// HelloRetryRequest, which costs a round trip and a key per handshake. The
// client learns the server's group from the control handshake and offers it
// first: every data connection then sends exactly one ClientHello. Counted
// on the wire, through the fault proxy (no faults injected).

const assert = require('node:assert/strict');
const h = require('../harness');
const { FaultProxy } = require('../support/fault-proxy');
const { FtpsClient } = require('../../nodes/lib');

/** Count TLS handshake records of type ClientHello in the bytes a client sent on one connection. */
function clientHelloCounter() {
  const per = new Map();
  return {
    feed(pair, chunk) {
      let st = per.get(pair);
      if (!st) {
        st = { buf: Buffer.alloc(0), hellos: 0, done: false };
        per.set(pair, st);
      }
      if (st.done) return;
      st.buf = Buffer.concat([st.buf, chunk]);
      while (st.buf.length >= 5) {
        const type = st.buf[0];
        const len = st.buf.readUInt16BE(3);
        if (st.buf.length < 5 + len) break;
        if (type === 0x16 && st.buf[5] === 0x01) st.hellos += 1;
        // after the first encrypted record nothing readable follows
        if (type === 0x17) {
          st.done = true;
          break;
        }
        st.buf = st.buf.subarray(5 + len);
      }
    },
    counts: () => [...per.values()].map((s) => s.hellos),
  };
}

for (const kind of ['vsftpd', 'pureftpd', 'proftpd']) {
  describe(`TLS key exchange group (${kind}, explicit FTPS, TLS 1.3)`, function () {
    this.timeout(60000);
    let s;
    let proxy;
    before(async function () {
      h.requireServer(this, kind, 'explicit');
      s = await h.startServer(kind, { mode: 'explicit' });
      proxy = await FaultProxy.start({ host: '127.0.0.2', controlPort: s.port, dataPorts: s.pasvRange });
    });
    after(async () => {
      if (proxy) await proxy.close();
      if (s) await s.stop();
    });

    it('each data connection sends one ClientHello (no HelloRetryRequest) and resumes the session', async () => {
      s.put('kx.bin', Buffer.from('key exchange'));
      const counter = clientHelloCounter();
      proxy.on('bytes', ({ pair, kind: k, dir, chunk }) => {
        if (k === 'data' && dir === 'up') counter.feed(pair, chunk);
      });
      const lines = [];
      const c = new FtpsClient({ host: '127.0.0.2', port: s.port, encryption: 'explicit', tls: { ca: s.ca, servername: 'localhost' }, epsv: 'always', debug: 2, logger: (l) => lines.push(l) });
      await c.connect();
      await c.login(s.user, s.password);
      for (let i = 0; i < 3; i++) assert.equal((await c.getBuffer('kx.bin')).toString(), 'key exchange');
      await c.quit();
      assert.deepEqual(counter.counts(), [1, 1, 1]);
      // Pure-FTPd 1.0.50 hands out no TLS 1.3 tickets: its data connections run full handshakes
      const expected = kind === 'pureftpd' ? /data connection secured: TLSv1\.3, session NEW/ : /data connection secured: TLSv1\.3, session resumed/;
      assert.equal(lines.filter((l) => expected.test(l)).length, 3, lines.filter((l) => /secured/.test(l)).join('\n'));
    });
  });
}
