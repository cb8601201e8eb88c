'use strict';
// connectReading holds a TLS data connection's handshake back until secure():
// FTPS sends the transfer command first (pyftpdlib resets a data connection
// whose ClientHello comes earlier). This relies on Node's internal TLS handle
// start(); these tests fail if a Node.js release changes that, instead of the
// client silently sending its ClientHello early.

const assert = require('node:assert/strict');
const net = require('node:net');
const { connectReading, handshakeCanWait } = require('../../nodes/lib/sockets');

function listen(onConn) {
  return new Promise((resolve) => {
    const srv = net.createServer(onConn);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

describe('a held-back TLS handshake (data connections read with onread)', () => {
  const cleanup = [];
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
  });

  it('this Node.js can hold it back', () => {
    assert.equal(handshakeCanWait(), true);
  });

  it('mock server: no byte arrives before secure(); then the ClientHello does', async () => {
    const got = [];
    let first;
    const firstBytes = new Promise((resolve) => {
      first = resolve;
    });
    const srv = await listen((sock) => {
      cleanup.push(() => sock.destroy());
      sock.on('data', (d) => {
        got.push(d);
        first(d);
      });
      sock.on('error', () => {});
    });
    cleanup.push(() => srv.close());
    const { port } = srv.address();
    const into = { buffer: Buffer.alloc(16384), callback: () => true };
    const conn = await connectReading('127.0.0.1', port, 5000, 'data connection', into, { rejectUnauthorized: false, servername: 'localhost' });
    cleanup.push(() => conn.socket.destroy());
    // a second connection's bytes, sent after the first connected: had the ClientHello gone out at
    // connect time, it would have been queued at the server before these
    const probe = await new Promise((resolve) => {
      const srv2 = net.createServer((s) => s.once('data', () => resolve({ srv2, before: got.length })));
      cleanup.push(() => srv2.close());
      srv2.listen(0, '127.0.0.1', () => net.connect(srv2.address().port, '127.0.0.1', function () {
        this.end('ping');
      }));
    });
    assert.equal(probe.before, 0, 'nothing was sent on the held connection');
    const hs = conn.secure(5000, 'data connection');
    hs.catch(() => {});
    // a second call must not start the handshake again (Node aborts the process on that)
    assert.equal(conn.secure(5000, 'data connection'), hs);
    const d = await firstBytes;
    assert.equal(d[0], 0x16, 'a TLS handshake record');
    assert.equal(d[5], 0x01, 'a ClientHello');
  });
});
