'use strict';
// A deliberately tiny FTP control-connection client built on net/tls only.
// It is independent of the project's own client (src/), so the harness and
// its smoke test can check the servers without depending on the code under
// test. Only what the harness needs: read replies, send commands, upgrade to
// TLS (explicit AUTH TLS or implicit), open a PASV data connection.

const net = require('net');
const tls = require('tls');

class RawFtp {
  constructor() {
    this.socket = null;
    this.buf = '';
    this.lines = [];      // complete reply lines not yet consumed
    this.waiters = [];    // pending reply promises
    this.closed = false;
    this.error = null;
    this.transcript = []; // ['> CMD', '< reply'] for debugging
    this.tlsSession = null;
  }

  /**
   * Connect. opts: { host, port, implicit: bool, tls: tls.connect options (ca, servername, ...), timeout }
   * Resolves with the greeting reply {code, text, lines} (for implicit mode after the handshake).
   */
  static async connect(opts) {
    const c = new RawFtp();
    c.timeout = opts.timeout || 5000;
    await c._open(opts);
    const greeting = await c.reply();
    return { client: c, greeting };
  }

  _open(opts) {
    return new Promise((resolve, reject) => {
      const onErr = (e) => { cleanup(); reject(e); };
      let sock;
      const cleanup = () => { sock.removeListener('error', onErr); };
      if (opts.implicit) {
        sock = tls.connect({ host: opts.host, port: opts.port, ...(opts.tls || {}) }, () => { cleanup(); resolve(); });
      } else {
        sock = net.connect({ host: opts.host, port: opts.port }, () => { cleanup(); resolve(); });
      }
      sock.once('error', onErr);
      this._attach(sock);
    });
  }

  _attach(sock) {
    this.socket = sock;
    // newest TLS session of the control connection (TLS 1.3 tickets arrive after the handshake)
    if (sock instanceof tls.TLSSocket) sock.on('session', (sess) => { this.tlsSession = sess; });
    sock.setEncoding('utf8');
    sock.on('data', (d) => this._onData(d));
    sock.on('error', (e) => { this.error = e; this._flushWaiters(); });
    sock.on('close', () => { this.closed = true; this._flushWaiters(); });
  }

  _detach() {
    const s = this.socket;
    s.removeAllListeners('data');
    s.removeAllListeners('error');
    s.removeAllListeners('close');
    s.on('error', () => {});
    return s;
  }

  _onData(d) {
    this.buf += d;
    let i;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      this.lines.push(this.buf.slice(0, i).replace(/\r$/, ''));
      this.buf = this.buf.slice(i + 1);
    }
    this._flushWaiters();
  }

  // Take one complete (possibly multi-line) reply off this.lines if present.
  _takeReply() {
    if (!this.lines.length) return null;
    const first = this.lines[0];
    const m = /^(\d{3})([ -])/.exec(first);
    if (!m) { // garbage line: return it as a pseudo reply
      this.lines.shift();
      return { code: 0, text: first, lines: [first] };
    }
    if (m[2] === ' ') {
      this.lines.shift();
      return { code: Number(m[1]), text: first.slice(4), lines: [first] };
    }
    const end = this.lines.findIndex((l, idx) => idx > 0 && l.startsWith(m[1] + ' '));
    if (end < 0) return null;
    const lines = this.lines.splice(0, end + 1);
    return { code: Number(m[1]), text: lines.map((l) => l.replace(/^\d{3}[ -]/, '')).join('\n'), lines };
  }

  _flushWaiters() {
    while (this.waiters.length) {
      const r = this._takeReply();
      if (r) {
        this.transcript.push('< ' + r.lines.join('\n< '));
        const w = this.waiters.shift();
        clearTimeout(w.timer);
        w.resolve(r);
        continue;
      }
      if (this.closed || this.error) {
        const w = this.waiters.shift();
        clearTimeout(w.timer);
        w.reject(this.error || new Error('connection closed while waiting for a reply; transcript:\n' + this.transcript.join('\n')));
        continue;
      }
      break;
    }
  }

  /** Next reply. */
  reply() {
    return new Promise((resolve, reject) => {
      const w = { resolve, reject };
      w.timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`timeout waiting for a reply; transcript:\n${this.transcript.join('\n')}`));
      }, this.timeout);
      this.waiters.push(w);
      this._flushWaiters();
    });
  }

  /** Send a command and resolve with its reply. */
  async send(cmd) {
    this.transcript.push('> ' + (cmd.startsWith('PASS ') ? 'PASS ****' : cmd));
    this.socket.write(cmd + '\r\n');
    return this.reply();
  }

  /** Send a command and throw unless the reply code matches (number, or RegExp on the code). */
  async expect(cmd, code) {
    const r = await this.send(cmd);
    const ok = code instanceof RegExp ? code.test(String(r.code)) : r.code === code;
    if (!ok) {
      throw new Error(`${cmd.startsWith('PASS ') ? 'PASS ****' : cmd}: expected ${code}, got ${r.code} ${r.text}`);
    }
    return r;
  }

  /** After a 234 reply to AUTH TLS: upgrade the control connection. tlsOpts: ca, servername, ... */
  upgrade(tlsOpts) {
    const plain = this._detach();
    return new Promise((resolve, reject) => {
      const s = tls.connect({ socket: plain, ...(tlsOpts || {}) }, () => {
        s.removeListener('error', reject);
        resolve(s);
      });
      s.once('error', reject);
      this._attach(s);
    });
  }

  /** Log in with USER/PASS; returns the PASS reply (throws unless 230). */
  async login(user, password) {
    const r = await this.send('USER ' + user);
    if (r.code === 230) return r;
    if (r.code !== 331) throw new Error(`USER: expected 331, got ${r.code} ${r.text}`);
    return this.expect('PASS ' + password, 230);
  }

  /** Parse a 227 reply: { host, port }. */
  static parsePasv(text) {
    const m = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(text);
    if (!m) throw new Error('cannot parse PASV reply: ' + text);
    return { host: `${m[1]}.${m[2]}.${m[3]}.${m[4]}`, port: Number(m[5]) * 256 + Number(m[6]) };
  }

  /**
   * One passive-mode transfer: PASV, TCP connect to the advertised port (on
   * `dataHost`, default the control host), send `cmd`, wait for the 1xx reply,
   * then (when `secure`) do the TLS handshake on the data socket, resuming the
   * control connection's session, and read (or write `upload`). Resolves with
   * { data: Buffer, pasv, mark, final, resumed, protocol }. Waiting for the 1xx
   * before the handshake suits every server here (pyftpdlib 1.5.7 resets a
   * data connection whose ClientHello precedes the command).
   */
  async transfer(cmd, { upload = null, secure = false, tls: tlsOpts = {}, dataHost = null } = {}) {
    const pasvReply = await this.expect('PASV', 227);
    const pasv = RawFtp.parsePasv(pasvReply.text);
    const host = dataHost || this.socket.remoteAddress;
    const plain = await new Promise((resolve, reject) => {
      const s = net.connect({ host, port: pasv.port }, () => { s.removeListener('error', reject); resolve(s); });
      s.once('error', reject);
    });
    plain.on('error', () => {});
    const mark = await this.send(cmd);
    if (mark.code >= 300) { plain.destroy(); throw new Error(`${cmd}: ${mark.code} ${mark.text}`); }
    let sock = plain;
    let resumed = false;
    let protocol = null;
    if (secure) {
      sock = await new Promise((resolve, reject) => {
        const s = tls.connect({ socket: plain, session: this.tlsSession || undefined, ...tlsOpts }, () => {
          s.removeListener('error', reject);
          resumed = s.isSessionReused();
          protocol = s.getProtocol();
          resolve(s);
        });
        s.once('error', reject);
        s.on('session', (sess) => { this.tlsSession = sess; });
      });
    }
    const chunks = [];
    const done = new Promise((resolve, reject) => {
      sock.on('data', (d) => chunks.push(d));
      sock.on('error', reject);
      sock.on('close', resolve);
      if (upload) sock.end(upload);
    });
    const [final] = await Promise.all([this.reply(), done]);
    return { data: Buffer.concat(chunks), pasv, mark, final, resumed, protocol };
  }

  /** QUIT (ignoring errors) and close. */
  async quit() {
    try {
      if (!this.closed) await this.send('QUIT');
    } catch (e) { /* ignore */ }
    this.close();
  }

  close() {
    if (this.socket && !this.socket.destroyed) {
      try { this.socket.end(); } catch (e) { /* ignore */ }
      const s = this.socket;
      setTimeout(() => s.destroy(), 200).unref();
    }
  }
}

module.exports = { RawFtp };
