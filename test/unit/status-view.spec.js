'use strict';
// The status a node shows: progress, its own last result, the server's
// state only while its message waits, short hints, the throttle.
const assert = require('node:assert');
const { StatusView, statusHint } = require('../../nodes/nodes/status-view.js');
const { toNodeError } = require('../../nodes/nodes/node-error.js');

describe('StatusView', () => {
  it('StatusView: percent while the size is known, bytes when not, then the summary or the failure', () => {
    const shown = [];
    const view = new StatusView({ status: (s) => shown.push(s) }, 0);
    view.progress('get', { bytes: 0, total: 2000 });
    view.progress('get', { bytes: 1000, total: 2000 });
    view.progress('put', { bytes: 2000, total: 2000 });
    view.progress('get', { bytes: 3 * 1024 * 1024, total: null });
    view.done('3.0 MiB in 0.1 s');
    view.failed(toNodeError(Object.assign(new Error('RETR /x: 550 No such file or directory, and a long tail of text'), { code: 550 })));
    assert.deepStrictEqual(
      shown.map((s) => s.text),
      ['get 0%', 'get 50%', 'put 100%', 'get 3.0 MiB', '3.0 MiB in 0.1 s', '550 not found or refused'],
    );
    assert.deepStrictEqual(
      shown.map((s) => `${s.fill}/${s.shape}`),
      ['blue/dot', 'blue/dot', 'blue/dot', 'blue/dot', 'green/dot', 'red/ring'],
    );
  });

  it('StatusView: a node keeps the result of its last message; the server state shows only while its own message waits', () => {
    const shown = [];
    const view = new StatusView({ status: (s) => shown.push(s.text) }, 0);
    view.server({ fill: 'yellow', shape: 'ring', text: 'connecting' }); // another node's message: not ours
    view.inFlight = 1;
    view.server({ fill: 'yellow', shape: 'ring', text: 'connecting' }); // ours waits for a session
    view.active = 1;
    view.server({ fill: 'green', shape: 'dot', text: 'connected' }); // ours runs: its own progress shows
    view.progress('get', { bytes: 1, total: 2 });
    view.active = 0;
    view.inFlight = 0;
    view.done('done');
    view.server({ fill: 'red', shape: 'ring', text: 'server gone' }); // after our result: not overwritten
    view.server({ fill: 'grey', shape: 'ring', text: 'idle' });
    assert.deepStrictEqual(shown, ['connecting', 'get 50%', 'done']);
  });

  it('statusHint: a short hint by code or kind, never the reply text', () => {
    assert.strictEqual(statusHint({ code: 530, kind: 'reply' }), '530 login refused');
    assert.strictEqual(statusHint({ code: 421, kind: 'tls' }), 'TLS or certificate error');
    assert.strictEqual(statusHint({ code: 421 }), '421 connection lost');
    assert.strictEqual(statusHint({ code: 599 }), '599 refused');
    assert.strictEqual(statusHint({ code: 499 }), '499 failed, try again');
    assert.strictEqual(statusHint({ kind: 'input' }), 'bad input');
    assert.strictEqual(statusHint({}), 'failed');
    for (const t of ['530 login refused', '550 not found or refused', 'TLS or certificate error']) assert.ok(t.length <= 32);
  });

  it('StatusView: the throttle shows the latest status in the end', async () => {
    const shown = [];
    // 300 ms: the three calls below come well within it, unless the machine stops this
    // process for that long between them (then the middle one is rightly shown too)
    const view = new StatusView({ status: (s) => shown.push(s.text) }, 300);
    const t0 = Date.now();
    view.progress('get', { bytes: 1, total: 100 });
    view.progress('get', { bytes: 50, total: 100 });
    view.progress('get', { bytes: 99, total: 100 });
    const within = Date.now() - t0 < 300;
    await new Promise((resolve) => {
      const t = setInterval(() => {
        if (shown[shown.length - 1] === 'get 99%') {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    if (within) assert.deepStrictEqual(shown, ['get 1%', 'get 99%']);
    else assert.deepStrictEqual([shown[0], shown[shown.length - 1]], ['get 1%', 'get 99%']);
  });
});
