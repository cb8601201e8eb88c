'use strict';
// node-red-node-test-helper tests of the nodes that need no FTP server:
// loading, credentials, input checks (CR/LF), Catch, and the msg contract
// against a fake server node whose client is scripted.
const assert = require('node:assert');
const net = require('node:net');
const path = require('node:path');
const { Writable } = require('node:stream');
const { helper } = require('./support/red');
const { FakeClient } = require('../support/fake-client');


const ROOT = path.join(__dirname, '..', '..');
const ACTION_TYPES = ['ftps-list', 'ftps-get', 'ftps-put', 'ftps-xput', 'ftps-mdtm', 'ftps-site', 'ftps-quot', 'ftps-ops'];
const serverNode = require(path.join(ROOT, 'nodes', 'ftps-server.js'));
const actionNodes = ACTION_TYPES.map((t) => require(path.join(ROOT, 'nodes', `${t}.js`)));
const allNodes = [serverNode, ...actionNodes];
const { SessionPool } = require(path.join(ROOT, 'nodes', 'nodes', 'session-pool.js'));
const { list: clientList } = require(path.join(ROOT, 'nodes', 'lib', 'tree.js'));

const SECRET = 'S3cret!pw-do-not-leak';
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** A port on which nothing listens. */
async function closedPort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

function serverConfig(port, extra = {}) {
  return { id: 's1', type: 'ftps-server', name: 'srv', host: '127.0.0.1', port, encryption: 'explicit', timeout: 5, ...extra };
}

/** Wait for the next message on a helper node. */
function nextMessage(node, ms = 15000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no message on ${node.id} within ${ms} ms`)), ms);
    node.once('input', (msg) => {
      clearTimeout(t);
      resolve(msg);
    });
  });
}

function collect(node, n, ms = 15000) {
  return new Promise((resolve, reject) => {
    const got = [];
    const t = setTimeout(() => reject(new Error(`got ${got.length} of ${n} messages`)), ms);
    node.on('input', (msg) => {
      got.push(msg);
      if (got.length === n) {
        clearTimeout(t);
        resolve(got);
      }
    });
  });
}

describe('ftps nodes (no server needed)', function () {
  this.timeout(20000);

  afterEach(async () => {
    await helper.unload();
  });

  it('every node loads', async () => {
    const port = await closedPort();
    const flow = [{ id: 'f1', type: 'tab', label: 'ftps' }, serverConfig(port)];
    ACTION_TYPES.forEach((t, i) => flow.push({ id: `n${i}`, z: 'f1', type: t, name: t, server: 's1', wires: [[]] }));
    await helper.load(allNodes, flow, { s1: { user: 'u', password: SECRET } });
    assert.strictEqual(helper.getNode('s1').type, 'ftps-server');
    ACTION_TYPES.forEach((t, i) => {
      const n = helper.getNode(`n${i}`);
      assert.ok(n, `${t} created`);
      assert.strictEqual(n.type, t);
    });
  });

  it("keeps the credentials out of the flow, the node's properties, msg.error and the log", async () => {
    const port = await closedPort();
    const flow = [
      { id: 'f1', type: 'tab', label: 'ftps' },
      serverConfig(port, { debug: 2 }),
      { id: 'g1', z: 'f1', type: 'ftps-get', server: 's1', wires: [['out']] },
      { id: 'c1', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'caught', z: 'f1', type: 'helper' },
    ];
    await helper.load(allNodes, flow, { s1: { user: 'someone', password: SECRET } });
    const exported = JSON.stringify(helper._redNodes.getFlows());
    assert.ok(!exported.includes(SECRET), 'the flow export holds no password');
    const s1 = helper.getNode('s1');
    assert.strictEqual(s1.credentials.password, SECRET, 'the runtime has it');
    for (const [k, v] of Object.entries(s1)) {
      if (k === 'credentials') continue;
      let text = '';
      try {
        text = typeof v === 'string' ? v : JSON.stringify(v) || '';
      } catch {
        /* circular: not a plain value */
      }
      assert.ok(!text.includes(SECRET), `property ${k} holds no password`);
    }
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('g1').receive({ filename: '/x.txt', payload: 'p' });
    const m = await caught;
    assert.match(m.error.message, /ECONNREFUSED|connect/i);
    assert.ok(!JSON.stringify(m).includes(SECRET));
    const logged = JSON.stringify(helper.log().args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x)))));
    assert.ok(!logged.includes(SECRET), 'the log holds no password');
  });

  for (const [type, props, msg] of [
    ['ftps-get', {}, { filename: 'a.txt\r\nDELE b.txt' }],
    ['ftps-list', {}, { filename: 'dir\nDELE b.txt' }],
    ['ftps-put', {}, { filename: 'a.txt\r\nDELE b.txt', payload: 'x' }],
    ['ftps-xput', {}, { filename: 'a.txt\rDELE b.txt', payload: 'x' }],
    ['ftps-mdtm', {}, { filename: 'a.txt\nx' }],
    ['ftps-site', {}, { payload: 'CHMOD 644 a.txt\r\nDELE b.txt' }],
    ['ftps-quot', {}, { payload: 'NOOP\r\nDELE b.txt' }],
    ['ftps-ops', { operation: 'delete' }, { filename: 'a.txt\r\nRMD /' }],
    ['ftps-ops', { operation: 'rename' }, { filename: 'a.txt', newFilename: 'b.txt\r\nDELE c' }],
    ['ftps-get', { path: 'a.txt\u0000b', pathType: 'str' }, {}],
  ]) {
    it(`${type}${props.operation ? ` (${props.operation})` : ''}: refuses CR/LF/NUL via done(err), a Catch node gets it, nothing is sent`, async () => {
      const port = await closedPort();
      const flow = [
        { id: 'f1', type: 'tab', label: 'ftps' },
        serverConfig(port),
        { id: 'n1', z: 'f1', type, server: 's1', ...props, wires: [['out']] },
        { id: 'c1', z: 'f1', type: 'catch', scope: ['n1'], uncaught: false, wires: [['caught']] },
        { id: 'out', z: 'f1', type: 'helper' },
        { id: 'caught', z: 'f1', type: 'helper' },
      ];
      await helper.load(allNodes, flow, { s1: { user: 'u', password: SECRET } });
      let sent = false;
      helper.getNode('out').on('input', () => {
        sent = true;
      });
      const caught = nextMessage(helper.getNode('caught'));
      helper.getNode('n1').receive({ _msgid: 'm1', ...msg, keep: 42 });
      const m = await caught;
      assert.match(m.error.message, /CR, LF or NUL/);
      assert.strictEqual(m.error.source.id, 'n1');
      assert.strictEqual(m.keep, 42, 'the Catch node gets the input message');
      assert.strictEqual(m.error.code, undefined, 'no server reply code: nothing was sent');
      await delay(50);
      assert.strictEqual(sent, false);
      assert.strictEqual(helper.getNode('s1').pool, null, 'no connection was even attempted');
    });
  }

  it('a missing path is an input error naming msg.filename', async () => {
    const port = await closedPort();
    const flow = [
      { id: 'f1', type: 'tab', label: 'ftps' },
      serverConfig(port),
      { id: 'n1', z: 'f1', type: 'ftps-get', server: 's1', wires: [[]] },
      { id: 'c1', z: 'f1', type: 'catch', scope: null, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ];
    await helper.load(allNodes, flow);
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('n1').receive({ payload: 1 });
    const m = await caught;
    assert.match(m.error.message, /msg\.filename/);
  });

  it('a node without a server reports it through done(err)', async () => {
    const flow = [
      { id: 'f1', type: 'tab', label: 'ftps' },
      { id: 'n1', z: 'f1', type: 'ftps-quot', server: '', wires: [[]] },
      { id: 'c1', z: 'f1', type: 'catch', scope: null, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ];
    await helper.load(allNodes, flow);
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('n1').receive({ payload: 'NOOP' });
    const m = await caught;
    assert.match(m.error.message, /ftps-server/);
  });

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

// ---------------------------------------------------------------------------
// A fake ftps-server: the real session pool, scripted clients.

const MLSD = [
  'type=file;size=12;modify=20240102030405;UNIX.mode=0644; a.csv',
  'type=file;size=7;modify=20240102030406.5;UNIX.mode=0600; b.txt',
  'type=dir;modify=20240101000000;UNIX.mode=0755; sub',
  'type=cdir;modify=20240101000000; .',
  '',
].join('\r\n');

class ScriptedClient extends FakeClient {
  constructor(world) {
    super();
    this.world = world;
    this.features = new Map([['MLST', 'type*;size*;modify*;']]);
  }
  async quot(line) {
    await delay(Math.floor(Math.random() * 8));
    this.world.running -= 0;
    const r = { code: line.startsWith('BAD') ? 500 : 200, message: `ok ${line}`, lines: [] };
    this.lastReply = r;
    return r;
  }
  async listRaw(verb, dir) {
    this.world.calls.push(`${verb} ${dir ?? ''}`);
    this.lastReply = { code: 226, message: 'Transfer complete', lines: [] };
    if (dir && dir.endsWith('sub')) return `type=file;size=1;modify=20240102030405; deep.csv\r\n${this.world.dotFile ? 'type=file;size=1;modify=20240102030405; .hidden.csv\r\n' : ''}`;
    return MLSD;
  }
  async get(remote, sink, opts) {
    const data = this.world.files[remote];
    if (!data) throw Object.assign(new Error(`RETR ${remote}: 550 No such file`), { kind: 'reply', code: 550 });
    opts.onProgress?.({ bytes: 0, total: data.length });
    for (let i = 0; i < data.length; i += 1000) {
      const chunk = data.subarray(i, i + 1000);
      await new Promise((r) => sink.write(chunk, r));
      opts.onProgress?.({ bytes: i + chunk.length, total: data.length });
    }
    await new Promise((r) => sink.end(r));
    const reply = { code: 226, message: 'Transfer complete', lines: [] };
    return { bytes: data.length, ms: 3, reply, remotePath: remote };
  }
  async fetch(remote, opts) {
    const parts = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        parts.push(chunk);
        cb();
      },
    });
    const r = await this.get(remote, sink, opts);
    return { ...r, data: Buffer.concat(parts) };
  }
}

function fakeServerModule(world) {
  return function (RED) {
    function FakeServer(def) {
      RED.nodes.createNode(this, def);
      const pool = new SessionPool({
        create: () => new ScriptedClient(world),
        open: async () => {
          await delay(5);
        },
        maxConnections: Number(def.maxConnections) || 1,
        idleTimeout: 0,
      });
      const users = new Map();
      this.run = (job, opts) => pool.run(job, opts);
      this.register = (u) => users.set(u.id, u);
      this.deregister = (u) => users.delete(u.id);
      this.on('close', (_removed, done) => {
        pool.close().then(done, done);
      });
    }
    RED.nodes.registerType('ftps-server', FakeServer, { credentials: { user: { type: 'text' }, password: { type: 'password' } } });
  };
}

describe('ftps nodes against a scripted client', function () {
  this.timeout(20000);
  let world;
  beforeEach(() => {
    world = { calls: [], running: 0, files: {} };
  });
  afterEach(async () => {
    await helper.unload();
  });

  function flowWith(node, maxConnections = 1) {
    return [
      { id: 'f1', type: 'tab', label: 'ftps' },
      { id: 's1', type: 'ftps-server', host: 'fake', maxConnections },
      { id: 'n1', z: 'f1', server: 's1', wires: [['out']], ...node },
      { id: 'c1', z: 'f1', type: 'catch', scope: null, wires: [['caught']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'caught', z: 'f1', type: 'helper' },
    ];
  }

  it('a burst of 100 messages through 4 parallel sessions comes out complete and in order', async () => {
    await helper.load([fakeServerModule(world), ...actionNodes], flowWith({ type: 'ftps-quot' }, 4));
    const got = collect(helper.getNode('out'), 100);
    for (let i = 0; i < 100; i += 1) helper.getNode('n1').receive({ payload: `NOOP ${i}`, seq: i });
    const msgs = await got;
    assert.deepStrictEqual(msgs.map((m) => m.seq), [...Array(100).keys()]);
    assert.strictEqual(msgs[7].payload, 'ok NOOP 7');
    assert.deepStrictEqual(msgs[7].ftps, { code: 200, message: 'ok NOOP 7' });
  });

  it('ftps-quot passes a 5xx reply on as output, not as an error', async () => {
    await helper.load([fakeServerModule(world), ...actionNodes], flowWith({ type: 'ftps-quot' }));
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('n1').receive({ payload: 'BAD COMMAND' });
    const m = await out;
    assert.strictEqual(m.ftps.code, 500);
  });

  it('ftps-list: entries with ISO times, pattern, input message kept', async () => {
    await helper.load([fakeServerModule(world), ...actionNodes], flowWith({ type: 'ftps-list', pattern: '*.csv' }));
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('n1').receive({ filename: '/in', topic: 't' });
    const m = await out;
    assert.strictEqual(m.topic, 't');
    assert.deepStrictEqual(world.calls, ['MLSD /in']);
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
    await helper.load(
      [fakeServerModule(world), ...actionNodes],
      flowWith({ type: 'ftps-list', path: '/in', pathType: 'str', pattern: '**/*.csv', recursive: true, output: 'split' }),
    );
    const got = collect(helper.getNode('out'), 2);
    helper.getNode('n1').receive({});
    const msgs = await got;
    assert.deepStrictEqual(world.calls, ['MLSD /in', 'MLSD /in/sub']);
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
      world.dotFile = true;
      await helper.load([fakeServerModule(world), ...actionNodes], flowWith({ type: 'ftps-list', path: '/in', pathType: 'str', pattern, recursive, dot }));
      const out = nextMessage(helper.getNode('out'));
      helper.getNode('n1').receive({});
      const m = await out;
      assert.deepStrictEqual(world.calls, calls);
      assert.deepStrictEqual(m.payload.map((e) => e.path), paths);
      // the client's own list() on the same listings finds the same
      const direct = await clientList(new ScriptedClient({ ...world, calls: [] }), '/in', { pattern, recursive, dot, matchLocally: true });
      assert.deepStrictEqual(direct.map((e) => e.path), paths);
    });
  }

  it('ftps-list: a one-directory pattern with wildcards in its directory part is refused (Catch), nothing listed', async () => {
    await helper.load([fakeServerModule(world), ...actionNodes], flowWith({ type: 'ftps-list', path: '/in', pathType: 'str', pattern: '*/*.csv' }));
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('n1').receive({});
    const m = await caught;
    assert.match(m.error.message, /directory part of "\*\/\*\.csv" has wildcards: use a recursive listing/);
    assert.deepStrictEqual(world.calls, []);
  });

  it('ftps-get: buffer and utf8 output, msg.ftps with bytes and ms', async () => {
    world.files['/a.txt'] = Buffer.from('hello world');
    await helper.load([fakeServerModule(world), ...actionNodes], flowWith({ type: 'ftps-get', output: 'utf8' }));
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('n1').receive({ filename: '/a.txt' });
    const m = await out;
    assert.strictEqual(m.payload, 'hello world');
    assert.strictEqual(m.ftps.bytes, 11);
    assert.strictEqual(typeof m.ftps.ms, 'number');
    assert.strictEqual(m.ftps.code, 226);
  });

  it('ftps-get: a 550 reaches the Catch node with msg.error.code', async () => {
    await helper.load([fakeServerModule(world), ...actionNodes], flowWith({ type: 'ftps-get' }));
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('n1').receive({ filename: '/missing.txt' });
    const m = await caught;
    assert.strictEqual(m.error.code, 550);
    assert.match(m.error.message, /^RETR \/missing\.txt: 550/);
  });

  it('ftps-get: chunked output as msg.parts, the last one with count and msg.ftps', async () => {
    const data = Buffer.alloc(150 * 1024, 7);
    world.files['/big.bin'] = data;
    await helper.load([fakeServerModule(world), ...actionNodes], flowWith({ type: 'ftps-get', output: 'chunks', chunkSize: 65536 }));
    const got = collect(helper.getNode('out'), 3);
    helper.getNode('n1').receive({ filename: '/big.bin' });
    const msgs = await got;
    assert.deepStrictEqual(msgs.map((m) => m.payload.length), [65536, 65536, 150 * 1024 - 131072]);
    assert.deepStrictEqual(msgs.map((m) => m.parts.index), [0, 1, 2]);
    assert.strictEqual(msgs[2].parts.count, 3);
    assert.strictEqual(msgs[0].parts.count, undefined);
    assert.strictEqual(msgs[2].ftps.bytes, data.length);
    assert.ok(Buffer.concat(msgs.map((m) => m.payload)).equals(data));
  });
});
