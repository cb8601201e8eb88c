'use strict';
// The pool deletes scratch files a lost session could not (client.leftovers)
// on the next session, before that session's first job.
const assert = require('node:assert');
const { SessionPool } = require('../../nodes/nodes/session-pool');
const { FakeClient } = require('../support/fake-client');

function world() {
  const w = { created: [], deletes: [], refuse: new Set() };
  w.create = () => {
    const c = Object.assign(new FakeClient(), {
      id: w.created.length + 1,
      connected: false,
      async delete(p) {
        w.deletes.push(`${c.id}:${p}`);
        if (w.refuse.has(p)) throw Object.assign(new Error(`550 ${p}: no such file`), { code: 550, kind: 'reply' });
      },
      async quit() { c.connected = false; },
      close() { c.connected = false; },
    });
    w.created.push(c);
    return c;
  };
  w.open = async (c) => { c.connected = true; };
  return w;
}

describe('session pool: scratch files left by a lost session (fake client)', () => {
  it('are deleted on the next session before its job; names the server refuses are dropped', async () => {
    const w = world();
    const pool = new SessionPool({ create: w.create, open: w.open, idleTimeout: 0 });
    await assert.rejects(pool.run(async (c) => {
      c.leftovers.push('/up/_tmp.a.tmp', '/up/_tmp.gone.tmp');
      c.connected = false;
      throw Object.assign(new Error('connection lost'), { kind: 'closed', code: 421 });
    }), /connection lost/);
    w.refuse.add('/up/_tmp.gone.tmp');
    const order = [];
    await pool.run(async (c) => {
      order.push(...w.deletes);
      assert.strictEqual(c.id, 2);
    });
    assert.deepStrictEqual(order, ['2:/up/_tmp.a.tmp', '2:/up/_tmp.gone.tmp']);
    await pool.run(async () => undefined);
    assert.strictEqual(w.deletes.length, 2, 'each name is tried once');
    await pool.close();
  });

  it('a name the next session dies on is kept for the one after', async () => {
    const w = world();
    const pool = new SessionPool({ create: () => w.create(), open: w.open, idleTimeout: 0 });
    await assert.rejects(pool.run(async (c) => {
      c.leftovers.push('/x.tmp');
      c.connected = false;
      throw Object.assign(new Error('lost'), { kind: 'closed', code: 421 });
    }));
    let first = true;
    const origCreate = w.create;
    w.create = () => {
      const c = origCreate();
      if (first) {
        first = false;
        c.delete = async () => { c.connected = false; throw Object.assign(new Error('lost again'), { kind: 'closed', code: 421 }); };
      }
      return c;
    };
    const pool2Run = pool.run(async () => 'ran');
    // the job on session 2 finds its session dead and fails (it is not a warm session: no retry)
    await pool2Run.then(() => undefined, () => undefined);
    await pool.run(async () => undefined);
    assert.deepStrictEqual(w.deletes, ['3:/x.tmp']);
    await pool.close();
  });
});
