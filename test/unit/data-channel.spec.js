'use strict';
// Data connections a real server will not misbehave on demand: PASV/EPSV
// addresses and fallbacks, failed and cut transfers, ABOR, against the
// scripted server in test/support/mock-server.js (clear mode).
const assert = require('node:assert/strict');
const { once } = require('node:events');
const { LOGIN, useMockServer, isFtp, deferred } = require('../support/mock-client');

describe('client data connections against a mock server', () => {
  const mock = useMockServer();
  const { startServer, loggedIn, afterLogin } = mock;

  describe('passive data connections', () => {
    it('mock server: a 227 naming a foreign public host (203.0.113.5) is not followed: the data connection goes to the control host', async () => {
      await startServer({ pasvAnnounce: '203.0.113.5', files: { 'f.txt': 'hello from the mock' } });
      const c = await loggedIn({ epsv: 'never', debug: 1 });
      const data = await c.getBuffer('f.txt');
      assert.equal(data.toString(), 'hello from the mock');
      assert.deepEqual(mock.server.dataConnections.map((d) => d.localAddress), ['127.0.0.1'], 'the data connection arrived at the mock listener');
      assert.deepEqual(afterLogin(), ['PASV', 'RETR f.txt']);
      assert.ok(
        mock.log.some((l) => /PASV named 203\.0\.113\.5 \(a host other than the control connection\); connecting to the control host 127\.0\.0\.1 instead/.test(l)),
        `debug log says so:\n${mock.log.join('\n')}`,
      );
    });

    it('mock server: a 227 naming a private address other than the peer (NAT) also goes to the control host', async () => {
      await startServer({ pasvAnnounce: '127.0.0.2', files: { 'f.txt': 'x' } });
      const c = await loggedIn({ epsv: 'never', debug: 1 });
      assert.equal((await c.getBuffer('f.txt')).toString(), 'x');
      assert.deepEqual(mock.server.dataConnections.map((d) => d.localAddress), ['127.0.0.1']);
      assert.ok(mock.log.some((l) => /PASV named 127\.0\.0\.2 \(a private, loopback or unroutable address\)/.test(l)), mock.log.join('\n'));
    });

    it('mock server: pasvHost overrides the 227 address', async () => {
      await startServer({ pasvAnnounce: '203.0.113.5', pasvBindHost: '127.0.0.2', files: { 'f.txt': 'via pasvHost' } });
      const c = await loggedIn({ epsv: 'never', debug: 1, pasvHost: '127.0.0.2' });
      assert.equal((await c.getBuffer('f.txt')).toString(), 'via pasvHost');
      assert.deepEqual(mock.server.dataConnections.map((d) => d.localAddress), ['127.0.0.2'], 'connected to the pasvHost, not the control host');
      assert.ok(mock.log.some((l) => l === 'PASV named 203.0.113.5; using the configured pasvHost 127.0.0.2'), mock.log.join('\n'));
    });

    it('mock server: allowForeignDataHost follows the 227 address', async () => {
      await startServer({ pasvBindHost: '127.0.0.2', files: { 'f.txt': 'foreign ok' } });
      const c = await loggedIn({ epsv: 'never', debug: 1, allowForeignDataHost: true });
      assert.equal((await c.getBuffer('f.txt')).toString(), 'foreign ok');
      assert.deepEqual(mock.server.dataConnections.map((d) => d.localAddress), ['127.0.0.2']);
      assert.equal(mock.log.some((l) => /PASV named/.test(l)), false, 'no note when the address is used');
    });

    it('mock server: EPSV answered 500 → PASV, and no EPSV again in that session (epsv auto)', async () => {
      await startServer({ files: { a: 'A', b: 'B' }, listing: 'a\r\nb\r\n', handlers: { EPSV: (s) => s.reply('500 EPSV not understood.') } });
      const c = await loggedIn({ debug: 1 });
      assert.equal((await c.getBuffer('a')).toString(), 'A');
      assert.equal((await c.getBuffer('b')).toString(), 'B');
      assert.equal(await c.listRaw('LIST'), 'a\r\nb\r\n');
      assert.deepEqual(afterLogin(), ['EPSV', 'PASV', 'RETR a', 'PASV', 'RETR b', 'PASV', 'LIST']);
      assert.ok(mock.log.includes('EPSV refused (500); using PASV from now on'), mock.log.join('\n'));
      assert.equal(mock.server.dataConnections.length, 3);
    });

    it('mock server: a new session tries EPSV again after it was refused in the previous one', async () => {
      await startServer({ files: { a: 'A' }, handlers: { EPSV: (s) => s.reply('500 EPSV not understood.') } });
      const c = await loggedIn();
      await c.getBuffer('a');
      await c.quit();
      await c.connect();
      await c.login('user', 'pw');
      await c.getBuffer('a');
      assert.deepEqual(mock.server.sessions[1].lines, [...LOGIN, 'EPSV', 'PASV', 'RETR a']);
    });

    it('mock server: epsv always → EPSV ALL after login, then EPSV only', async () => {
      await startServer({ files: { a: 'A' } });
      const c = await loggedIn({ epsv: 'always' });
      assert.deepEqual(mock.server.sessions[0].lines, ['USER user', 'PASS pw', 'FEAT', 'EPSV ALL', 'TYPE I']);
      assert.equal((await c.getBuffer('a')).toString(), 'A');
      assert.deepEqual(mock.server.sessions[0].lines.slice(5), ['EPSV', 'RETR a']);
    });

    it('mock server: epsv always with EPSV refused fails the transfer without trying PASV', async () => {
      await startServer({ files: { a: 'A' }, handlers: { EPSV: (s, arg) => s.reply(arg === 'ALL' ? '200 ok' : '500 EPSV not understood.') } });
      const c = await loggedIn({ epsv: 'always' });
      await assert.rejects(c.getBuffer('a'), isFtp('reply', 500));
      await c.noop();
      assert.deepEqual(mock.server.sessions[0].lines.slice(5), ['EPSV', 'NOOP']);
    });

    it('mock server: epsv never → PASV only', async () => {
      await startServer({ files: { a: 'A' } });
      const c = await loggedIn({ epsv: 'never' });
      assert.equal((await c.getBuffer('a')).toString(), 'A');
      assert.deepEqual(afterLogin(), ['PASV', 'RETR a']);
    });
  });

  describe('failed transfers', () => {
    it('mock server: RETR of a missing file → 550, the session goes on', async () => {
      await startServer();
      const c = await loggedIn();
      await assert.rejects(c.getBuffer('missing.txt'), (e) => isFtp('reply', 550)(e) && e.command === 'RETR missing.txt');
      await c.noop();
      assert.deepEqual(afterLogin(), ['EPSV', 'RETR missing.txt', 'NOOP']);
    });

    for (const order of ['550 then reset', 'reset then 550']) {
      it(`mock server: the data connection reset while the server answers 550 (${order}) → the error carries 550, not ECONNRESET; the session works`, async () => {
        await startServer({
          handlers: {
            RETR: async (s) => {
              const sock = await s.dataSocket();
              s.reply('150 Opening BINARY mode data connection for f.txt (1000 bytes).');
              sock.write(Buffer.alloc(100, 0x61));
              if (order === '550 then reset') {
                s.reply('550 Failed: disk read error.');
                sock.resetAndDestroy();
              } else {
                sock.resetAndDestroy();
                await once(sock, 'close');
                s.reply('550 Failed: disk read error.');
              }
            },
          },
        });
        const c = await loggedIn();
        await assert.rejects(c.getBuffer('f.txt'), (e) => {
          isFtp('reply', 550)(e);
          assert.match(e.message, /^RETR f\.txt: 550 Failed: disk read error\.$/);
          assert.doesNotMatch(e.message, /ECONNRESET/);
          return true;
        });
        assert.equal(c.connected, true);
        const r = await c.noop();
        assert.equal(r.code, 200);
        assert.deepEqual(afterLogin(), ['EPSV', 'RETR f.txt', 'NOOP']);
      });
    }

    // Node takes a TCP FIN without TLS close_notify as a clean end; the size in the 150 reply
    // tells a cut transfer from a whole one, also after REST, whether the server announces
    // the whole file or what is left
    for (const [offset, announced, sent, ok] of [[0, 1000, 300, false], [0, 1000, 1000, true], [500, 1000, 300, false], [500, 1000, 500, true], [500, 500, 500, true]]) {
      it(`mock server: ${offset ? `REST ${offset}, ` : ''}150 announcing ${announced} bytes, ${sent} bytes then FIN and 226 → ${ok ? 'complete' : '426 (incomplete)'}`, async () => {
        await startServer({
          handlers: {
            REST: (s) => s.reply('350 Restarting at 500.'),
            RETR: async (s) => {
              const sock = await s.dataSocket();
              s.reply(`150 Opening BINARY mode data connection for f.bin (${announced} bytes).`);
              sock.end(Buffer.alloc(sent, 0x62));
              await once(sock, 'close');
              s.reply('226 Transfer complete.');
            },
          },
        });
        const c = await loggedIn();
        const chunks = [];
        const sink = new (require('node:stream').Writable)({ write(chunk, _e, cb) { chunks.push(chunk); cb(); } });
        const p = c.get('f.bin', sink, offset ? { offset } : {});
        if (ok) assert.equal((await p).bytes, sent);
        else await assert.rejects(p, (e) => isFtp('data', 426)(e) && /300 of the 1000 bytes/.test(e.message));
        assert.equal((await c.noop()).code, 200);
      });
    }

    it('mock server: a 426 after a reset data connection is reported as 426', async () => {
      await startServer({
        handlers: {
          RETR: async (s) => {
            const sock = await s.dataSocket();
            s.reply('150 Opening data connection.');
            sock.resetAndDestroy();
            await once(sock, 'close');
            s.reply('426 Connection closed; transfer aborted.');
          },
        },
      });
      const c = await loggedIn();
      await assert.rejects(c.getBuffer('f.txt'), isFtp('reply', 426));
      assert.equal((await c.noop()).code, 200);
    });
  });

  describe('abort', () => {
    it('mock server: aborting a RETR in progress → kind aborted, ABOR is sent, the session works afterwards', async () => {
      const dataSock = deferred();
      await startServer({
        handlers: {
          RETR: async (s) => {
            const sock = await s.dataSocket();
            s.reply('150 Opening BINARY mode data connection for big.bin (10000000 bytes).');
            dataSock.resolve(sock);
          },
          ABOR: (s) => s.reply('426 Connection closed; transfer aborted.', '226 ABOR command successful.'),
        },
      });
      const c = await loggedIn();
      const ac = new AbortController();
      const firstBytes = deferred();
      const progress = [];
      const p = c.getBuffer('big.bin', {
        signal: ac.signal,
        onProgress: (pr) => {
          progress.push(pr);
          if (pr.bytes > 0) firstBytes.resolve();
        },
      });
      p.catch(() => undefined);
      const sock = await dataSock.promise;
      const sockClosed = once(sock, 'close');
      sock.write(Buffer.alloc(1000, 0x62)); // the first chunk; the rest never comes
      await firstBytes.promise;
      ac.abort();

      await assert.rejects(p, (e) => isFtp('aborted')(e) && /RETR big\.bin: transfer aborted/.test(e.message) && e.command === 'RETR big.bin');
      await sockClosed; // the client dropped the data connection
      assert.equal(progress[0].total, 10000000, 'the size hint of the 150 reply');
      const moved = Math.max(...progress.map((x) => x.bytes));
      assert.ok(moved > 0 && moved <= 1000, `progress counted the bytes sent before the abort (${moved})`);
      assert.deepEqual(afterLogin(), ['EPSV', 'RETR big.bin', 'ABOR', 'NOOP']);

      assert.equal(c.connected, true);
      assert.equal(await c.pwd(), '/');
      assert.equal((await c.noop()).code, 200);
      assert.deepEqual(afterLogin().slice(-2), ['PWD', 'NOOP']);
    });

    it('mock server: aborting when the server answers ABOR with only 226 also keeps the session in step', async () => {
      const dataSock = deferred();
      await startServer({
        handlers: {
          RETR: async (s) => {
            const sock = await s.dataSocket();
            s.reply('150 Opening data connection.');
            dataSock.resolve(sock);
          },
          ABOR: (s) => s.reply('226 Closing data connection.'),
        },
      });
      const c = await loggedIn();
      const ac = new AbortController();
      const firstBytes = deferred();
      const p = c.getBuffer('big.bin', { signal: ac.signal, onProgress: (pr) => pr.bytes > 0 && firstBytes.resolve() });
      p.catch(() => undefined);
      (await dataSock.promise).write('some bytes');
      await firstBytes.promise;
      ac.abort();
      await assert.rejects(p, isFtp('aborted'));
      assert.equal(await c.pwd(), '/');
      assert.deepEqual(afterLogin(), ['EPSV', 'RETR big.bin', 'ABOR', 'NOOP', 'PWD']);
    });
  });
});
