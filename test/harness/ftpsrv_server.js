'use strict';
// ftp-srv (npm, unpatched) as a harness server: one process per instance,
// configured by a JSON file (argv[2]), listening on 127.0.0.1. Started by
// index.js like the daemons (own process group, killed by PID).
const fs = require('fs');
const path = require('path');

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { FtpSrv } = require(path.join(__dirname, '..', '..', 'node_modules', 'ftp-srv'));

// bunyan's interface, quiet: errors only, to stderr (the harness keeps it as a log)
const quiet = {
  child() { return quiet; },
  trace() {}, debug() {}, info() {}, warn() {},
  error(...a) { process.stderr.write(a.map((x) => (x instanceof Error ? x.stack : typeof x === 'string' ? x : JSON.stringify(x))).join(' ') + '\n'); },
  fatal(...a) { quiet.error(...a); },
};

const tls = cfg.mode === 'clear' ? false : {
  key: fs.readFileSync(cfg.keyfile), cert: fs.readFileSync(cfg.certfile),
  ...(cfg.tls13 === false ? { maxVersion: 'TLSv1.2' } : {}),
};
const server = new FtpSrv({
  url: `ftp://127.0.0.1:${cfg.port}`,
  pasv_url: '127.0.0.1', pasv_min: cfg.pasvMin, pasv_max: cfg.pasvMax,
  tls, anonymous: false, log: quiet, greeting: ['ftp-srv test server'],
});
server.on('login', ({ username, password }, resolve, reject) => {
  if (username === cfg.user && password === cfg.password) resolve({ root: cfg.root, cwd: '/' });
  else reject(new Error('bad login'));
});
server.on('client-error', () => { /* a client that went away: not our concern */ });
server.listen().catch((e) => { process.stderr.write(`listen failed: ${e.message}\n`); process.exit(1); });
