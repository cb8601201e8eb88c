'use strict';
// The demo's embedded FTPS server: ftp-srv (npm) on 127.0.0.1 with explicit
// TLS (AUTH TLS, PBSZ 0, PROT P), a self-signed certificate made at start
// and one demo account whose root is a directory under .demo/.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const tls = require('node:tls');

const DEMO_USER = 'demo';

// Two races in ftp-srv 4.6.3 that break clients which do everything in
// order, fixed here for the demo (ftp-srv itself is unchanged on disk):
//
// 1. AUTH TLS: it replies 234 and wraps the control socket in TLS only
//    after the reply is flushed, while the socket keeps reading. A client's
//    ClientHello that arrives in between is parsed as an FTP command and
//    answered in plain text ("wrong version number" on the client; more
//    than half of all logins failed inside the demo process). Here the
//    socket stops reading before the 234 goes out and the TLS socket takes
//    over the still unread bytes.
// 2. Data connections under TLS: it hands a data connection to the
//    transfer only once its TLS handshake is done, and sends the 150 reply
//    only after that. Clients that send the transfer command first and
//    start TLS after the 150 (RFC 4217 allows both orders; pyftpdlib
//    requires this one, and our client uses it) would wait for each other
//    until ftp-srv gives up with 425. Here the data socket is handed over
//    as soon as TCP is up; the TLS handshake runs whenever the client starts
//    it, before any data moves.
function patchFtpSrv() {
  const auth = require('ftp-srv/src/commands/registration/auth');
  const Passive = require('ftp-srv/src/connector/passive');
  if (auth.ftpsDemo) return;
  auth.ftpsDemo = true;

  const originalAuth = auth.handler;
  auth.handler = function ({ command } = {}) {
    if (String(command.arg).toUpperCase() !== 'TLS' || !this.server.options.tls || this.secure) return originalAuth.apply(this, arguments);
    const raw = this.commandSocket;
    raw.pause();
    return this.reply(234).then(() => {
      // The TLS socket takes the bytes already buffered on the raw socket
      // with read() (on the next tick), which would hand them to the command
      // parser too: the parser listens to the TLS socket instead.
      const parsers = raw.listeners('data');
      raw.removeAllListeners('data');
      const secureSocket = new tls.TLSSocket(raw, { isServer: true, secureContext: tls.createSecureContext(this.server.options.tls) });
      secureSocket.on('data', (d) => parsers.forEach((l) => l.call(raw, d)));
      for (const event of ['timeout', 'end', 'close', 'drain', 'error']) {
        secureSocket.on(event, (...args) => raw.emit(event, ...args));
      }
      this.commandSocket = secureSocket;
      this.secure = true;
    });
  };

  const originalSetup = Passive.prototype.setupServer;
  Passive.prototype.setupServer = function () {
    if (!this.connection.secure) return originalSetup.call(this);
    this.closeServer();
    return this.server.getNextPasvPort().then((port) => {
      this.dataSocket = null;
      const secureContext = tls.createSecureContext(this.server.options.tls);
      this.dataServer = net.createServer((raw) => {
        if (raw.remoteAddress !== this.connection.commandSocket.remoteAddress) {
          raw.destroy();
          return;
        }
        const socket = new tls.TLSSocket(raw, { isServer: true, secureContext });
        socket.on('error', (err) => this.server && this.server.emit('client-error', { connection: this.connection, context: 'dataSocket', error: err }));
        socket.once('close', () => this.closeServer());
        socket.connected = true;
        this.dataSocket = socket;
      });
      this.dataServer.maxConnections = 1;
      this.dataServer.on('error', () => {});
      this.dataServer.once('close', () => {
        if (!this.dataSocket) this.end();
      });
      return new Promise((resolve, reject) => {
        this.dataServer.once('error', reject);
        this.dataServer.listen(port, this.server.url.hostname, () => resolve(this.dataServer));
      });
    });
  };
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for 30 days. */
async function makeCertificate() {
  const selfsigned = require('selfsigned');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 30 * 24 * 3600_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * The files and folders the package's examples (examples/*.json) work on,
 * so that each example runs against the demo server as imported. Only what
 * is missing is made: the user's changes stay.
 */
function seedExampleFiles(root) {
  const files = {
    'pub/readme.txt': 'A text file for the download and modification-time examples.\n',
    'pub/sample.bin': Buffer.alloc(256 * 1024, 0x5a),
    'upload/hello.txt': 'Hello from the demo server\n',
    'data/sensor-01.csv': 'timestamp,temperature_c\n2024-01-01T00:00:00Z,21.5\n',
    'data/2024/sensor-02.csv': 'timestamp,temperature_c\n2024-01-02T00:00:00Z,22.0\n',
    'inbox/example.csv': 'id,value\n1,42\n',
    'logs/device.log': '2024-01-01T00:00:00Z boot\n',
    'logs/2024/device.log': '2024-01-02T00:00:00Z reboot\n',
  };
  for (const d of ['upload', 'outbox', 'inbox/done', 'processed', 'sensors']) fs.mkdirSync(path.join(root, d), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, content);
  }
}

/**
 * Start the server. `dir` is where the certificate (cert.pem, key.pem) and
 * the account's files (files/) live; `password` is the demo account's;
 * `port` 0 or absent picks a free one.
 * Resolves to { host, port, user, password, certFile, cert, root, close }.
 */
async function startDemoFtpServer({ dir, password, port }) {
  patchFtpSrv();
  const FtpSrv = require('ftp-srv');
  fs.mkdirSync(dir, { recursive: true });
  const { key, cert } = await makeCertificate();
  const certFile = path.join(dir, 'cert.pem');
  fs.writeFileSync(path.join(dir, 'key.pem'), key, { mode: 0o600 });
  fs.writeFileSync(certFile, cert);
  const root = path.join(dir, 'files');
  fs.mkdirSync(root, { recursive: true });
  seedExampleFiles(root);
  const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child() { return silent; } };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT'];
  const before = new Map(SIGNALS.map((sig) => [sig, process.listeners(sig)]));
  const server = new FtpSrv({
    url: `ftp://127.0.0.1:${port || 0}`,
    pasv_url: '127.0.0.1',
    pasv_min: 40000,
    pasv_max: 60000,
    tls: { key, cert, minVersion: 'TLSv1.2' },
    anonymous: false,
    greeting: 'node-red-contrib-ftps demo server',
    log: silent,
  });
  // ftp-srv ends the process on these signals by itself; the demo stops
  // Node-RED first and then closes this server.
  for (const sig of SIGNALS) for (const l of process.listeners(sig)) if (!before.get(sig).includes(l)) process.removeListener(sig, l);
  server.on('login', ({ username, password: given }, resolve, reject) => {
    if (username === DEMO_USER && given === password) resolve({ root });
    else reject(new Error('login incorrect'));
  });
  server.on('client-error', () => {});
  await server.listen();
  let closed = null;
  return {
    host: '127.0.0.1',
    port: server.server.address().port,
    user: DEMO_USER,
    password,
    cert,
    certFile,
    root,
    close() {
      closed = closed || server.close();
      return closed;
    },
  };
}

module.exports = { startDemoFtpServer, seedExampleFiles, DEMO_USER };
