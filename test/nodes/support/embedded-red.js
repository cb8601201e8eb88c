'use strict';
// An embedded Node-RED (the devDependency, or NODE_RED_PATH's) with this working tree
// as a module (settings.nodesDir) and a user directory of its own, for the scripts a
// test runs in a child process: run(settings, flows, fn) starts it, awaits fn(RED),
// stops it, removes the directory and exits (1 with the error on stderr).
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RED = require(require.resolve(process.env.NODE_RED_PATH || 'node-red'));

async function start(settings, flows, fn) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-nr-'));
  if (flows) fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));
  const server = http.createServer();
  RED.init(server, {
    userDir,
    nodesDir: [ROOT],
    flowFile: 'flows.json',
    httpAdminRoot: false,
    httpNodeRoot: false,
    logging: { console: { level: 'off' } },
    editorTheme: { tours: false },
    credentialSecret: 'test-secret',
    ...settings,
  });
  await RED.start();
  try {
    await fn(RED);
  } finally {
    await RED.stop();
    server.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

function run(settings, flows, fn) {
  start(settings, flows, fn).then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(String(e && e.stack ? e.stack : e));
      process.exit(1);
    },
  );
}

module.exports = { run };
