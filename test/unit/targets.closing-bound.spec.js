'use strict';
// TargetPools: a pool being closed still holds its sessions, so it counts
// against max until its close() has finished; found by bench/field-links.js
// (50 targets at once with maxTargets 16 had 22 sessions open at a moment).
const assert = require('node:assert');
const { TargetPools } = require('../../nodes/nodes/targets');

const flush = async () => {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
};

describe('TargetPools: the bound counts pools still closing', () => {
  for (const max of [1, 3]) {
    it(`max ${max}: pools made minus pools whose close() finished never exceeds max, with many targets at once`, async () => {
      const pending = [];
      let made = 0;
      let closedDone = 0;
      let worst = 0;
      const pools = new TargetPools(max, (key) => {
        made += 1;
        worst = Math.max(worst, made - closedDone);
        return { key, close: () => new Promise((r) => pending.push(() => (closedDone += 1, r()))) };
      });
      const runs = Array.from({ length: 4 * max + 2 }, (_, i) => pools.run(`t${i}`, async () => i));
      let settled = false;
      const all = Promise.all(runs).then((v) => {
        settled = true;
        return v;
      });
      // drive it: let every waiting step run, then let the pending closes finish, one at a time
      while (!settled) {
        await flush();
        assert.ok(made - closedDone <= max, `${made - closedDone} pools alive or closing with max ${max}`);
        const next = pending.shift();
        if (next) next();
        else await flush();
      }
      assert.deepStrictEqual(await all, runs.map((_, i) => i));
      assert.ok(worst <= max, `at worst ${worst}`);
      const closing = pools.close();
      await flush();
      for (const f of pending.splice(0)) f();
      await closing;
    });
  }
});
