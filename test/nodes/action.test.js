'use strict';
// The action nodes' shared helpers on their own: TypedInput pairs and their
// defaults, the msg.type override, and the status a transfer shows.
const assert = require('node:assert');
const path = require('node:path');

const lib = (name) => require(path.join(__dirname, '..', '..', 'nodes', 'nodes', `${name}.js`));
const { typedField } = lib('typed-input');
const { transferTypeOf } = lib('options');
const { StatusView, statusHint } = lib('status-view');
const { toNodeError } = lib('node-error');

describe('action node helpers', () => {
  it('typedField: the stored <field>/<field>Type pair, or the default when the flow lacks it', () => {
    assert.deepStrictEqual(typedField({}, 'path', 'filename', 'msg'), { value: 'filename', type: 'msg' });
    assert.deepStrictEqual(typedField({ path: '' }, 'path', 'filename', 'msg'), { value: 'filename', type: 'msg' });
    assert.deepStrictEqual(typedField({ path: null, pathType: '' }, 'path', 'filename', 'msg'), { value: 'filename', type: 'msg' });
    // a value without its type (hand-written flows): a plain string, as core nodes read it
    assert.deepStrictEqual(typedField({ path: '/in/a.txt' }, 'path', 'filename', 'msg'), { value: '/in/a.txt', type: 'str' });
    assert.deepStrictEqual(typedField({ path: 'file', pathType: 'flow' }, 'path', 'filename', 'msg'), { value: 'file', type: 'flow' });
    assert.deepStrictEqual(typedField({ to: 'dst', toType: 'msg' }, 'to', 'newFilename', 'msg'), { value: 'dst', type: 'msg' });
    // a type without a value: the default msg property
    assert.deepStrictEqual(typedField({ pathType: 'msg' }, 'path', 'filename', 'msg'), { value: 'filename', type: 'msg' });
    assert.deepStrictEqual(typedField({ command: '', commandType: 'msg' }, 'command', 'payload', 'msg'), { value: 'payload', type: 'msg' });
    // an explicitly empty string field stays empty (ftps-list: the current directory)
    assert.deepStrictEqual(typedField({ path: '', pathType: 'str' }, 'path', 'filename', 'msg'), { value: '', type: 'str' });
  });

  it('transferTypeOf: msg.type overrides only when it is exactly "binary" or "ascii"', () => {
    assert.strictEqual(transferTypeOf({ type: 'ascii' }, 'binary'), 'ascii');
    assert.strictEqual(transferTypeOf({ type: 'binary' }, 'ascii'), 'binary');
    for (const t of [undefined, null, '', 'ASCII', 'A', 'text', 'I', 1, true, { a: 1 }]) {
      assert.strictEqual(transferTypeOf({ type: t }, 'binary'), 'binary', `msg.type ${JSON.stringify(t)}`);
      assert.strictEqual(transferTypeOf({ type: t }, 'ascii'), 'ascii', `msg.type ${JSON.stringify(t)}`);
    }
    assert.strictEqual(transferTypeOf({}, 'ascii'), 'ascii');
  });

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

  it('toNodeError: the reply code of a client error becomes msg.error.code', () => {
    const e = toNodeError(Object.assign(new Error('STOR a: 553 not allowed'), { code: 553, kind: 'reply', command: 'STOR a' }));
    assert.strictEqual(e.code, 553);
    assert.strictEqual(e.kind, 'reply');
    assert.strictEqual(String(e), 'STOR a: 553 not allowed');
    assert.strictEqual(toNodeError(new Error('ECONNREFUSED')).code, undefined);
  });
});
