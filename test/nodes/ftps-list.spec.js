'use strict';
// ftps-list: input checks, the msg contract and the pattern rules against a
// scripted client, and listings on the real servers.
const assert = require('node:assert');
const { helper } = require('./support/red');
const { call } = require('./support/flow');
const { allNodes, closedPort, serverConfig, nextMessage, collectFrom, itRefusesCrLf, describeOffline } = require('./support/offline');
const { useScriptedServer, ScriptedClient } = require('./support/scripted-server');
const { eachServer } = require('./support/servers');
const { list: clientList } = require('../../nodes/lib/tree.js');

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describeOffline('ftps-list', () => {
  itRefusesCrLf('ftps-list', {}, { filename: 'dir\nDELE b.txt' });

  it('a refused connection reaches the Catch node and the status shows it', async () => {
    const port = await closedPort();
    const flow = [
      { id: 'f1', type: 'tab', label: 'ftps' },
      serverConfig(port),
      { id: 'n1', z: 'f1', type: 'ftps-list', server: 's1', wires: [[]] },
      { id: 'c1', z: 'f1', type: 'catch', scope: null, wires: [['caught']] },
      { id: 'st', z: 'f1', type: 'status', scope: ['n1'], wires: [['status']] },
      { id: 'caught', z: 'f1', type: 'helper' },
      { id: 'status', z: 'f1', type: 'helper' },
    ];
    await helper.load(allNodes, flow);
    const statuses = [];
    // the red status may come through the status throttle (about a second): wait for it, not for a time
    const red = new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no red status within 15 s: ${JSON.stringify(statuses)}`)), 15000);
      helper.getNode('status').on('input', (m) => {
        statuses.push(m.status);
        if (m.status.fill === 'red') {
          clearTimeout(t);
          resolve();
        }
      });
    });
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('n1').receive({ filename: '/' });
    const m = await caught;
    assert.match(m.error.message, /ECONNREFUSED|refused/i);
    await red;
    assert.ok(statuses.some((s) => s.fill === 'yellow'), `connecting shown: ${JSON.stringify(statuses)}`);
    assert.ok(statuses.some((s) => s.fill === 'red'), `failure shown: ${JSON.stringify(statuses)}`);
  });
});

describe('ftps-list against a scripted client', function () {
  this.timeout(20000);
  const sc = useScriptedServer();

  it('ftps-list: entries with ISO times, pattern, input message kept', async () => {
    await sc.load({ type: 'ftps-list', pattern: '*.csv' });
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('n1').receive({ filename: '/in', topic: 't' });
    const m = await out;
    assert.strictEqual(m.topic, 't');
    assert.deepStrictEqual(sc.world.calls, ['MLSD /in']);
    assert.strictEqual(m.payload.length, 1);
    const e = m.payload[0];
    assert.deepStrictEqual(
      { name: e.name, path: e.path, type: e.type, size: e.size, modified: e.modified, permissions: e.permissions },
      { name: 'a.csv', path: '/in/a.csv', type: 'file', size: 12, modified: '2024-01-02T03:04:05.000Z', permissions: '0644' },
    );
    assert.ok(e.raw.includes('a.csv'));
    assert.strictEqual(m.ftps.code, 226);
  });

  it('ftps-list: recursive walk matches the pattern on the relative path; split output has msg.parts', async () => {
    await sc.load({ type: 'ftps-list', path: '/in', pathType: 'str', pattern: '**/*.csv', recursive: true, output: 'split' });
    const got = collectFrom(helper.getNode('out'), 2);
    helper.getNode('n1').receive({});
    const msgs = await got;
    assert.deepStrictEqual(sc.world.calls, ['MLSD /in', 'MLSD /in/sub']);
    assert.deepStrictEqual(msgs.map((m) => m.payload.path), ['/in/a.csv', '/in/sub/deep.csv']);
    assert.deepStrictEqual(msgs.map((m) => m.filename), ['/in/a.csv', '/in/sub/deep.csv']);
    assert.deepStrictEqual(msgs.map((m) => [m.parts.index, m.parts.count]), [[0, 2], [1, 2]]);
    assert.strictEqual(msgs[0].parts.id, msgs[1].parts.id);
  });

  // one rule with client.list() (lib/match.ts): a glob without '/' matches the name at any depth; dot names only with dot on
  for (const [pattern, recursive, dot, calls, paths] of [
    ['*.csv', true, false, ['MLSD /in', 'MLSD /in/sub'], ['/in/a.csv', '/in/sub/deep.csv']],
    ['*.csv', true, true, ['MLSD /in', 'MLSD /in/sub'], ['/in/a.csv', '/in/sub/deep.csv', '/in/sub/.hidden.csv']],
    ['**/*.csv', true, false, ['MLSD /in', 'MLSD /in/sub'], ['/in/a.csv', '/in/sub/deep.csv']],
    ['**/*.csv', true, true, ['MLSD /in', 'MLSD /in/sub'], ['/in/a.csv', '/in/sub/deep.csv', '/in/sub/.hidden.csv']],
    ['sub/*.csv', true, true, ['MLSD /in', 'MLSD /in/sub'], ['/in/sub/deep.csv', '/in/sub/.hidden.csv']],
    ['sub/d*', true, false, ['MLSD /in', 'MLSD /in/sub'], ['/in/sub/deep.csv']],
    ['*.csv', false, false, ['MLSD /in'], ['/in/a.csv']],
    ['sub/*.csv', false, false, ['MLSD /in/sub'], ['/in/sub/deep.csv']],
    ['sub/*.csv', false, true, ['MLSD /in/sub'], ['/in/sub/deep.csv', '/in/sub/.hidden.csv']],
    ['', true, false, ['MLSD /in', 'MLSD /in/sub'], ['/in/a.csv', '/in/b.txt', '/in/sub', '/in/sub/deep.csv', '/in/sub/.hidden.csv']],
  ]) {
    it(`ftps-list: pattern "${pattern}"${recursive ? ' recursive' : ''}${dot ? ' dot' : ''} matches as client.list() does`, async () => {
      sc.world.dotFile = true;
      await sc.load({ type: 'ftps-list', path: '/in', pathType: 'str', pattern, recursive, dot });
      const out = nextMessage(helper.getNode('out'));
      helper.getNode('n1').receive({});
      const m = await out;
      assert.deepStrictEqual(sc.world.calls, calls);
      assert.deepStrictEqual(m.payload.map((e) => e.path), paths);
      // the client's own list() on the same listings finds the same
      const direct = await clientList(new ScriptedClient({ ...sc.world, calls: [] }), '/in', { pattern, recursive, dot, matchLocally: true });
      assert.deepStrictEqual(direct.map((e) => e.path), paths);
    });
  }

  it('ftps-list: a one-directory pattern with wildcards in its directory part is refused (Catch), nothing listed', async () => {
    await sc.load({ type: 'ftps-list', path: '/in', pathType: 'str', pattern: '*/*.csv' });
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('n1').receive({});
    const m = await caught;
    assert.match(m.error.message, /directory part of "\*\/\*\.csv" has wildcards: use a recursive listing/);
    assert.deepStrictEqual(sc.world.calls, []);
  });
});

eachServer('ftps-list', (fx) => {
  const { load } = fx;

  it('ftps-list: entries, pattern, recursive', async () => {
    fx.s.put('list/a.csv', 'a,b\n1,2\n');
    fx.s.put('list/b.txt', 'hello');
    fx.s.put('list/sub/c.csv', 'x\n');
    await load([
      { id: 'n1', type: 'ftps-list' },
      { id: 'n2', type: 'ftps-list', pattern: '**/*.csv', recursive: true },
      { id: 'n3', type: 'ftps-list', path: '', pathType: 'str' },
      { id: 'n4', type: 'ftps-list', pattern: '*.csv', recursive: true },
      { id: 'n5', type: 'ftps-list', pattern: 'sub/*.csv' },
    ]);
    const m = await call('n1', { filename: '/list', keep: 1 });
    assert.strictEqual(m.keep, 1);
    const byName = Object.fromEntries(m.payload.map((e) => [e.name, e]));
    assert.deepStrictEqual(Object.keys(byName).sort(), ['a.csv', 'b.txt', 'sub']);
    assert.strictEqual(byName['a.csv'].type, 'file');
    assert.strictEqual(byName['a.csv'].size, 8);
    assert.strictEqual(byName['a.csv'].path, '/list/a.csv');
    assert.match(byName['a.csv'].modified, ISO);
    assert.strictEqual(byName.sub.type, 'dir');
    assert.strictEqual(typeof byName['a.csv'].raw, 'string');
    assert.ok('permissions' in byName['a.csv']);
    assert.strictEqual(m.ftps.code, 226);
    const r = await call('n2', { filename: '/list' });
    assert.deepStrictEqual(r.payload.map((e) => e.path).sort(), ['/list/a.csv', '/list/sub/c.csv']);
    // a glob without '/' matches the name at every depth (client.list's rule)
    const any = await call('n4', { filename: '/list' });
    assert.deepStrictEqual(any.payload.map((e) => e.path).sort(), ['/list/a.csv', '/list/sub/c.csv']);
    // one directory: "sub/*.csv" lists sub
    const sub = await call('n5', { filename: '/list' });
    assert.deepStrictEqual(sub.payload.map((e) => e.path), ['/list/sub/c.csv']);
    // an empty path lists the session's current directory (the login directory, here the root)
    const home = await call('n3', { filename: '/list/sub' });
    assert.ok(home.payload.some((e) => e.name === 'list' && e.type === 'dir'), JSON.stringify(home.payload.map((e) => e.name)));
  });
});
