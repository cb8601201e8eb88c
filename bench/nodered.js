'use strict';
// The workloads of worker.js through the Node-RED nodes (ftps-server,
// ftps-get, ftps-put in a flow run by node-red-node-test-helper), in a
// process of its own. argv[2]: the same JSON spec; prints one JSON line.
const fs = require('node:fs');
const path = require('node:path');
const helper = require('node-red-node-test-helper');

const ROOT = path.join(__dirname, '..');
helper.init(require.resolve('node-red'));
const redDir = path.dirname(require.resolve('node-red'));
const tlsNode = require(require.resolve('@node-red/nodes/core/network/05-tls.js', { paths: [redDir] }));
const NODES = ['ftps-server', 'ftps-get', 'ftps-put'].map((t) => require(path.join(ROOT, 'nodes', `${t}.js`))).concat(tlsNode);

const spec = JSON.parse(process.argv[2]);

function flow(maxConnections) {
  return [
    { id: 'f1', type: 'tab', label: 'bench' },
    { id: 'tls1', type: 'tls-config', name: '', cert: '', key: '', ca: spec.caFile, certname: '', keyname: '', caname: '', servername: '', verifyservercert: true, alpnprotocol: '' },
    { id: 's1', type: 'ftps-server', host: spec.host, port: String(spec.port), encryption: 'explicit', tls: 'tls1', timeout: 120, maxConnections, idleTimeout: 0 },
    { id: 'getFile', z: 'f1', type: 'ftps-get', server: 's1', output: 'file', wires: [['out']] },
    { id: 'getBuf', z: 'f1', type: 'ftps-get', server: 's1', output: 'buffer', wires: [['out']] },
    { id: 'putFile', z: 'f1', type: 'ftps-put', server: 's1', source: 'file', wires: [['out']] },
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'c1', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];
}

/** Send msgs into node `id` all at once; resolves when as many outputs came. */
function send(id, msgs) {
  return new Promise((resolve, reject) => {
    let left = msgs.length;
    const out = helper.getNode('out');
    const caught = helper.getNode('caught');
    const onOut = () => {
      left -= 1;
      if (left === 0) finish();
    };
    const onCaught = (m) => finish(new Error(m.error.message));
    function finish(err) {
      out.removeListener('input', onOut);
      caught.removeListener('input', onCaught);
      if (err) reject(err);
      else resolve();
    }
    out.on('input', onOut);
    caught.on('input', onCaught);
    for (const m of msgs) helper.getNode(id).receive(m);
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const connections = spec.workload === 'small-pool' ? spec.connections : 1;
  await helper.load(NODES, flow(connections), { s1: { user: spec.user, password: spec.password } });
  // warm the pool: every session logged in before the clock starts, as for the client alone
  await send('getBuf', Array.from({ length: connections }, () => ({ filename: spec.warmRemote })));
  const out = {};
  if (spec.workload === 'get' || spec.workload === 'put') {
    const t0 = now();
    if (spec.workload === 'get') await send('getFile', [{ filename: spec.remote, localFilename: spec.local }]);
    else await send('putFile', [{ filename: spec.remote, localFilename: spec.local }]);
    out.ms = now() - t0;
  } else if (spec.workload === 'small-seq') {
    const t0 = now();
    for (const name of spec.files) await send('getFile', [{ filename: `${spec.remoteDir}/${name}`, localFilename: path.join(spec.localDir, name) }]);
    out.ms = now() - t0;
    out.count = spec.files.length;
  } else if (spec.workload === 'small-pool') {
    const t0 = now();
    await send('getFile', spec.files.map((name) => ({ filename: `${spec.remoteDir}/${name}`, localFilename: path.join(spec.localDir, name) })));
    out.ms = now() - t0;
    out.count = spec.files.length;
  } else if (spec.workload === 'latency') {
    for (let i = 0; i < 10; i++) await send('getBuf', [{ filename: spec.remote }]);
    const lat = [];
    const t0 = now();
    for (let i = 0; i < spec.n; i++) {
      const t = now();
      await send('getBuf', [{ filename: spec.remote }]);
      lat.push(now() - t);
    }
    out.ms = now() - t0;
    out.count = spec.n;
    lat.sort((a, b) => a - b);
    out.lat = { p50: percentile(lat, 50), p99: percentile(lat, 99) };
  }
  out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
  await helper.unload();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
