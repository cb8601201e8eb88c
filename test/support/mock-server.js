'use strict';
// A tiny scripted FTP server for unit tests of the client's error paths
// (the ones a real server will not produce on demand). Clear mode only.
//
//   const server = await MockFtpServer.start({ handlers: { NOOP: (s) => s.reply('421 bye') } });
//   server.port                       -> the control port on 127.0.0.1
//   server.lines                      -> every command line received, all sessions, in order
//   server.sessions[i].lines / .raw   -> per session: lines, and the exact bytes received
//   server.handle('RETR', fn)         -> (re)script a command; fn(session, arg, line)
//   await server.waitForLine('ABOR')  -> resolves once such a line has been received
//   await server.close()
//
// Handlers run as soon as their line arrives (an async handler does not hold
// up the lines after it, as a real server reads ABOR while a transfer runs).
// The defaults answer a login, FEAT, TYPE, NOOP, PWD, QUIT, HELP, ABOR and
// open passive data listeners for EPSV and PASV; RETR/LIST/STOR use them.

const net = require('node:net');
const { EventEmitter, once } = require('node:events');

function noop() {
  /* socket errors are expected in error-path tests */
}

function pasvTuple(host, port) {
  return `${host.split('.').join(',')},${port >> 8},${port & 255}`;
}

class MockSession {
  constructor(server, socket) {
    this.server = server;
    this.socket = socket;
    this.lines = [];
    this.chunks = [];
    this.buffered = '';
    this.dataListener = null;
    this.dataAccepted = null;
    this.dataSockets = [];
    this.closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', noop);
    socket.on('data', (chunk) => this.onData(chunk));
  }

  /** Every byte the client sent on the control connection. */
  get raw() {
    return Buffer.concat(this.chunks);
  }

  /** Write reply lines, each followed by CRLF. */
  reply(...lines) {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(lines.map((l) => l + '\r\n').join(''));
  }

  /** Write raw bytes (partial lines, bare LF, ...). */
  write(raw) {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(raw);
  }

  /** Half-close after what was written (a server that hangs up). */
  end() {
    this.socket.end();
  }

  destroy() {
    this.socket.destroy();
  }

  /** Open a one-shot data listener; resolves with its port. */
  async listenData(host = '127.0.0.1') {
    this.closeDataListener();
    const srv = net.createServer();
    this.dataListener = srv;
    this.dataAccepted = new Promise((resolve) => {
      srv.once('connection', (sock) => {
        sock.on('error', noop);
        this.dataSockets.push(sock);
        srv.close();
        this.server.dataConnections.push({ localAddress: sock.localAddress, localPort: sock.localPort });
        this.server.emit('dataConnection', sock);
        resolve(sock);
      });
    });
    srv.listen(0, host);
    await once(srv, 'listening');
    return srv.address().port;
  }

  /** The accepted data connection of the last EPSV/PASV. */
  dataSocket() {
    if (!this.dataAccepted) return Promise.reject(new Error('mock: no data listener open'));
    return this.dataAccepted;
  }

  closeDataListener() {
    if (this.dataListener) this.dataListener.close();
    this.dataListener = null;
  }

  onData(chunk) {
    this.chunks.push(Buffer.from(chunk));
    this.buffered += chunk.toString('latin1');
    for (;;) {
      const nl = this.buffered.indexOf('\n');
      if (nl < 0) break;
      let line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      line = Buffer.from(line, 'latin1').toString('utf8');
      this.lines.push(line);
      this.server.lines.push(line);
      this.server.emit('line', line, this);
      this.dispatch(line);
    }
  }

  dispatch(line) {
    const sp = line.indexOf(' ');
    const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const arg = sp < 0 ? '' : line.slice(sp + 1);
    const handler = this.server.handlers[verb] ?? this.server.handlers['*'];
    Promise.resolve()
      .then(() => handler(this, arg, line))
      .catch((err) => {
        this.server.errors.push(err);
        this.reply(`451 mock handler failed: ${err.message}`);
      });
  }

  shutdown() {
    this.closeDataListener();
    for (const s of this.dataSockets) s.destroy();
    this.socket.destroy();
  }
}

const DEFAULT_FEAT = ['211-Features:', ' MDTM', ' SIZE', ' REST STREAM', '211 End'];

function defaultHandlers() {
  return {
    USER: (s) => s.reply('331 Please specify the password.'),
    PASS: (s) => s.reply('230 Login successful.'),
    FEAT: (s) => s.reply(...s.server.feat),
    TYPE: (s, arg) => s.reply(`200 Type set to ${arg}.`),
    NOOP: (s) => s.reply('200 NOOP ok.'),
    PWD: (s) => s.reply('257 "/" is the current directory'),
    QUIT: (s) => {
      s.reply('221 Goodbye.');
      s.end();
    },
    HELP: (s) => s.reply('214-The following commands are recognized.', ' ABOR CWD DELE EPSV FEAT HELP LIST MDTM NOOP PASV PWD QUIT RETR SIZE STOR TYPE USER', '214 Help OK.'),
    ABOR: (s) => s.reply('225 No transfer to ABOR.'),
    EPSV: async (s, arg) => {
      if (arg.toUpperCase() === 'ALL') {
        s.reply('200 EPSV ALL ok.');
        return;
      }
      const port = await s.listenData();
      s.reply(`229 Entering Extended Passive Mode (|||${port}|)`);
    },
    PASV: async (s) => {
      const port = await s.listenData(s.server.pasvBindHost);
      s.reply(`227 Entering Passive Mode (${pasvTuple(s.server.pasvAnnounce ?? s.server.pasvBindHost, port)}).`);
    },
    RETR: async (s, arg) => {
      const data = s.server.files.get(arg);
      if (data === undefined) {
        s.closeDataListener();
        s.reply('550 Failed to open file.');
        return;
      }
      const sock = await s.dataSocket();
      s.reply(`150 Opening BINARY mode data connection for ${arg} (${data.length} bytes).`);
      sock.end(data);
      await once(sock, 'finish');
      s.reply('226 Transfer complete.');
    },
    LIST: async (s) => {
      const sock = await s.dataSocket();
      s.reply('150 Here comes the directory listing.');
      sock.end(s.server.listing);
      await once(sock, 'finish');
      s.reply('226 Directory send OK.');
    },
    STOR: async (s, arg) => {
      const sock = await s.dataSocket();
      s.reply('150 Ok to send data.');
      const parts = [];
      sock.on('data', (d) => parts.push(d));
      await once(sock, 'end');
      s.server.files.set(arg, Buffer.concat(parts));
      s.reply('226 Transfer complete.');
    },
    '*': (s, _arg, line) => s.reply(`502 Command not implemented: ${line.split(' ')[0]}.`),
  };
}

class MockFtpServer extends EventEmitter {
  /**
   * opts.handlers: { VERB: (session, arg, line) => void|Promise } overriding the defaults ('*' = any other)
   * opts.greeting: the 220 line(s), or null to send nothing
   * opts.feat: the FEAT reply lines
   * opts.files: { name: Buffer|string } served by RETR
   * opts.pasvAnnounce: the address PASV reports (default: where it listens)
   * opts.pasvBindHost: where PASV listens (default 127.0.0.1)
   */
  constructor(opts = {}) {
    super();
    this.handlers = { ...defaultHandlers(), ...(opts.handlers ?? {}) };
    this.greeting = opts.greeting === undefined ? ['220 mock FTP server ready'] : opts.greeting;
    this.feat = opts.feat ?? DEFAULT_FEAT;
    this.files = new Map(Object.entries(opts.files ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
    this.listing = opts.listing ?? '';
    this.pasvAnnounce = opts.pasvAnnounce;
    this.pasvBindHost = opts.pasvBindHost ?? '127.0.0.1';
    this.lines = [];
    this.sessions = [];
    this.errors = [];
    this.dataConnections = [];
    this.server = net.createServer((sock) => this.accept(sock));
  }

  static async start(opts) {
    const s = new MockFtpServer(opts);
    s.server.listen(0, '127.0.0.1');
    await once(s.server, 'listening');
    return s;
  }

  get port() {
    return this.server.address().port;
  }

  handle(verb, fn) {
    this.handlers[verb.toUpperCase()] = fn;
  }

  accept(sock) {
    const session = new MockSession(this, sock);
    this.sessions.push(session);
    this.emit('session', session);
    if (this.greeting) session.reply(...[].concat(this.greeting));
  }

  /** Resolves with the first received line equal to `match` (string) or matching it (RegExp), received before or after the call. */
  waitForLine(match) {
    const test = (l) => (typeof match === 'string' ? l === match : match.test(l));
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const on = (line) => {
        if (!test(line)) return;
        this.off('line', on);
        resolve(line);
      };
      this.on('line', on);
    });
  }

  /** Resolves with session number `i` (0-based) once it has connected. */
  waitForSession(i = 0) {
    if (this.sessions[i]) return Promise.resolve(this.sessions[i]);
    return new Promise((resolve) => {
      const on = () => {
        if (!this.sessions[i]) return;
        this.off('session', on);
        resolve(this.sessions[i]);
      };
      this.on('session', on);
    });
  }

  async close() {
    for (const s of this.sessions) s.shutdown();
    await new Promise((resolve) => this.server.close(() => resolve()));
  }
}

module.exports = { MockFtpServer, pasvTuple, DEFAULT_FEAT };
