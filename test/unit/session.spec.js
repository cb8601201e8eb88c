'use strict';
// The control session's error paths a real server will not produce on demand
// (lost sessions, greetings, paused timers, password masking), against the
// scripted server in test/support/mock-server.js (clear mode).
const assert = require('node:assert/strict');
const { FtpsClient } = require('../../nodes/lib');
const { useMockServer, isFtp } = require('../support/mock-client');

const SECRET = 's3cret-XYZ';

describe('client session against a mock server', () => {
  const mock = useMockServer();
  const { startServer, newClient, loggedIn, afterLogin } = mock;

  describe('lost sessions', () => {
    it('mock server: a 421 reply to a command on an idle session is FtpError code 421 and ends the session', async () => {
      await startServer({
        handlers: {
          NOOP: (s) => {
            s.reply('421 Timeout: closing control connection.');
            s.end();
          },
        },
      });
      const c = await loggedIn();
      assert.equal(c.connected, true);
      await assert.rejects(c.noop(), (e) => isFtp('closed', 421)(e) && /421 Timeout/.test(e.message) && e.serverMessage === 'Timeout: closing control connection.');
      assert.equal(c.connected, false);
      assert.equal(c.isLoggedIn, false);
      // later calls fail at once, without sending anything
      await assert.rejects(c.pwd(), isFtp('closed', 421));
      assert.deepEqual(afterLogin(), ['NOOP']);
    });

    it('mock server: a 421 the server sends unasked while idle, then hangs up, fails the next command with 421', async () => {
      await startServer();
      const c = await loggedIn();
      const s = mock.server.sessions[0];
      s.reply('421 Idle timeout (60 seconds): closing control connection');
      s.end();
      await s.closed; // the client has seen the end of the connection
      assert.equal(c.connected, false);
      await assert.rejects(c.noop(), isFtp('closed', 421));
    });

    it('mock server: the server closing in the middle of a multi-line reply is kind closed, code 421', async () => {
      await startServer({
        handlers: {
          STAT: (s) => {
            s.write('211-Status of the session:\r\n Connected to 127.0.0.1\r\n Logged in as user\r\n');
            s.end();
          },
        },
      });
      const c = await loggedIn();
      await assert.rejects(c.quot('STAT'), (e) => isFtp('closed', 421)(e) && /closed by the server/.test(e.message) && e.command === 'STAT');
      assert.equal(c.connected, false);
    });

    it('mock server: the server closing in the middle of a reply line is kind closed, code 421', async () => {
      await startServer({
        handlers: {
          NOOP: (s) => {
            s.write('20');
            s.end();
          },
        },
      });
      const c = await loggedIn();
      await assert.rejects(c.noop(), isFtp('closed', 421));
      assert.equal(c.connected, false);
    });

    it('mock server: a server that never replies times out (timeout: 1) naming the command; the session is closed', async () => {
      await startServer({ handlers: { NOOP: () => undefined } });
      const c = await loggedIn({ timeout: 1 });
      await assert.rejects(c.noop(), (e) => isFtp('timeout', 421)(e) && /NOOP/.test(e.message) && /reply/.test(e.message) && e.command === 'NOOP');
      assert.equal(c.connected, false);
      await assert.rejects(c.noop(), isFtp('timeout', 421), 'the session stays closed with the same reason');
      assert.deepEqual(afterLogin(), ['NOOP']);
    });

    // A pause of the whole process (GC, a busy flow, a loaded machine) longer than the timeout, while the
    // server's answer arrives: the timers run first when the process wakes, and the answer is not yet read.
    // The server handlers below pause the process just after answering (client and mock server share it).
    const pause = (ms) => {
      const t = Date.now();
      while (Date.now() - t < ms);
    };

    it('mock server: a reply that came while the process was paused past the timeout is read, not taken for a timeout', async () => {
      await startServer({
        handlers: {
          NOOP: (s) => {
            s.reply('200 NOOP ok.');
            pause(1500);
          },
        },
      });
      const c = await loggedIn({ timeout: 1 });
      assert.equal((await c.noop()).code, 200);
      assert.equal(c.connected, true);
      assert.equal((await c.pwd()), '/', 'the session is in step');
    });

    it('mock server: data that came while the process was paused past the timeout is read, not taken for a stalled transfer', async () => {
      await startServer({
        handlers: {
          RETR: async (s) => {
            const sock = await s.dataSocket();
            s.reply('150 Opening BINARY mode data connection for f.bin (10 bytes).');
            sock.write('first');
            // later, so the client's data timeout runs from the first chunk and is due during the
            // pause; in a setImmediate, so the next loop turn starts with the timers
            setTimeout(() => setImmediate(() => {
              sock.end('-rest');
              s.reply('226 Transfer complete.');
              pause(1500);
            }), 100);
          },
        },
      });
      const c = await loggedIn({ timeout: 1 });
      assert.equal((await c.getBuffer('f.bin')).toString(), 'first-rest');
      assert.equal(c.connected, true);
    });

    it('mock server: a final reply that came while the process was paused past the timeout is read, not taken for a timeout', async () => {
      await startServer({
        handlers: {
          RETR: async (s) => {
            const sock = await s.dataSocket();
            s.reply('150 Opening BINARY mode data connection for f.bin (4 bytes).');
            sock.end('data');
            // once the client waits for the 226 (its timeout running); the pause from a setImmediate (above)
            setTimeout(() => setImmediate(() => {
              s.reply('226 Transfer complete.');
              pause(1500);
            }), 100);
          },
        },
      });
      const c = await loggedIn({ timeout: 1 });
      assert.equal((await c.getBuffer('f.bin')).toString(), 'data');
      assert.equal(c.connected, true);
    });

    it('mock server: a connection made while the process was paused past the timeout is used, not taken for a timeout', async () => {
      await startServer();
      const c = newClient({ timeout: 1 });
      const connecting = c.connect();
      // the client's connect() has opened the socket by the check phase of this loop turn
      setImmediate(() => pause(1500));
      await connecting;
      await c.login('user', 'pw');
      assert.equal((await c.noop()).code, 200);
    });

    it('mock server: a reply line longer than 64 KiB ends the session with kind protocol', async () => {
      await startServer({ handlers: { NOOP: (s) => s.write('200 ' + 'x'.repeat(70 * 1024)) } });
      const c = await loggedIn();
      await assert.rejects(c.noop(), (e) => isFtp('protocol', 421)(e) && /unreadable reply/.test(e.message) && /65536 bytes/.test(e.message));
      assert.equal(c.connected, false);
    });

    it('mock server: no greeting → timeout naming the greeting', async () => {
      await startServer({ greeting: null });
      const c = newClient({ timeout: 1 });
      await assert.rejects(c.connect(), (e) => isFtp('timeout', 421)(e) && /greeting/.test(e.message));
      assert.equal(c.connected, false);
    });

    it('mock server: a 421 greeting is refused as kind closed', async () => {
      await startServer({ greeting: '421 Too many connections' });
      const c = newClient();
      await assert.rejects(c.connect(), (e) => isFtp('closed', 421)(e) && /Too many connections/.test(e.message));
      assert.equal(c.connected, false);
    });

    it('mock server: a multi-line greeting with a 120 before it is read whole', async () => {
      await startServer({ greeting: ['120 Wait a moment', '220-Welcome', '  220 not the end', '220 Ready'] });
      const c = newClient();
      const welcome = await c.connect();
      assert.equal(welcome.code, 220);
      assert.equal(welcome.message, 'Welcome\n  220 not the end\nReady');
      await c.login('user', 'pw');
      await c.noop();
      assert.deepEqual(afterLogin(), ['NOOP']);
    });
  });

  describe('password masking', () => {
    it(`mock server: with debug 2, neither log lines nor errors contain the password; PASS shows as "PASS ****"`, async () => {
      await startServer({
        handlers: {
          PASS: (s, arg) => s.reply(arg === SECRET && s === s.server.sessions[0] ? '230 Login successful.' : '530 Login incorrect.'),
        },
      });
      const ok = newClient({ debug: 2 });
      await ok.connect();
      await ok.login('user', SECRET);
      await ok.noop();

      const bad = newClient({ debug: 2 });
      await bad.connect();
      const err = await bad.login('user', SECRET).then(
        () => assert.fail('the second login should fail'),
        (e) => e,
      );
      assert.ok(isFtp('reply', 530)(err));
      assert.equal(bad.connected, false, 'a failed login closes the session');

      // the password did go to the server, so the checks below mean something
      assert.deepEqual(
        mock.server.lines.filter((l) => l.startsWith('PASS')),
        [`PASS ${SECRET}`, `PASS ${SECRET}`],
      );
      assert.equal(mock.log.filter((l) => l === '>>> PASS ****').length, 2, mock.log.join('\n'));
      for (const l of mock.log) assert.ok(!l.includes(SECRET), `log line leaks the password: ${l}`);
      for (const text of [err.message, err.command, err.serverMessage, String(err.stack), JSON.stringify(err)]) {
        assert.ok(!text.includes(SECRET), `error leaks the password: ${text}`);
      }
      assert.ok(mock.log.some((l) => l.startsWith('connected to ')), 'debug 2 detail lines are logged');
    });

    it('mock server: a PASS that times out names "PASS ****", not the password', async () => {
      await startServer({ handlers: { PASS: () => undefined } });
      const c = newClient({ debug: 2, timeout: 1 });
      await c.connect();
      const err = await c.login('user', SECRET).then(
        () => assert.fail('should time out'),
        (e) => e,
      );
      assert.ok(isFtp('timeout', 421)(err));
      assert.match(err.message, /PASS \*\*\*\*/);
      assert.equal(err.command, 'PASS ****');
      assert.ok(!err.message.includes(SECRET) && !String(err.stack).includes(SECRET));
      for (const l of mock.log) assert.ok(!l.includes(SECRET), l);
      assert.ok(mock.server.lines.includes(`PASS ${SECRET}`));
    });

    // BUG: a password with CR, LF or NUL is refused (right), but the refusal
    // quotes it: login('user', 's3cret-XYZ\n') rejects with the message
    // 'password contains CR, LF or NUL and was not sent: "s3cret-XYZ\n"'.
    // A trailing newline is the usual result of reading a password from a
    // file or secret mount, and the message ends up in logs (Node-RED's
    // node.error). Same for quot('ACCT s3cret-XYZ\0'). validate.ts should not
    // echo the value for 'password' (or mask it as maskCommand does).
    it('refusing a password with a trailing LF does not put the password into the error', async () => {
      // refused before any connection is needed
      const c = new FtpsClient({ host: '127.0.0.1', encryption: 'clear', debug: 2, logger: (l) => mock.log.push(l) });
      const err = await c.login('user', `${SECRET}\n`).then(
        () => assert.fail('should be refused'),
        (e) => e,
      );
      assert.ok(isFtp('input')(err));
      assert.ok(!err.message.includes(SECRET), err.message);
      const err2 = await c.quot(`ACCT ${SECRET}\0`).then(
        () => assert.fail('should be refused'),
        (e) => e,
      );
      assert.ok(!err2.message.includes(SECRET), err2.message);
    });

    it('mock server: ACCT sent through quot is masked in the log', async () => {
      await startServer({ handlers: { ACCT: (s) => s.reply('202 ACCT not needed') } });
      const c = await loggedIn({ debug: 1 });
      assert.equal((await c.quot(`ACCT ${SECRET}`)).code, 202);
      assert.ok(mock.log.includes('>>> ACCT ****'), mock.log.join('\n'));
      for (const l of mock.log) assert.ok(!l.includes(SECRET), l);
    });
  });
});
