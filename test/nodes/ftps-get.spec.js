'use strict';
// ftps-get: input checks (CR/LF, a missing path, localRoot), the msg contract
// against a scripted client, and downloads on the real servers. Multi-file
// get: ftps-get.multi-file.spec.js.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./support/red');
const { call, collect, caughtError } = require('./support/flow');
const { allNodes, closedPort, serverConfig, nextMessage, collectFrom, itRefusesCrLf, describeOffline } = require('./support/offline');
const { useScriptedServer } = require('./support/scripted-server');
const { eachServer, logText } = require('./support/servers');
const { localRootRefusals } = require('./support/local-files');

describeOffline('ftps-get', () => {
  for (const [props, msg] of [
    [{}, { filename: 'a.txt\r\nDELE b.txt' }],
    [{ path: 'a.txt\u0000b', pathType: 'str' }, {}],
  ]) {
    itRefusesCrLf('ftps-get', props, msg);
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
});

localRootRefusals([
  ['ftps-get', { output: 'file' }, '../outside/new.txt', /outside the server's local folder/],
  ['ftps-get', { output: 'file' }, 'escape/new.txt', /symbolic link/],
]);

describe('ftps-get against a scripted client', function () {
  this.timeout(20000);
  const sc = useScriptedServer();

  it('ftps-get: buffer and utf8 output, msg.ftps with bytes and ms', async () => {
    sc.world.files['/a.txt'] = Buffer.from('hello world');
    await sc.load({ type: 'ftps-get', output: 'utf8' });
    const out = nextMessage(helper.getNode('out'));
    helper.getNode('n1').receive({ filename: '/a.txt' });
    const m = await out;
    assert.strictEqual(m.payload, 'hello world');
    assert.strictEqual(m.ftps.bytes, 11);
    assert.strictEqual(typeof m.ftps.ms, 'number');
    assert.strictEqual(m.ftps.code, 226);
  });

  it('ftps-get: a 550 reaches the Catch node with msg.error.code', async () => {
    await sc.load({ type: 'ftps-get' });
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('n1').receive({ filename: '/missing.txt' });
    const m = await caught;
    assert.strictEqual(m.error.code, 550);
    assert.match(m.error.message, /^RETR \/missing\.txt: 550/);
  });

  it('ftps-get: chunked output as msg.parts, the last one with count and msg.ftps', async () => {
    const data = Buffer.alloc(150 * 1024, 7);
    sc.world.files['/big.bin'] = data;
    await sc.load({ type: 'ftps-get', output: 'chunks', chunkSize: 65536 });
    const got = collectFrom(helper.getNode('out'), 3);
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

eachServer('ftps-get', (fx) => {
  const { load } = fx;

  it('ftps-get: buffer, utf8, local file (no scratch file left), chunks', async () => {
    const data = Buffer.alloc(300 * 1024);
    for (let i = 0; i < data.length; i += 1) data[i] = (i * 7) % 251;
    fx.s.put('get/data.bin', data);
    fx.s.put('get/t.txt', 'grüße\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-get-'));
    try {
      await load([
        { id: 'g1', type: 'ftps-get' },
        { id: 'g2', type: 'ftps-get', output: 'utf8' },
        { id: 'g3', type: 'ftps-get', output: 'file' },
        { id: 'g4', type: 'ftps-get', output: 'chunks', chunkSize: 100000 },
      ]);
      const b = await call('g1', { filename: '/get/data.bin' });
      assert.ok(Buffer.isBuffer(b.payload) && b.payload.equals(data));
      assert.strictEqual(b.ftps.bytes, data.length);
      assert.strictEqual(b.ftps.code, 226);
      assert.strictEqual(typeof b.ftps.message, 'string');
      assert.strictEqual(typeof b.ftps.ms, 'number');
      const u = await call('g2', { filename: '/get/t.txt' });
      assert.strictEqual(u.payload, 'grüße\n');
      const local = path.join(dir, 'copy.bin');
      const f = await call('g3', { filename: '/get/data.bin', localFilename: local });
      assert.strictEqual(f.payload, local);
      assert.ok(fs.readFileSync(local).equals(data));
      assert.deepStrictEqual(fs.readdirSync(dir), ['copy.bin'], 'no scratch file left');
      const got = collect(4);
      helper.getNode('g4').receive({ filename: '/get/data.bin' });
      const parts = await got;
      assert.deepStrictEqual(
        parts.map((p) => p.payload.length),
        [100000, 100000, 100000, data.length - 300000],
      );
      assert.strictEqual(parts[3].parts.count, 4);
      assert.deepStrictEqual(
        parts.map((p) => p.ftps.bytes),
        [100000, 200000, 300000, data.length],
        'every chunk carries msg.ftps with the bytes so far',
      );
      assert.deepStrictEqual(
        parts.map((p) => p.ftps.code),
        [150, 150, 150, 226],
        'in progress, then the final reply',
      );
      assert.strictEqual(parts[3].ftps.code, 226);
      assert.strictEqual(typeof parts[3].ftps.ms, 'number');
      assert.ok(Buffer.concat(parts.map((p) => p.payload)).equals(data));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('errors reach the Catch node: missing file (550), CR/LF in a path (nothing sent), nothing on the output', async () => {
    await load([{ id: 'g1', type: 'ftps-get' }, { id: 'p1', type: 'ftps-put' }], { debug: 1 });
    let outputs = 0;
    helper.getNode('out').on('input', () => {
      outputs += 1;
    });
    const e = await caughtError(call('g1', { filename: '/nope.txt', keep: 3 }));
    assert.strictEqual(e.code, 550);
    assert.match(e.message, /nope\.txt/);
    assert.strictEqual(e.msg.keep, 3, 'the Catch node gets the input message');
    assert.strictEqual(e.msg.error.source.id, 'g1');
    helper.log().resetHistory();
    const bad = await caughtError(call('p1', { filename: '/evil\r\nDELE x.txt', payload: 'x' }));
    assert.strictEqual(bad.code, undefined, 'no reply code: nothing was sent');
    assert.match(bad.message, /CR|LF|line/i);
    assert.doesNotMatch(logText(), /evil|STOR|DELE/, 'not a byte of it went to the server');
    assert.strictEqual(outputs, 0);
  });
});
