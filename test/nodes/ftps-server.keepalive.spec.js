'use strict';
// Keep-alive: the session pool with real FtpsClients against a real ProFTPD
// whose TimeoutIdle is short. The test waits for the pool's 'keepalive'
// events, never for a time.
const assert = require('node:assert');
const h = require('../harness');
const { FtpsClient } = require('../../nodes/lib');
const { SessionPool } = require('../../nodes/nodes/session-pool');
const { keepAlives, failedKeepAlive } = require('./support/keepalive-events');

describe('keep-alive on idle pooled sessions (ProFTPD, TimeoutIdle 2 s)', function () {
  this.timeout(30000);
  let s;
  let pool;
  let created;

  before(async function () {
    h.requireServer(this, 'proftpd', 'explicit');
    s = await h.startServer('proftpd', { mode: 'explicit', idleTimeout: 2 });
  });
  after(async () => {
    if (s) await s.stop();
  });
  beforeEach(() => {
    created = [];
    pool = new SessionPool({
      create: () => {
        const c = new FtpsClient({ host: s.host, port: s.port, encryption: 'explicit', tls: { ca: s.ca }, timeout: 10 });
        created.push(c);
        return c;
      },
      open: async (c) => {
        await c.connect();
        await c.login(s.user, s.password);
      },
      keepAlive: 0.4,
      idleTimeout: 0,
    });
  });
  afterEach(async () => {
    await pool.close();
  });

  it('NOOPs keep a session open past the server idle timeout: the next job runs on the same session', async () => {
    await pool.run((c) => c.pwd());
    // 7 × 0.4 s is past ProFTPD's 2 s TimeoutIdle: without the NOOPs it would have closed the session
    const events = await keepAlives(pool, 7);
    assert.ok(events.every((e) => e.ok), 'every NOOP was answered');
    assert.ok(events.every((e) => e.session === events[0].session), 'one session');
    const dir = await pool.run((c) => c.pwd());
    assert.strictEqual(typeof dir, 'string');
    assert.strictEqual(created.length, 1, 'no new session was needed');
    assert.ok(/NOOP/.test(s.log()), 'the server saw NOOP');
  });

  it('a failed NOOP closes that session quietly; the next job reconnects', async () => {
    await pool.run((c) => c.pwd());
    const failed = failedKeepAlive(pool);
    await s.restart();
    const e = await failed;
    assert.ok(e.error instanceof Error);
    const st = pool.status();
    assert.strictEqual(st.sessions, 0, 'the session was discarded');
    assert.notStrictEqual(st.state, 'failed', 'quietly: the pool does not show a failure');
    const dir = await pool.run((c) => c.pwd());
    assert.strictEqual(typeof dir, 'string');
    assert.strictEqual(created.length, 2, 'a new session served the next job');
  });
});
