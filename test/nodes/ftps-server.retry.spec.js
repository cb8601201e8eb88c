'use strict';
// The retry policy: unit tests of retry.ts and of the session pool's
// backoff with a fake client (the real-server tests are in ftps-server.retry-faults.spec.js).
const assert = require('node:assert');
const { SessionPool } = require('../../nodes/nodes/session-pool');
const { repeatSafety, isTransient, backoffMs, retryText, withTries } = require('../../nodes/nodes/retry');
const { FakeClient } = require('../support/fake-client');

function fakeClients() {
  const created = [];
  return {
    created,
    create: () => {
      const c = new FakeClient();
      c.id = created.length + 1;
      c.connected = false;
      created.push(c);
      return c;
    },
    open: async (c) => {
      c.connected = true;
    },
  };
}

const err425 = () => Object.assign(new Error("425 Can't open data connection"), { kind: 'reply', code: 425 });
const err550 = () => Object.assign(new Error('550 No such file'), { kind: 'reply', code: 550 });

describe('retry policy', function () {
  this.timeout(10000);

  it('classifies transient failures', () => {
    assert.ok(isTransient(err425()));
    assert.ok(isTransient(Object.assign(new Error('x'), { code: 426 })));
    assert.ok(isTransient(Object.assign(new Error('x'), { kind: 'timeout', code: 421 })));
    assert.ok(isTransient(Object.assign(new Error('refused'), { kind: 'connect', code: 0 })));
    assert.ok(isTransient(new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) })));
    assert.ok(!isTransient(err550()));
    assert.ok(!isTransient(Object.assign(new Error('cert'), { kind: 'tls', code: 0 })));
    assert.ok(!isTransient(Object.assign(new Error('stop'), { kind: 'aborted' })));
    assert.ok(!isTransient(Object.assign(new Error('disk full'), { kind: 'local', cause: Object.assign(new Error('r'), { code: 'ECONNRESET' }) })));
  });

  it('repeats only what the contract calls safe', () => {
    assert.strictEqual(repeatSafety('ftps-list', {}), 'always');
    assert.strictEqual(repeatSafety('ftps-get', { output: 'file' }), 'always');
    assert.strictEqual(repeatSafety('ftps-get', { output: 'chunks' }), 'uncommitted');
    assert.strictEqual(repeatSafety('ftps-put', { mode: 'overwrite' }), 'always');
    assert.strictEqual(repeatSafety('ftps-put', { mode: 'append', resume: true }), 'always');
    assert.strictEqual(repeatSafety('ftps-put', { mode: 'append' }), 'uncommitted');
    assert.strictEqual(repeatSafety('ftps-put', { mode: 'unique' }), 'never');
    assert.strictEqual(repeatSafety('ftps-xput', {}), 'always');
    assert.strictEqual(repeatSafety('ftps-ops', { operation: 'stat' }), 'always');
    for (const op of ['delete', 'rename', 'mkdir', 'rmdir']) assert.strictEqual(repeatSafety('ftps-ops', { operation: op }), 'never');
    assert.strictEqual(repeatSafety('ftps-site', {}), 'never');
    assert.strictEqual(repeatSafety('ftps-quot', {}), 'never');
  });

  it('backs off exponentially, at most 60 s; status text and tries', () => {
    assert.deepStrictEqual([1, 2, 3, 4].map((n) => backoffMs(1000, n)), [1000, 2000, 4000, 8000]);
    assert.strictEqual(backoffMs(1000, 10), 60000);
    assert.strictEqual(retryText({ retry: 1, retries: 2, delayMs: 1000 }), 'retry 1/2 in 1 s');
    assert.strictEqual(retryText({ retry: 2, retries: 3, delayMs: 500 }), 'retry 2/3 in 0.5 s');
    const e = withTries(new Error('boom'), 3);
    assert.strictEqual(e.message, 'boom (3 tries)');
    assert.strictEqual(withTries(e, 3).message, 'boom (3 tries)', 'said once');
  });

  it('fake client: a transient failure of a repeatable job is tried again with doubling delays, then fails saying how many tries', async () => {
    const f = fakeClients();
    const p = new SessionPool({ ...f, retries: 2, retryDelayMs: 20 });
    const infos = [];
    let tries = 0;
    const e = await p.run(async () => { tries += 1; throw err425(); }, { repeat: 'always', onRetry: (i) => infos.push(i) }).then(
      () => assert.fail('expected a failure'),
      (x) => x,
    );
    assert.strictEqual(tries, 3);
    assert.deepStrictEqual(infos.map((i) => [i.retry, i.retries, i.delayMs]), [[1, 2, 20], [2, 2, 40]]);
    assert.match(e.message, /\(3 tries\)$/);
    assert.strictEqual(e.code, 425);
    await p.close();
  });

  it('fake client: succeeds on a retry; attempts counted in ctx.attempt', async () => {
    const f = fakeClients();
    const p = new SessionPool({ ...f, retries: 2, retryDelayMs: 1 });
    const seen = [];
    const v = await p.run(async (c, ctx) => {
      seen.push(ctx.attempt);
      if (ctx.attempt === 1) throw err425();
      return 'ok';
    }, { repeat: 'always' });
    assert.strictEqual(v, 'ok');
    assert.deepStrictEqual(seen, [1, 2]);
    await p.close();
  });

  it('fake client: never repeats a job marked never, nor a permanent failure, nor a committed uncommitted-only job', async () => {
    const f = fakeClients();
    const p = new SessionPool({ ...f, retries: 3, retryDelayMs: 1 });
    let n = 0;
    await assert.rejects(p.run(async () => { n += 1; throw err425(); }, { repeat: 'never' }));
    assert.strictEqual(n, 1);
    n = 0;
    await assert.rejects(p.run(async () => { n += 1; throw err550(); }, { repeat: 'always' }), /550 No such file$/);
    assert.strictEqual(n, 1);
    n = 0;
    await assert.rejects(p.run(async (c, ctx) => { n += 1; ctx.commit(); throw err425(); }, { repeat: 'uncommitted' }));
    assert.strictEqual(n, 1);
    n = 0;
    await assert.rejects(p.run(async () => { n += 1; throw err425(); }, { repeat: 'uncommitted' }));
    assert.strictEqual(n, 4);
    await p.close();
  });

  it('fake client: a refused connection is retried even for a job never safe to repeat (it never ran)', async () => {
    const f = fakeClients();
    let refusals = 1;
    const open = async (c) => {
      if (refusals-- > 0) throw Object.assign(new Error('cannot connect: ECONNREFUSED'), { kind: 'connect', code: 0 });
      c.connected = true;
    };
    const p = new SessionPool({ create: f.create, open, retries: 1, retryDelayMs: 1 });
    const v = await p.run(async () => 'ran', { repeat: 'never' });
    assert.strictEqual(v, 'ran');
    await p.close();
  });

  it('fake client: an abort or close during the backoff ends the wait at once', async () => {
    const f = fakeClients();
    const p = new SessionPool({ ...f, retries: 2, retryDelayMs: 60000 });
    const ac = new AbortController();
    let waiting;
    const retrying = new Promise((r) => (waiting = r));
    const run = p.run(async () => { throw err425(); }, { repeat: 'always', signal: ac.signal, onRetry: () => waiting() });
    await retrying;
    ac.abort(new Error('stopped by the test'));
    await assert.rejects(run, /stopped by the test/);
    const retrying2 = new Promise((r) => (waiting = r));
    const run2 = p.run(async () => { throw err425(); }, { repeat: 'always', onRetry: () => waiting() });
    await retrying2;
    await p.close();
    await assert.rejects(run2, /closed/);
  });
});
