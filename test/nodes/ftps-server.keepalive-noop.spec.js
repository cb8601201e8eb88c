'use strict';
// Keep-alive against a real server without NOOP: aioftp 0.21 answers
// "502 'noop' not implemented". The reply is proof the link is alive, so the
// pool keeps the session (before, it closed it after every NOOP and the next
// message paid for a new login). The test waits for the pool's 'keepalive'
// events, never for a time.
const assert = require('node:assert');
const h = require('../harness');
const { FtpsClient } = require('../../nodes/lib');
const { SessionPool } = require('../../nodes/nodes/session-pool');
const { keepAlives, failedKeepAlive } = require('./support/keepalive-events');

for (const mode of ['clear', 'implicit']) {
  describe(`ftps-server keep-alive: a server that answers NOOP with 502 keeps its session (aioftp, ${mode})`, function () {
    this.timeout(30000);
    let s;
    let pool;
    let created;
    let wire;
    let poolLog;

    before(async function () {
      h.requireServer(this, 'aioftp', mode);
      s = await h.startServer('aioftp', { mode });
    });
    after(async () => {
      if (s) await s.stop();
    });
    beforeEach(() => {
      created = [];
      wire = [];
      poolLog = [];
      pool = new SessionPool({
        create: () => {
          const c = new FtpsClient({ host: s.host, port: s.port, encryption: mode, tls: { ca: s.ca }, timeout: 10, debug: 1, logger: (l) => wire.push(l) });
          created.push(c);
          return c;
        },
        open: async (c) => {
          await c.connect();
          await c.login(s.user, s.password);
        },
        keepAlive: 0.2,
        idleTimeout: 0,
        log: (m) => poolLog.push(m),
      });
    });
    afterEach(async () => {
      await pool.close();
    });

    it('NOOP answered 502: the session stays, keeps being pinged, and serves the next job', async () => {
      await pool.run((c) => c.pwd());
      const events = await keepAlives(pool, 3);
      assert.ok(wire.some((l) => /^<<< 502 /.test(l)), `the server refused NOOP:\n${wire.join('\n')}`);
      assert.ok(events.every((e) => e.ok), 'the pool counts an answered NOOP as alive');
      assert.ok(events.every((e) => e.session === events[0].session), 'one session throughout');
      assert.strictEqual(pool.status().sessions, 1);
      assert.ok(poolLog.some((m) => /keep-alive NOOP answered 502/.test(m)), poolLog.join('\n'));
      assert.ok(!poolLog.some((m) => /closing it/.test(m)), poolLog.join('\n'));
      const dir = await pool.run((c) => c.pwd());
      assert.strictEqual(dir, '/');
      assert.strictEqual(created.length, 1, 'no new session was needed');
    });

    it('a dead session is still discarded: the server restarted under an idle session', async () => {
      await pool.run((c) => c.pwd());
      const failed = failedKeepAlive(pool);
      await s.restart();
      const e = await failed;
      assert.ok(e.error instanceof Error);
      assert.strictEqual(pool.status().sessions, 0, 'the session was discarded');
      assert.strictEqual(await pool.run((c) => c.pwd()), '/');
      assert.strictEqual(created.length, 2, 'a new session served the next job');
    });
  });
}
