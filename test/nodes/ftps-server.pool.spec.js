'use strict';
// Unit tests of the ftps-server node's session pool, with a fake client.
const assert = require('node:assert');
const { SessionPool, PoolClosedError, isDeadSession } = require('../../nodes/nodes/session-pool');
const { FakeClient } = require('../support/fake-client');

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** FakeClients whose connected flag, quit() and close() log what happened. */
function fakeWorld(opts = {}) {
  const world = { created: [], events: [], failConnect: opts.failConnect || null, connectMs: opts.connectMs ?? 5, quitMs: opts.quitMs ?? 5 };
  // world.next(e): resolves once event e has happened (so tests wait for it, not for a time)
  const waiting = [];
  world.events.push = (...evs) => {
    const n = Array.prototype.push.apply(world.events, evs);
    for (const w of waiting.splice(0)) {
      if (world.events.includes(w.e)) w.resolve();
      else waiting.push(w);
    }
    return n;
  };
  world.next = (e) => (world.events.includes(e) ? Promise.resolve() : new Promise((resolve) => waiting.push({ e, resolve })));
  world.create = () => {
    const c = Object.assign(new FakeClient(), {
      id: world.created.length + 1,
      connected: false,
      quits: 0,
      closes: 0,
      async quit() {
        world.events.push(`quit-start ${c.id}`);
        await delay(world.quitMs);
        c.quits += 1;
        c.connected = false;
        world.events.push(`quit-end ${c.id}`);
      },
      close() {
        c.closes += 1;
        c.connected = false;
        world.events.push(`close ${c.id}`);
      },
      drop() {
        c.connected = false;
      },
    });
    world.created.push(c);
    return c;
  };
  world.open = async (c) => {
    world.events.push(`open ${c.id}`);
    await delay(world.connectMs);
    if (world.failConnect) throw world.failConnect;
    c.connected = true;
  };
  return world;
}

function pool(world, o = {}) {
  return new SessionPool({ create: world.create, open: world.open, closeGraceMs: 2000, ...o });
}

function closedError() {
  return Object.assign(new Error('connection closed by the server'), { kind: 'closed', code: 421 });
}

describe('session pool (fake client)', function () {
  this.timeout(10000);

  it('fake client: runs jobs in FIFO order, one at a time per session', async () => {
    const w = fakeWorld();
    const p = pool(w, { maxConnections: 1 });
    const started = [];
    const finished = [];
    const jobs = [];
    for (let i = 0; i < 20; i += 1) {
      jobs.push(
        p.run(async () => {
          started.push(i);
          await delay(Math.floor(Math.random() * 5));
          finished.push(i);
          return i;
        }),
      );
    }
    const results = await Promise.all(jobs);
    assert.deepStrictEqual(results, [...Array(20).keys()]);
    assert.deepStrictEqual(started, [...Array(20).keys()]);
    assert.deepStrictEqual(finished, [...Array(20).keys()]);
    assert.strictEqual(w.created.length, 1, 'one session serves them all');
    await p.close();
  });

  it('fake client: a burst of 100 jobs all complete, in order, with no busy error', async () => {
    const w = fakeWorld();
    const p = pool(w, { maxConnections: 1 });
    const order = [];
    const results = await Promise.all(
      [...Array(100).keys()].map((i) =>
        p.run(async () => {
          order.push(i);
          await delay(0);
          return i * 2;
        }),
      ),
    );
    assert.deepStrictEqual(order, [...Array(100).keys()]);
    assert.deepStrictEqual(results, [...Array(100).keys()].map((i) => i * 2));
    await p.close();
  });

  it('fake client: maxConnections sessions run jobs in parallel, never more', async () => {
    const w = fakeWorld();
    const p = pool(w, { maxConnections: 3 });
    let running = 0;
    let peak = 0;
    const started = [];
    await Promise.all(
      [...Array(9).keys()].map((i) =>
        p.run(async (client) => {
          started.push(i);
          running += 1;
          peak = Math.max(peak, running);
          assert.ok(client.connected);
          await delay(60);
          running -= 1;
        }),
      ),
    );
    // peak 3 is the parallelism; no wall-clock bound (a busy machine can take any time)
    assert.strictEqual(peak, 3);
    assert.strictEqual(w.created.length, 3);
    assert.deepStrictEqual(started, [...Array(9).keys()], 'jobs start in arrival order');
    assert.strictEqual(p.status().sessions, 3);
    await p.close();
  });

  it('fake client: closes a session idle for idleTimeout, and reconnects on the next job', async () => {
    const w = fakeWorld();
    const p = pool(w, { maxConnections: 1, idleTimeout: 0.1 });
    await p.run(async () => 1);
    assert.strictEqual(p.status().state, 'connected');
    // the idle timer's QUIT, then the close (waited for as events: on a busy machine
    // any fixed delay can end before the 100 ms timer and the QUIT have run)
    await w.next('close 1');
    assert.ok(w.events.indexOf('quit-end 1') < w.events.indexOf('close 1'), w.events.join(', '));
    assert.strictEqual(w.created[0].quits, 1, 'QUIT sent');
    assert.ok(w.created[0].closes >= 1, 'then closed');
    assert.strictEqual(p.status().state, 'idle');
    assert.strictEqual(p.status().sessions, 0);
    await p.run(async () => 2);
    assert.strictEqual(w.created.length, 2, 'a new session for the next job');
    await p.close();
  });

  it('fake client: idleTimeout 0 keeps the session open', async () => {
    const w = fakeWorld();
    const p = pool(w, { maxConnections: 1, idleTimeout: 0 });
    await p.run(async () => 1);
    await delay(150);
    assert.strictEqual(w.created[0].quits, 0);
    assert.strictEqual(p.status().sessions, 1);
    await p.close();
  });

  it('fake client: a session dropped while idle is replaced without an error', async () => {
    const w = fakeWorld();
    const p = pool(w, { idleTimeout: 0 });
    await p.run(async () => 1);
    w.created[0].drop();
    const r = await p.run(async (c) => c.id);
    assert.strictEqual(r, 2);
    await p.close();
  });

  it('fake client: reconnects and retries once after a dead warm session', async () => {
    const w = fakeWorld();
    const logs = [];
    const p = pool(w, { idleTimeout: 0, log: (l) => logs.push(l) });
    await p.run(async () => 'warm-up');
    const attempts = [];
    const r = await p.run(async (client, ctx) => {
      attempts.push({ attempt: ctx.attempt, client: client.id });
      if (ctx.attempt === 1) {
        client.drop(); // the server had closed the idle session: the first command finds out
        throw closedError();
      }
      return 'ok';
    });
    assert.strictEqual(r, 'ok');
    assert.deepStrictEqual(attempts, [
      { attempt: 1, client: 1 },
      { attempt: 2, client: 2 },
    ]);
    assert.ok(w.created[0].closes >= 1, 'the dead session was destroyed');
    assert.ok(logs.some((l) => /retrying/.test(l)));
    await p.close();
  });

  it('fake client: retries only once', async () => {
    const w = fakeWorld();
    const p = pool(w, { idleTimeout: 0 });
    await p.run(async () => 'warm-up');
    let runs = 0;
    await assert.rejects(
      p.run(async (client) => {
        runs += 1;
        client.drop();
        throw closedError();
      }),
      /closed/,
    );
    assert.strictEqual(runs, 2);
    await p.close();
  });

  it('fake client: no retry once the job committed (bytes moved), nor on a fresh session', async () => {
    const w = fakeWorld();
    const p = pool(w, { idleTimeout: 0 });
    let runs = 0;
    // fresh session: not retried
    await assert.rejects(
      p.run(async (client) => {
        runs += 1;
        client.drop();
        throw closedError();
      }),
    );
    assert.strictEqual(runs, 1);
    await p.run(async () => 'warm-up');
    runs = 0;
    await assert.rejects(
      p.run(async (client, ctx) => {
        runs += 1;
        ctx.commit();
        client.drop();
        throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      }),
      /ECONNRESET/,
    );
    assert.strictEqual(runs, 1);
    await p.close();
  });

  it('fake client: a reply error keeps the session', async () => {
    const w = fakeWorld();
    const p = pool(w, { idleTimeout: 0 });
    await assert.rejects(p.run(async () => { throw Object.assign(new Error('550 no such file'), { kind: 'reply', code: 550 }); }), /550/);
    await p.run(async () => 1);
    assert.strictEqual(w.created.length, 1);
    await p.close();
  });

  it('fake client: a failed connection fails the waiting jobs with its error and reports failed', async () => {
    const w = fakeWorld({ failConnect: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:21'), { kind: 'connect' }) });
    const states = [];
    const p = pool(w, { onStatus: (s) => states.push(s.state) });
    const all = await Promise.allSettled([p.run(async () => 1), p.run(async () => 2), p.run(async () => 3)]);
    assert.deepStrictEqual(all.map((x) => x.status), ['rejected', 'rejected', 'rejected']);
    for (const x of all) assert.match(x.reason.message, /ECONNREFUSED/);
    assert.strictEqual(p.status().state, 'failed');
    assert.ok(states.includes('connecting'));
    // the server comes back: the next job connects
    w.failConnect = null;
    assert.strictEqual(await p.run(async () => 4), 4);
    assert.strictEqual(p.status().state, 'connected');
    await p.close();
  });

  it('fake client: close waits for QUIT on every session, then destroys them, then resolves', async () => {
    const w = fakeWorld({ quitMs: 100 });
    const p = pool(w, { maxConnections: 2, idleTimeout: 0 });
    await Promise.all([p.run(() => delay(20)), p.run(() => delay(20))]);
    assert.strictEqual(w.created.length, 2);
    await p.close();
    w.events.push('closed');
    // waited for the QUITs: each quit-end comes before 'closed' (checked below, by the
    // order of events rather than by the wall clock)
    for (const c of w.created) {
      assert.strictEqual(c.quits, 1);
      assert.ok(c.closes >= 1);
      assert.ok(w.events.includes(`quit-end ${c.id}`), `QUIT ${c.id} finished: ${w.events.join(', ')}`);
      assert.ok(w.events.indexOf(`quit-end ${c.id}`) < w.events.indexOf(`close ${c.id}`), 'QUIT before destroy');
    }
    assert.strictEqual(w.events[w.events.length - 1], 'closed');
    assert.strictEqual(p.status().state, 'closed');
    await assert.rejects(p.run(async () => 1), PoolClosedError);
  });

  it('fake client: close aborts running jobs, fails queued ones, and only then QUITs', async () => {
    const w = fakeWorld({ quitMs: 20 });
    const p = pool(w, { maxConnections: 1 });
    let aborted = false;
    const running = p.run(
      (client, ctx) =>
        new Promise((resolve, reject) => {
          w.events.push('job-started');
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            // the client cleans up (ABOR, scratch file) before it gives up
            setTimeout(() => {
              w.events.push('job-cleaned-up');
              reject(new Error('transfer aborted'));
            }, 30);
          });
        }),
    );
    const queued = p.run(async () => 'never');
    running.catch(() => {});
    queued.catch(() => {});
    await w.next('job-started');
    await p.close();
    assert.ok(aborted);
    await assert.rejects(running, /aborted/);
    await assert.rejects(queued, PoolClosedError);
    assert.ok(w.events.indexOf('job-cleaned-up') < w.events.indexOf('quit-start 1'), w.events.join(', '));
    assert.strictEqual(w.created[0].quits, 1);
  });

  it("fake client: a caller's abort removes its queued jobs", async () => {
    const w = fakeWorld();
    const p = pool(w, { maxConnections: 1 });
    const ac = new AbortController();
    const first = p.run(() => delay(30).then(() => 'first'));
    const second = p.run(async () => 'second', { signal: ac.signal });
    ac.abort(new Error('node closed'));
    await assert.rejects(second, /node closed/);
    assert.strictEqual(await first, 'first');
    await p.close();
  });

  it('isDeadSession tells dropped sessions from reply errors', () => {
    const up = { connected: true };
    assert.strictEqual(isDeadSession(new Error('x'), { connected: false }), true);
    assert.strictEqual(isDeadSession(closedError(), up), true);
    assert.strictEqual(isDeadSession(Object.assign(new Error('x'), { code: 421 }), up), true);
    assert.strictEqual(isDeadSession(Object.assign(new Error('x'), { code: 'ECONNRESET' }), up), true);
    assert.strictEqual(isDeadSession(new Error('wrap', { cause: Object.assign(new Error('x'), { code: 'EPIPE' }) }), up), true);
    assert.strictEqual(isDeadSession(Object.assign(new Error('x'), { kind: 'reply', code: 550 }), up), false);
  });
});
