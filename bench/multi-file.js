'use strict';
// `node bench/multi-file.js` (after `npm run build`): ftps-get's multi-file
// mode through the nodes (node-red-node-test-helper) on a harness server.
//  1. a recursive get of BENCH_FILES small files (10 folders) with concurrency 4
//     (maxConnections 4) against concurrency 1: the time of each, best of
//     BENCH_ROUNDS, and the ratio (issue 18 asks for at least 3x);
//  2. a `skip: same` rerun over the unchanged tree: the FTP commands it sends,
//     by verb (it should cost only the listings).
// Environment: BENCH_SERVER=proftpd (or vsftpd, pureftpd, pyftpdlib),
// BENCH_FILES=1000, BENCH_ROUNDS=2. Measured here, never asserted in tests.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../test/harness');
const { helper, core } = require('../test/nodes/support/red');

const ROOT = path.join(__dirname, '..');
const KIND = process.env.BENCH_SERVER || 'proftpd';
const FILES = Number(process.env.BENCH_FILES) || 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 2;
const NODES = [require(path.join(ROOT, 'nodes', 'ftps-server.js')), require(path.join(ROOT, 'nodes', 'ftps-get.js')), core('network/05-tls.js')];

function flow(s, caFile, get, server) {
  return [
    { id: 'f1', type: 'tab', label: 'bench' },
    { id: 'tls1', type: 'tls-config', name: '', cert: '', key: '', ca: caFile, certname: '', keyname: '', caname: '', servername: '', verifyservercert: true, alpnprotocol: '' },
    { id: 's1', type: 'ftps-server', host: s.host, port: String(s.port), encryption: 'explicit', tls: 'tls1', timeout: 30, idleTimeout: 60, ...server },
    { id: 'g', z: 'f1', type: 'ftps-get', server: 's1', output: 'file', recursive: true, wires: [['out']], ...get },
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'c1', z: 'f1', type: 'catch', scope: ['g'], uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];
}

function call(msg) {
  return new Promise((resolve, reject) => {
    helper.getNode('out').once('input', resolve);
    helper.getNode('caught').once('input', (m) => reject(new Error(m.error.message)));
    helper.getNode('g').receive(msg);
  });
}

async function timedGet(s, caFile, creds, concurrency) {
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-bench-multi-'));
  await helper.load(NODES, flow(s, caFile, { concurrency }, { maxConnections: concurrency }), creds);
  try {
    // a warm-up message logs the sessions in, so the clock measures transfers, not logins
    await call({ filename: '/tree/d0/f00*.txt', localFilename: fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-bench-warm-')) });
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const m = await call({ filename: '/tree', localFilename: local });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    console.log(`  node process CPU: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms of ${ms.toFixed(0)} ms wall, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
    if (m.ftps.files !== FILES && m.ftps.files !== FILES - 10) throw new Error(`got ${m.ftps.files} files, not ${FILES}`);
    return { ms, local };
  } finally {
    await helper.unload();
  }
}

async function main() {
  h.requireServer({ skip: () => process.exit(0) }, KIND);
  const s = await h.startServer(KIND, { mode: 'explicit' });
  try {
    const caFile = (await h.certs()).files.caCert;
    const creds = { s1: { user: s.user, password: s.password } };
    for (let i = 0; i < FILES; i += 1) s.put(`tree/d${i % 10}/f${String(i).padStart(4, '0')}.txt`, `${i}\n`.repeat(50));
    const best = { 1: Infinity, 4: Infinity };
    let local = '';
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const c of r % 2 === 0 ? [1, 4] : [4, 1]) {
        const t = await timedGet(s, caFile, creds, c);
        best[c] = Math.min(best[c], t.ms);
        local = t.local;
        console.log(`round ${r + 1} concurrency ${c}: ${t.ms.toFixed(0)} ms`);
      }
    }
    console.log(`\n${KIND}: recursive get of ${FILES} files: concurrency 1 ${best[1].toFixed(0)} ms, concurrency 4 ${best[4].toFixed(0)} ms, ratio ${(best[1] / best[4]).toFixed(2)}x`);

    // skip: same over the unchanged tree, commands counted from the debug log
    await helper.load(NODES, flow(s, caFile, { concurrency: 1, skip: 'same' }, { maxConnections: 1, debug: '1' }), creds);
    const t0 = process.hrtime.bigint();
    const m = await call({ filename: '/tree', localFilename: local });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const verbs = {};
    for (const a of helper.log().args) {
      const text = a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x))).join(' ');
      const hit = /^>>> (\S+)/.exec(text);
      if (hit) verbs[hit[1]] = (verbs[hit[1]] || 0) + 1;
    }
    await helper.unload();
    const skipped = m.payload.filter((o) => o.action === 'skipped').length;
    console.log(`${KIND}: skip "same" rerun: ${skipped} of ${m.payload.length} skipped, ${m.ftps.files} transferred, ${ms.toFixed(0)} ms; commands: ${JSON.stringify(verbs)}`);
  } finally {
    await s.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
