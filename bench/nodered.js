'use strict';
// The workloads of worker.js through the Node-RED nodes (ftps-server,
// ftps-get, ftps-put) in a headless Node-RED runtime embedded in a process
// of its own, as a user runs them: require('node-red'), RED.init with a
// temporary user directory (removed at the end) and this repo as nodesDir,
// no editor, the flow deployed with its credentials through the runtime
// API. Messages go in with the node's own receive(); a message is finished
// when the node calls done(), seen through Node-RED's onComplete hook, which
// also carries done(err): an error ends the run with its message. No test
// helper, no spies. argv[2]: the same JSON spec; prints one JSON line.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const spec = JSON.parse(process.argv[2]);

function flow(maxConnections) {
  return [
    { id: 'f1', type: 'tab', label: 'bench', disabled: false, info: '' },
    { id: 'tls1', type: 'tls-config', name: '', cert: '', key: '', ca: spec.caFile, certname: '', keyname: '', caname: '', servername: '', verifyservercert: true, alpnprotocol: '' },
    { id: 's1', type: 'ftps-server', host: spec.host, port: String(spec.port), encryption: 'explicit', tls: 'tls1', timeout: 120, maxConnections, idleTimeout: 0, credentials: { user: spec.user, password: spec.password } },
    // outputs unwired: what follows a node in a user's flow is not its cost
    { id: 'getFile', z: 'f1', type: 'ftps-get', server: 's1', output: 'file', wires: [[]] },
    { id: 'getBuf', z: 'f1', type: 'ftps-get', server: 's1', output: 'buffer', wires: [[]] },
    { id: 'putFile', z: 'f1', type: 'ftps-put', server: 's1', source: 'file', wires: [[]] },
  ];
}

/** Resolves when the runtime has (re)started its flows, rejects when it reports why it cannot. */
function flowsStarted(RED) {
  return new Promise((resolve, reject) => {
    const onState = (e) => {
      if (e && e.id === 'runtime-state' && e.payload && e.payload.error) finish(new Error(`Node-RED: ${e.payload.error} ${e.payload.text || ''}`));
    };
    const onStarted = () => finish();
    function finish(err) {
      RED.events.removeListener('flows:started', onStarted);
      RED.events.removeListener('runtime-event', onState);
      if (err) reject(err);
      else resolve();
    }
    RED.events.on('flows:started', onStarted);
    RED.events.on('runtime-event', onState);
  });
}

// msg._msgid -> { resolve, reject } of the batch waiting for it
const pending = new Map();

function onComplete(event) {
  const waiter = pending.get(event.msg && event.msg._msgid);
  if (!waiter) return;
  pending.delete(event.msg._msgid);
  if (event.error) waiter.reject(new Error(event.error.message || String(event.error)));
  else waiter.resolve();
}

let nextId = 0;
/** Send msgs into node `id` all at once; resolves when the node has finished every one of them. */
function send(RED, id, msgs) {
  const node = RED.nodes.getNode(id);
  if (!node) return Promise.reject(new Error(`node ${id} is not running`));
  return Promise.all(
    msgs.map((m) => {
      m._msgid = `bench-${nextId++}`;
      const p = new Promise((resolve, reject) => pending.set(m._msgid, { resolve, reject }));
      node.receive(m);
      return p;
    }),
  );
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function start(userDir) {
  const RED = require('node-red');
  const settings = {
    userDir,
    nodesDir: [ROOT],
    flowFile: 'flows.json',
    credentialSecret: 'ftps-bench-only',
    httpAdminRoot: false,
    httpNodeRoot: false,
    logging: { console: { level: 'off', metrics: false, audit: false } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    editorTheme: { tours: false },
  };
  // the runtime wants a server for its nodes; it never listens here
  RED.init(http.createServer(), settings);
  RED.hooks.add('onComplete.bench', onComplete);
  let started = flowsStarted(RED);
  await RED.start();
  await started;
  started = flowsStarted(RED);
  const connections = spec.workload === 'small-pool' ? spec.connections : 1;
  await RED.runtime.flows.setFlows({ flows: { flows: flow(connections) }, deploymentType: 'full' });
  await started;
  return RED;
}

async function main() {
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-bench-nr-'));
  let RED;
  try {
    RED = await start(userDir);
    const connections = spec.workload === 'small-pool' ? spec.connections : 1;
    // warm the pool: every session logged in before the clock starts, as for the client alone
    await send(RED, 'getBuf', Array.from({ length: connections }, () => ({ filename: spec.warmRemote })));
    const out = {};
    if (spec.workload === 'get' || spec.workload === 'put') {
      const t0 = now();
      if (spec.workload === 'get') await send(RED, 'getFile', [{ filename: spec.remote, localFilename: spec.local }]);
      else await send(RED, 'putFile', [{ filename: spec.remote, localFilename: spec.local }]);
      out.ms = now() - t0;
    } else if (spec.workload === 'small-seq') {
      const t0 = now();
      for (const name of spec.files) await send(RED, 'getFile', [{ filename: `${spec.remoteDir}/${name}`, localFilename: path.join(spec.localDir, name) }]);
      out.ms = now() - t0;
      out.count = spec.files.length;
    } else if (spec.workload === 'small-pool') {
      const t0 = now();
      await send(RED, 'getFile', spec.files.map((name) => ({ filename: `${spec.remoteDir}/${name}`, localFilename: path.join(spec.localDir, name) })));
      out.ms = now() - t0;
      out.count = spec.files.length;
    } else if (spec.workload === 'latency') {
      for (let i = 0; i < 10; i++) await send(RED, 'getBuf', [{ filename: spec.remote }]);
      const lat = [];
      const t0 = now();
      for (let i = 0; i < spec.n; i++) {
        const t = now();
        await send(RED, 'getBuf', [{ filename: spec.remote }]);
        lat.push(now() - t);
      }
      out.ms = now() - t0;
      out.count = spec.n;
      lat.sort((a, b) => a - b);
      out.lat = { p50: percentile(lat, 50), p99: percentile(lat, 99) };
    }
    out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
    await RED.stop();
    RED = null;
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    if (RED) await RED.stop().catch(() => {});
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
