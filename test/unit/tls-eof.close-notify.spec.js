'use strict';
// watchTlsEnd (src/lib/tls-eof.ts) tells a TLS stream ended by close_notify
// from one cut by a bare TCP FIN, through Node internals: this pins them down
// on the Node.js release under test, for both ways the client builds a TLS
// data connection (tls.connect making the TCP connection with onread, and
// TLS over a connected socket), with the reader keeping up and with it
// pausing (backpressure) at the end.
const assert = require('node:assert/strict');
const net = require('node:net');
const tls = require('node:tls');
const { Duplex } = require('node:stream');
const h = require('../harness');
const { watchTlsEnd } = require('../../nodes/lib/tls-eof');

const SIZE = 1024 * 1024;

/** A TLS server over plain TCP that sends SIZE bytes, then ends with close_notify ('notify') or a bare FIN ('fin'). */
async function server(how) {
  const { serverKey: key, serverCert: cert } = await h.certs();
  const srv = net.createServer((c) => {
    c.on('error', () => {});
    const t = new tls.TLSSocket(c, { isServer: true, key, cert });
    t.on('error', () => {});
    t.write(Buffer.alloc(SIZE, 7), () => (how === 'notify' ? t.end() : c.end()));
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

/** Download from `srv`; `slow`: the reader pauses on every chunk (the socket is stopped when the end arrives). */
async function download(srv, viaSocket, slow) {
  const port = srv.address().port;
  let sock;
  let bytes = 0;
  if (viaSocket) {
    const raw = net.connect(port, '127.0.0.1');
    await new Promise((r) => raw.once('connect', r));
    sock = tls.connect({ socket: raw, rejectUnauthorized: false });
  } else {
    const buffer = Buffer.alloc(16 * 1024);
    sock = tls.connect({
      host: '127.0.0.1', port, rejectUnauthorized: false,
      onread: { buffer, callback: (n) => { bytes += n; if (slow) setImmediate(() => sock.resume()); return !slow; } },
    });
  }
  const ended = watchTlsEnd(sock);
  if (viaSocket) {
    sock.on('data', (c) => {
      bytes += c.length;
      if (slow) {
        sock.pause();
        setImmediate(() => sock.resume());
      }
    });
  } else {
    sock.resume();
  }
  await new Promise((resolve, reject) => {
    sock.on('end', resolve);
    sock.on('error', reject);
  });
  sock.destroy();
  assert.equal(bytes, SIZE);
  return ended();
}

describe('tls-eof: close_notify told apart from a bare FIN', function () {
  this.timeout(20000);
  it('TLS over a stream that is not a TCP socket (a proxy\'s Duplex): no verdict ("unknown"), so no false failure', async () => {
    const srv = await server('notify');
    try {
      const raw = net.connect(srv.address().port, '127.0.0.1');
      await new Promise((r) => raw.once('connect', r));
      const duplex = new Duplex({
        read() {
          raw.resume();
        },
        write(chunk, enc, cb) {
          raw.write(chunk, cb);
        },
        final(cb) {
          raw.end();
          cb();
        },
      });
      raw.on('data', (c) => {
        if (!duplex.push(c)) raw.pause();
      });
      raw.on('end', () => duplex.push(null));
      const sock = tls.connect({ socket: duplex, rejectUnauthorized: false });
      const ended = watchTlsEnd(sock);
      let bytes = 0;
      sock.on('data', (c) => {
        bytes += c.length;
      });
      await new Promise((resolve, reject) => {
        sock.on('end', resolve);
        sock.on('error', reject);
      });
      sock.destroy();
      raw.destroy();
      assert.equal(bytes, SIZE);
      assert.equal(ended(), 'unknown');
    } finally {
      srv.close();
    }
  });
  for (const viaSocket of [false, true]) {
    for (const slow of [false, true]) {
      const how = `${viaSocket ? 'TLS over a connected socket' : 'tls.connect with onread'}${slow ? ', reader pausing' : ''}`;
      it(`${how}: close_notify`, async () => {
        const srv = await server('notify');
        try {
          assert.equal(await download(srv, viaSocket, slow), 'close_notify');
        } finally {
          srv.close();
        }
      });
      it(`${how}: bare FIN`, async () => {
        const srv = await server('fin');
        try {
          assert.equal(await download(srv, viaSocket, slow), 'fin');
        } finally {
          srv.close();
        }
      });
    }
  }
});
