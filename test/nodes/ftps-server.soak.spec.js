'use strict';
// Soak: SOAK_N (default 1000) mixed transfers (xput, put, get to a Buffer,
// get to a file) of small files through the fault proxy to ProFTPD, with
// random faults (seeded; replay with SOAK_SEED). Every file either arrives
// byte-exact or its message failed cleanly (Catch, message and code, no
// partial file under a final name that a failure must not leave); at the
// end no scratch file is left, and open handles and RSS are flat.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { helper, core } = require('./support/red');
const { call } = require('./support/flow');
const { FaultProxy } = require('../support/fault-proxy');
const h = require('../harness');

const ROOT = path.join(__dirname, '..', '..');
const TYPES = ['ftps-server', 'ftps-get', 'ftps-put', 'ftps-xput', 'ftps-quot'];
const NODES = [...TYPES.map((t) => require(path.join(ROOT, 'nodes', `${t}.js`))), core('network/05-tls.js')];
const N = Number(process.env.SOAK_N || 1000);
const { mulberry32, seedFrom } = require('../support/random');
const { resources, grownSince } = require('../support/resources');

const SEED = seedFrom('SOAK_SEED', 8);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
/** call() as an outcome: { ok } with the output, { error } with the Catch node's msg.error, { hung } when neither came. */
const outcome = (id, msg) => call(id, msg).then((ok) => ({ ok }), (e) => (e.caught ? { error: e.msg.error } : { hung: true }));

describe(`soak: ${N} mixed transfers with random faults (seed ${SEED}; SOAK_N, SOAK_SEED)`, function () {
  this.timeout(Math.max(180000, N * 600));
  let s;
  let proxy;
  let localDir;

  before(async function () {
    h.requireServer(this, 'proftpd', 'explicit');
    s = await h.startServer('proftpd', { mode: 'explicit' });
    proxy = await FaultProxy.start({ host: '127.0.0.2', controlPort: s.port, dataPorts: s.pasvRange });
    localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-soak-'));
  });
  after(async () => {
    await helper.unload();
    if (proxy) await proxy.close();
    if (s) await s.stop();
    if (localDir) fs.rmSync(localDir, { recursive: true, force: true });
  });

  it('every file arrives byte-exact or its message fails cleanly; no scratch file, handles and RSS flat at the end', async () => {
    const rand = mulberry32(SEED);
    const int = (n) => Math.floor(rand() * n);
    const caFile = (await h.certs()).files.caCert;
    s.put('soak/.keep', '');
    await new Promise((r) => setImmediate(r));
    const before0 = resources();
    await helper.load(NODES, [
      { id: 'f1', type: 'tab', label: 'soak' },
      { id: 'tls1', type: 'tls-config', name: '', cert: '', key: '', ca: caFile, certname: '', keyname: '', caname: '', servername: 'localhost', verifyservercert: true, alpnprotocol: '' },
      { id: 's1', type: 'ftps-server', host: '127.0.0.2', port: String(s.port), encryption: 'explicit', tls: 'tls1', epsv: 'always', timeout: 3, maxConnections: 1, idleTimeout: 60, retries: 0 },
      { id: 'x1', z: 'f1', type: 'ftps-xput', server: 's1', wires: [['out']] },
      { id: 'p1', z: 'f1', type: 'ftps-put', server: 's1', wires: [['out']] },
      { id: 'g1', z: 'f1', type: 'ftps-get', server: 's1', wires: [['out']] },
      { id: 'g2', z: 'f1', type: 'ftps-get', server: 's1', output: 'file', wires: [['out']] },
      { id: 'q1', z: 'f1', type: 'ftps-quot', server: 's1', wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'c1', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ], { s1: { user: s.user, password: s.password } });

    const stats = { ok: 0, failed: 0, faults: 0 };
    // files on the server with their content, for the gets: at most 64 kept, so the test's own memory stays flat
    const remoteFiles = [];
    let rssWarm = 0;
    let heapWarm = 0;
    const ctx = (i, op, extra) => `seed ${SEED}, transfer ${i} (${op})${extra ? `: ${extra}` : ''}`;

    // the test helper's sinon spies keep every call's arguments (every msg and its payload):
    // forget them now and then, so what is measured is the nodes' memory, not the spies'
    const forgetSpies = () => helper._sandbox.resetHistory();
    for (let i = 0; i < N; i += 1) {
      if (i % 50 === 0) forgetSpies();
      if (i === Math.min(100, Math.floor(N / 4))) {
        gc();
        rssWarm = process.memoryUsage().rss;
        heapWarm = process.memoryUsage().heapUsed;
      }
      proxy.clearFaults();
      const roll = rand();
      if (roll < 0.12) {
        stats.faults += 1;
        const kinds = ['reset', 'reset', 'fin', 'reset-control', 'stall'];
        const action = roll < 0.003 ? 'stall' : kinds[int(4)];
        proxy.inject({ conn: 'data', dir: rand() < 0.5 ? 'up' : 'down', after: int(40000), action });
      } else if (roll < 0.13) {
        stats.faults += 1;
        proxy.inject({ conn: 'control', dir: 'up', after: int(400), action: 'reset' });
      }
      const op = remoteFiles.length === 0 ? 'xput' : ['xput', 'put', 'get', 'getfile'][int(4)];
      if (op === 'xput' || op === 'put') {
        const data = Buffer.alloc(int(48 * 1024));
        for (let k = 0; k < data.length; k += 1) data[k] = int(256);
        const name = `/soak/${op}-${i}.bin`;
        const r = await outcome(op === 'xput' ? 'x1' : 'p1', { filename: name, payload: data });
        assert.ok(!r.hung, ctx(i, op, 'no answer'));
        const onDisk = path.join(s.root, name);
        if (r.ok) {
          stats.ok += 1;
          assert.ok(fs.readFileSync(onDisk).equals(data), ctx(i, op, 'byte-exact'));
          if (remoteFiles.length < 64) remoteFiles.push({ name, data });
          else remoteFiles[int(64)] = { name, data };
        } else {
          stats.failed += 1;
          assert.ok(r.error.message && typeof r.error.code === 'number', ctx(i, op, `clean failure: ${JSON.stringify(r.error)}`));
          // an xput never leaves anything under the final name
          if (op === 'xput') assert.ok(!fs.existsSync(onDisk), ctx(i, op, 'no partial file under the final name'));
        }
      } else {
        const f = remoteFiles[int(remoteFiles.length)];
        const local = path.join(localDir, `get-${i}.bin`);
        const r = await outcome(op === 'get' ? 'g1' : 'g2', { filename: f.name, localFilename: local });
        assert.ok(!r.hung, ctx(i, op, 'no answer'));
        if (r.ok) {
          stats.ok += 1;
          const got = op === 'get' ? r.ok.payload : fs.readFileSync(local);
          assert.ok(got.equals(f.data), ctx(i, op, `byte-exact ${f.name}`));
        } else {
          stats.failed += 1;
          assert.ok(r.error.message && typeof r.error.code === 'number', ctx(i, op, `clean failure: ${JSON.stringify(r.error)}`));
        }
        if (op === 'getfile') {
          assert.deepStrictEqual(fs.readdirSync(localDir).filter((n) => n !== `get-${i}.bin`), [], ctx(i, op, 'no scratch file'));
          if (r.error) assert.ok(!fs.existsSync(local), ctx(i, op, 'no partial file under the final name'));
          fs.rmSync(local, { force: true });
        }
      }
    }
    proxy.clearFaults();
    // one more message: a session lost with a scratch file has it deleted now
    assert.ok((await outcome('q1', { payload: 'NOOP' })).ok, 'the last message works');
    const scratch = fs.readdirSync(path.join(s.root, 'soak')).filter((n) => n.startsWith('_tmp.'));
    assert.deepStrictEqual(scratch, [], `no scratch file left (seed ${SEED})`);
    assert.ok(stats.failed > 0 || N < 50, `faults made some transfers fail (${JSON.stringify(stats)})`);
    assert.ok(stats.ok > stats.failed, JSON.stringify(stats));

    await helper.unload();
    await proxy.drained();
    assert.deepStrictEqual(await grownSince(before0), [], 'no handle left open');
    forgetSpies();
    gc();
    const rssEnd = process.memoryUsage().rss;
    const heapEnd = process.memoryUsage().heapUsed;
    // flat: what the warm-up reached, plus slack for allocator noise (2,000 transfers here: +5 MiB RSS, +1 MiB heap)
    assert.ok(rssEnd - rssWarm < 32 * 1024 * 1024, `RSS ${Math.round(rssWarm / 1048576)} MiB after warm-up, ${Math.round(rssEnd / 1048576)} MiB at the end`);
    assert.ok(heapEnd - heapWarm < 8 * 1024 * 1024, `heap ${Math.round(heapWarm / 1048576)} MiB after warm-up, ${Math.round(heapEnd / 1048576)} MiB at the end`);
    // eslint-disable-next-line no-console
    console.log(`      soak: ${N} transfers, ${stats.ok} ok, ${stats.failed} failed cleanly, ${stats.faults} faults injected; RSS ${Math.round(rssWarm / 1048576)} -> ${Math.round(rssEnd / 1048576)} MiB`);
  });
});
