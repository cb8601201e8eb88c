'use strict';
// `npm start`: an embedded FTPS server (demo/ftp-server.js) and Node-RED
// with this package loaded from the working tree, in this one process, with
// the demo flow (demo/flow.js) deployed. Ctrl-C (SIGINT) or SIGTERM stops
// Node-RED (its flows QUIT their FTP sessions), then the FTP server.
//   PORT          editor port (default 1880; 0 picks a free one)
//   FTP_PORT      FTPS server port (default 2121; 0 picks a free one)
//   FTPS_DEMO_DIR user directory (default .demo/ in the repo)
//   NODE_RED_PATH another Node-RED install to run instead of the package's own
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { startDemoFtpServer, DEMO_USER } = require('./ftp-server');
const { withDemoFlow } = require('./flow');

function envPort(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}=${v} is not a port number`);
  return n;
}

/** The demo account's password: made once per user directory, kept out of the flow files. */
function demoPassword(dir) {
  const file = path.join(dir, 'account.json');
  try {
    const a = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (a.user === DEMO_USER && typeof a.password === 'string' && a.password) return a.password;
  } catch {
    // first start, or a damaged file: make a new one
  }
  const password = crypto.randomBytes(12).toString('base64url');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ user: DEMO_USER, password }, null, 2) + '\n', { mode: 0o600 });
  return password;
}

async function main() {
  const settings = require('./settings');
  const uiPort = envPort('PORT', 1880);
  const ftpPort = envPort('FTP_PORT', 2121);
  const ftpDir = path.join(settings.userDir, 'ftp');
  fs.mkdirSync(settings.userDir, { recursive: true });

  const ftp = await startDemoFtpServer({ dir: ftpDir, password: demoPassword(ftpDir), port: ftpPort });
  // NODE_RED_PATH: another Node-RED install (the tests run the demo on Node-RED 5 with it)
  const RED = require(process.env.NODE_RED_PATH || 'node-red');
  const server = http.createServer((req, res) => RED.httpAdmin(req, res));
  let stopping = null;
  const stop = (why) => {
    if (stopping) return stopping;
    console.log(`\n${why}: stopping Node-RED and the FTPS server`);
    stopping = (async () => {
      try {
        await RED.stop();
      } catch (e) {
        console.error(`Node-RED stop: ${e.message}`);
      }
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r()));
      await ftp.close();
    })();
    return stopping;
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      // Ctrl-C under `npm start` can arrive twice (from the terminal and
      // forwarded by npm): a stop already under way just goes on.
      if (stopping) return;
      // Node-RED gives each node 15 s to close; past that, leave anyway.
      setTimeout(() => {
        console.error('Node-RED or the FTP server did not stop within 20 s; exiting');
        process.exit(1);
      }, 20000).unref();
      stop(sig).then(() => {
        console.log('stopped');
        process.exit(0);
      });
    });
  }

  RED.init(server, { ...settings, uiPort });
  // RED.start() resolves before the flow file is loaded and its flows are
  // started, and setFlows() before the new flows are: wait for each, or for
  // the runtime to report why it cannot (missing node types, credentials it
  // cannot decrypt), so that the address is printed when the demo runs.
  const flowsStarted = () => new Promise((resolve) => {
    const onState = (e) => {
      if (e && e.id === 'runtime-state' && e.payload && e.payload.error) done();
    };
    const done = () => {
      RED.events.removeListener('flows:started', done);
      RED.events.removeListener('runtime-event', onState);
      resolve();
    };
    RED.events.on('flows:started', done);
    RED.events.on('runtime-event', onState);
  });
  let started = flowsStarted();
  await RED.start();
  await started;
  // The demo tab is rewritten at every start (new certificate, maybe a new
  // port); the account's credentials travel with it through the runtime API,
  // which stores them encrypted in flows_cred.json.
  const current = await RED.runtime.flows.getFlows({});
  started = flowsStarted();
  await RED.runtime.flows.setFlows({ flows: { flows: withDemoFlow(current && current.flows, ftp) }, deploymentType: 'full' });
  await started;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(uiPort, settings.uiHost, resolve);
  });
  const rel = (p) => (p.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), p) : p);
  console.log(`FTPS server: ftp://${ftp.host}:${ftp.port} (explicit TLS, PROT P), user "${ftp.user}", password in ${rel(path.join(ftpDir, 'account.json'))}, certificate ${rel(ftp.certFile)}`);
  console.log(`Node-RED editor: http://${settings.uiHost}:${server.address().port}/  (Ctrl-C stops it)`);
}

main().catch((e) => {
  console.error(`demo failed to start: ${e.stack || e.message}`);
  process.exit(1);
});
