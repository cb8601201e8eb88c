'use strict';
// One Node-RED runtime (node-red-node-test-helper) in its own process, with
// one ftps-watch node in `claim` mode; for the several-instances tests in
// ftps-watch.claim.spec.js. argv[2] is JSON: { host, port, caFile, user, password,
// path, claimTimeout, interval, dieAfter }; with dieAfter > 0 the process
// SIGKILLs itself right after that many emits (before the file's DELE). Prints one JSON line per event on stdout:
// {"ready":true}, {"emit":"/inbox/f001.txt","pid":123}, {"error":"..."}.
const path = require('node:path');
const { helper, core } = require('./red');

const ROOT = path.join(__dirname, '..', '..', '..');
const NODES = [require(path.join(ROOT, 'nodes', 'ftps-server.js')), require(path.join(ROOT, 'nodes', 'ftps-watch.js')), core('network/05-tls.js')];
const cfg = JSON.parse(process.argv[2]);
const line = (o) => process.stdout.write(`${JSON.stringify({ ...o, pid: process.pid })}\n`);

const flow = [
  { id: 'f1', type: 'tab', label: 'inbox' },
  { id: 'tls1', type: 'tls-config', name: '', cert: '', key: '', ca: cfg.caFile, certname: '', keyname: '', caname: '', servername: '', verifyservercert: true, alpnprotocol: '' },
  { id: 's1', type: 'ftps-server', host: cfg.host, port: String(cfg.port), encryption: 'explicit', tls: 'tls1', timeout: 10, maxConnections: 1, idleTimeout: 60 },
  {
    id: 'w1', z: 'f1', type: 'ftps-watch', server: 's1', path: cfg.path, interval: cfg.interval, emitExisting: true,
    claim: true, claimTimeout: cfg.claimTimeout, afterEmit: 'delete', wires: [['out']],
  },
  { id: 'out', z: 'f1', type: 'helper' },
  { id: 'c1', z: 'f1', type: 'catch', scope: ['w1'], uncaught: false, wires: [['caught']] },
  { id: 'caught', z: 'f1', type: 'helper' },
];

helper
  .load(NODES, flow, { s1: { user: cfg.user, password: cfg.password } })
  .then(() => {
    let emitted = 0;
    helper.getNode('out').on('input', (m) => {
      line({ emit: m.filename });
      emitted += 1;
      if (cfg.dieAfter > 0 && emitted >= cfg.dieAfter) process.kill(process.pid, 'SIGKILL');
    });
    helper.getNode('caught').on('input', (m) => line({ error: m.error.message }));
    line({ ready: true });
  })
  .catch((e) => {
    line({ error: `load failed: ${e.message}` });
    process.exit(1);
  });
