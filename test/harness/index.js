'use strict';
// Real-FTP-server test harness: starts vsftpd, ProFTPD (mod_tls), Pure-FTPd
// and pyftpdlib on 127.0.0.1, in the foreground, each with its own temp dir,
// ports and config; stops them by PID (process group).
//
// Binaries come from <repo>/.servers/root (see .ci/install-servers.sh), or
// from the system when installed there. See README.md beside this file.

const fs = require('fs');
const os = require('os');
const net = require('net');
const tls = require('tls');
const path = require('path');
const { spawn, spawnSync, execFileSync } = require('child_process');

const { certs, serverPair } = require('./certs');
const { allocBlock, canBind } = require('./ports');
const { RawFtp } = require('./raw');

const REPO = path.resolve(__dirname, '..', '..');
const SERVERS_ROOT = process.env.FTPS_SERVERS_ROOT || path.join(REPO, '.servers', 'root');
const PYTHON = '/usr/bin/python3'; // Debian's, with the python3-* server packages
const PY_SERVER = path.join(__dirname, 'pyftpd_server.py');
const AIOFTP_SERVER = path.join(__dirname, 'aioftp_server.py');
const TWISTED_SERVER = path.join(__dirname, 'twisted_ftp_server.py');

const USER = 'ftpstest';
const PASSWORD = 'p4ss-W0rd.9';
const PAM_SERVICE = 'vsftpd-ftpstest';
const PASV_COUNT = 100;           // passive ports per server instance (Pure-FTPd allows half as many sessions)
const READY_TIMEOUT_MS = 30000;   // a deadline only: a start takes well under a second on an idle machine

const KINDS = ['vsftpd', 'proftpd', 'pureftpd', 'pyftpdlib'];
// Servers started on request only (not in the loops over KINDS): ftp-srv (npm) is too flaky to be a
// reference peer; aioftp and Twisted (Debian's python3-aioftp, python3-twisted) lack too much (FEAT, SIZE, TLS...).
const EXTRA_KINDS = ['ftpsrv', 'aioftp', 'twisted'];
const ALL_KINDS = [...KINDS, ...EXTRA_KINDS];
const FTPSRV_SERVER = path.join(__dirname, 'ftpsrv_server.js');
const MODES = {
  vsftpd: ['explicit', 'implicit', 'clear'],
  proftpd: ['explicit', 'implicit', 'clear'],
  pureftpd: ['explicit', 'clear'],     // Debian's build has no implicit TLS (compile-time option)
  pyftpdlib: ['explicit', 'implicit', 'clear'],
  ftpsrv: ['explicit', 'clear'],       // its implicit mode is ftps:// (not set up here)
  aioftp: ['implicit', 'clear'],       // no AUTH TLS in 0.21
  twisted: ['clear'],                  // twisted.protocols.ftp has no TLS
};
// Python modules each Python-based server imports (checked by unavailableReason)
const PY_IMPORTS = { pyftpdlib: 'pyftpdlib, OpenSSL', aioftp: 'aioftp', twisted: 'twisted.protocols.ftp' };

// What each server does, as observed with the Debian 12 packages and the
// configuration below (see README.md beside this file):
//   tls13               offers TLS 1.3 (tls13: false caps every server at 1.2)
//   sessionReuseRequired refuses a PROT P data connection that does not resume the control session
//   tls13Resumption     resumes TLS 1.3 sessions on data connections (Pure-FTPd: only 1.2)
//   protC               accepts PROT C after AUTH TLS (all of them, unless requireTls)
//   ccc                 supports CCC (a bidirectional close_notify, then plain text)
//   mlsd / mfmt         MLSD/MLST, MFMT
//   mdtmWrite           sets times with "MDTM YYYYMMDDhhmmss path"
//   siteUtime           "SITE UTIME YYYYMMDDhhmmss path" (and the 5-argument form)
//   helpDisable         helpDisabled: true really makes HELP fail
//   helpListsCommands   HELP lists the FTP commands (Pure-FTPd lists SITE commands only)
//   pasvAddress         pasvAddress is advertised in 227 replies
//   fileOwner           who owns files the server writes into root
//   clientCert          clientCert: true makes it require a CA-signed client certificate
const CAPS = {
  vsftpd: {
    version: '3.0.3', tls13: true, sessionReuseRequired: true, tls13Resumption: true,
    protC: true, ccc: false, mlsd: false, mfmt: false, mdtmWrite: true, siteUtime: false,
    helpDisable: true, helpListsCommands: true, pasvAddress: true, fileOwner: 'ftpstest', clientCert: true,
  },
  proftpd: {
    version: '1.3.8', tls13: true, sessionReuseRequired: true, tls13Resumption: true,
    protC: true, ccc: true, mlsd: true, mfmt: true, mdtmWrite: false, siteUtime: true,
    helpDisable: true, helpListsCommands: true, pasvAddress: true, fileOwner: 'ftpstest', clientCert: true,
  },
  pureftpd: {
    version: '1.0.50', tls13: true, sessionReuseRequired: false, tls13Resumption: false,
    protC: true, ccc: true, mlsd: true, mfmt: true, mdtmWrite: false, siteUtime: true,
    helpDisable: false, helpListsCommands: false, pasvAddress: true, fileOwner: 'ftpstest', clientCert: false,
  },
  pyftpdlib: {
    version: '1.5.7', tls13: true, sessionReuseRequired: false, tls13Resumption: true,
    protC: true, ccc: false, mlsd: true, mfmt: true, mdtmWrite: false, siteUtime: false,
    helpDisable: true, helpListsCommands: true, pasvAddress: true, fileOwner: 'root', clientCert: false,
  },
  // ftp-srv 4.6: data TLS always on after AUTH TLS (PROT C refused: 536), 150 only after the data handshake,
  // no MLSD/MLST/MFMT/HELP list, PASV/EPSV only from the control peer's address
  ftpsrv: {
    version: '4.6.3', tls13: true, sessionReuseRequired: false, tls13Resumption: false,
    protC: false, ccc: false, mlsd: false, mfmt: false, mdtmWrite: false, siteUtime: false,
    helpDisable: false, helpListsCommands: false, pasvAddress: false, fileOwner: 'root', clientCert: false,
  },
  // aioftp 0.21.4: implicit TLS only (PROT C -> 502); no FEAT, SIZE, MDTM, NOOP, HELP, OPTS, SITE (502);
  // MLSD/MLST yes; data connections TLS whenever the control connection is
  aioftp: {
    version: '0.21.4', tls13: true, sessionReuseRequired: false, tls13Resumption: false,
    protC: false, ccc: false, mlsd: true, mfmt: false, mdtmWrite: false, siteUtime: false,
    helpDisable: false, helpListsCommands: false, pasvAddress: false, fileOwner: 'root', clientCert: false,
  },
  // Twisted 22.4 (twisted.protocols.ftp): clear text only; FEAT lists MDTM, PASV, SIZE, TYPE A;I;
  // no EPSV/EPRT, MLSD/MLST, MFMT, REST, APPE
  twisted: {
    version: '22.4.0', tls13: false, sessionReuseRequired: false, tls13Resumption: false,
    protC: false, ccc: false, mlsd: false, mfmt: false, mdtmWrite: false, siteUtime: false,
    helpDisable: false, helpListsCommands: false, pasvAddress: false, fileOwner: 'root', clientCert: false,
  },
};

// ---------------------------------------------------------------------------
// availability

function findFile(rel) {
  for (const base of [SERVERS_ROOT, '/']) {
    const p = path.join(base, rel);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

function bins(kind) {
  switch (kind) {
    case 'vsftpd': return { vsftpd: findFile('usr/sbin/vsftpd') };
    case 'proftpd': {
      const modTls = findFile('usr/lib/proftpd/mod_tls.so');
      return { proftpd: findFile('usr/sbin/proftpd'), modTls, moduleDir: modTls && path.dirname(modTls) };
    }
    case 'pureftpd': return { pureftpd: findFile('usr/sbin/pure-ftpd'), purepw: findFile('usr/bin/pure-pw') };
    case 'pyftpdlib': return { python: fs.existsSync(PYTHON) ? PYTHON : null, script: PY_SERVER };
    case 'aioftp': return { python: fs.existsSync(PYTHON) ? PYTHON : null, script: AIOFTP_SERVER };
    case 'twisted': return { python: fs.existsSync(PYTHON) ? PYTHON : null, script: TWISTED_SERVER };
    case 'ftpsrv': {
      let pkg = null;
      try { pkg = require.resolve('ftp-srv', { paths: [REPO] }); } catch (e) { /* not installed */ }
      return { 'ftp-srv': pkg };
    }
    default: throw new Error(`unknown server kind '${kind}' (one of ${ALL_KINDS.join(', ')})`);
  }
}

const availCache = new Map();

function hasOpenssl() {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Why `kind` cannot run here, or null when it can. */
function unavailableReason(kind) {
  if (availCache.has(kind)) return availCache.get(kind);
  let reason = null;
  const b = bins(kind);
  const missing = Object.entries(b).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length) reason = `missing ${missing.join(', ')}`;
  else if (!hasOpenssl()) reason = 'openssl CLI missing';
  else if (kind === 'ftpsrv') { /* runs under this Node.js */ }
  else if (PY_IMPORTS[kind]) {
    const r = spawnSync(PYTHON, ['-c', `import ${PY_IMPORTS[kind]}`], { encoding: 'utf8' });
    if (r.status !== 0) reason = `${PYTHON} cannot import ${PY_IMPORTS[kind]}: ${(r.stderr || '').trim().split('\n').pop()}`;
  } else {
    if (typeof process.getuid === 'function' && process.getuid() !== 0) reason = 'needs root (chroot, PAM, setuid)';
    for (const f of Object.values(b)) {
      if (reason || !f || !/(\/s?bin\/|\.so$)/.test(f)) continue;
      const r = spawnSync('ldd', [f], { encoding: 'utf8' });
      const nf = (r.stdout || '').split('\n').filter((l) => l.includes('not found')).map((l) => l.trim().split(/\s/)[0]);
      if (nf.length) reason = `${path.basename(f)}: missing libraries ${nf.join(', ')}`;
    }
  }
  availCache.set(kind, reason);
  return reason;
}

/** True when the server's binaries/modules are there and can run. */
function available(kind) {
  return unavailableReason(kind) === null;
}

/** Modes this server supports: subset of 'explicit' | 'implicit' | 'clear'. */
function modes(kind) {
  bins(kind); // validates kind
  return MODES[kind].slice();
}

/** Known behaviour of the server kind (see CAPS above and README.md). */
function caps(kind) {
  bins(kind);
  return { ...CAPS[kind] };
}

/**
 * For mocha tests: skip (or, under CI=true, fail) when `kind` is not installed.
 * With `mode`, also skips when the server does not support that mode (in CI too).
 * Call as `h.requireServer(this, 'vsftpd')` in a `before`/`it` with a function() callback.
 */
function requireServer(ctx, kind, mode) {
  const reason = unavailableReason(kind);
  if (reason) {
    const msg = `${kind} not installed (run .ci/install-servers.sh): ${reason}`;
    if (process.env.CI === 'true') throw new Error(msg);
    // eslint-disable-next-line no-console
    console.log(`\n  !!!!!!!! SKIPPED: ${msg} !!!!!!!!\n`);
    ctx.skip();
  }
  if (mode && !MODES[kind].includes(mode)) {
    // eslint-disable-next-line no-console
    console.log(`  (skipped: ${kind} does not support mode '${mode}')`);
    ctx.skip();
  }
}

// ---------------------------------------------------------------------------
// the system user (vsftpd logs in through PAM; the others run their sessions
// under its uid too, so files in the root have one owner)

let userInfo = null;

function readPasswdEntry(name) {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(name + ':'));
  if (!line) return null;
  const f = line.split(':');
  return { name, uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}

function shadowHash(name) {
  const line = fs.readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith(name + ':'));
  return line ? line.split(':')[1] : null;
}

function sha512crypt(password, salt) {
  const args = ['passwd', '-6', '-stdin'];
  if (salt) args.splice(2, 0, '-salt', salt);
  return execFileSync('openssl', args, { input: password + '\n', encoding: 'utf8' }).trim();
}

// useradd/usermod fail while another process holds /etc/passwd's lock: retry.
function runRetry(cmd, args) {
  for (let i = 0; ; i++) {
    try {
      return execFileSync(cmd, args, { stdio: 'pipe' });
    } catch (e) {
      if (i >= 20 || !/lock|try again/i.test(String(e.stderr || ''))) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

function ensureUser() {
  if (userInfo) return userInfo;
  let u = readPasswdEntry(USER);
  if (!u) {
    try {
      runRetry('useradd', ['-m', '-d', `/home/${USER}`, '-s', '/bin/sh', '-U', '-c', 'FTPS test user', USER]);
    } catch (e) {
      if (!readPasswdEntry(USER)) throw new Error(`useradd ${USER} failed: ${e.stderr || e.message}`);
    }
    u = readPasswdEntry(USER);
  }
  // The home directory must exist (vsftpd's session dies after login otherwise).
  if (!fs.existsSync(u.home)) {
    fs.mkdirSync(u.home, { recursive: true, mode: 0o755 });
    fs.chownSync(u.home, u.uid, u.gid);
  }
  const cur = shadowHash(USER) || '';
  const m = /^\$6\$([^$]+)\$/.exec(cur);
  if (!m || sha512crypt(PASSWORD, m[1]) !== cur) {
    const hash = sha512crypt(PASSWORD);
    runRetry('usermod', ['-p', hash, USER]);
  }
  userInfo = u;
  return u;
}

function ensurePam() {
  const file = `/etc/pam.d/${PAM_SERVICE}`;
  const want = '# written by node-red-contrib-ftps test/harness: vsftpd test logins\n' +
    'auth\trequired\tpam_unix.so\naccount\trequired\tpam_unix.so\nsession\trequired\tpam_unix.so\n';
  let cur = null;
  try { cur = fs.readFileSync(file, 'utf8'); } catch (e) { /* missing */ }
  if (cur !== want) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, want, { mode: 0o644 });
    fs.renameSync(tmp, file);
  }
}

function chownTree(p, uid, gid) {
  const st = fs.lstatSync(p);
  if (st.uid !== uid || st.gid !== gid) fs.lchownSync(p, uid, gid);
  if (st.isDirectory()) for (const e of fs.readdirSync(p)) chownTree(path.join(p, e), uid, gid);
}

// ---------------------------------------------------------------------------
// processes

const live = new Set(); // running server handles, for cleanup at exit

function killAllNow() {
  for (const s of live) {
    for (const p of descendants(s.pid)) try { process.kill(p, 'SIGKILL'); } catch (e) { /* gone */ }
    try { process.kill(-s.pid, 'SIGKILL'); } catch (e) { /* gone */ }
    if (s._watchdog) try { process.kill(s._watchdog, 'SIGKILL'); } catch (e) { /* gone */ }
    if (!process.env.FTPS_HARNESS_KEEP) {
      try { fs.rmSync(s._dir, { recursive: true, force: true }); } catch (e) { /* ignore */ }
    }
  }
  live.clear();
}
process.on('exit', killAllNow);
// A test run killed by a signal (timeout(1), Ctrl-C) does not run 'exit'
// handlers: kill the servers, then let the signal do what it would have done.
// (Each server also gets SIGKILL when this process dies, via setpriv --pdeathsig.)
for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT']) {
  process.once(sig, () => {
    killAllNow();
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  });
}

// setpriv (util-linux) --pdeathsig: the server gets SIGKILL when the process
// that started it dies, even by SIGKILL; it then execs the server (same PID).
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p)) || null;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Live (non-zombie) members of process group `pgid`. Zombies do not count: once
// the server's master is gone its unreaped children are init's to reap.
function groupMembers(pgid) {
  try { process.kill(-pgid, 0); } catch (e) { if (e.code === 'ESRCH') return []; }
  const out = [];
  let entries = [];
  try { entries = fs.readdirSync('/proc'); } catch (e) { return [pgid]; }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let stat;
    try { stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8'); } catch (err) { continue; }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
    if (Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') out.push(Number(e));
  }
  return out;
}

// pid -> [state, ppid] of every process, from /proc.
function processTable() {
  const table = new Map();
  let entries = [];
  try { entries = fs.readdirSync('/proc'); } catch (e) { return table; }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let stat;
    try { stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8'); } catch (err) { continue; }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.set(Number(e), [f[0], Number(f[1])]);
  }
  return table;
}

// The live processes below `pid` (children, their children...). vsftpd runs each
// session in a process group and session of its own (setsid), and its logged-in
// session process drops privileges, which clears the pdeathsig it set: killing the
// master's group leaves that process serving its connection after a "restart". So a
// stop kills the whole tree, taken before any kill (an orphan is init's child, no
// longer findable from pid).
function descendants(pid) {
  const table = processTable();
  const out = [];
  const todo = [pid];
  while (todo.length) {
    const parent = todo.pop();
    for (const [p, [state, ppid]] of table) {
      if (ppid !== parent || state === 'Z' || state === 'X') continue;
      out.push(p);
      todo.push(p);
    }
  }
  return out;
}

// Whether `pid` is a live process (not a zombie).
function procAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch (e) {
    return false;
  }
}

function groupAlive(pgid) {
  return groupMembers(pgid).length > 0;
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

function readIf(p) {
  try { return fs.readFileSync(p, 'utf8'); } catch (e) { return ''; }
}

// Remove temp dirs left by earlier runs that died without cleaning up (their
// owning process and server are both gone). Once per process.
let swept = false;
function sweepStale() {
  if (swept) return;
  swept = true;
  const tmp = os.tmpdir();
  let names = [];
  try { names = fs.readdirSync(tmp); } catch (e) { return; }
  for (const n of names) {
    if (!/^ftps-(vsftpd|proftpd|pureftpd|pyftpdlib|ftpsrv|aioftp|twisted|certs)-/.test(n)) continue;
    const d = path.join(tmp, n);
    try {
      if (Date.now() - fs.statSync(d).mtimeMs < 60000) continue;
      const owner = Number(readIf(path.join(d, 'owner.pid')));
      const server = Number(readIf(path.join(d, 'server.pid')));
      if (owner && pidAlive(owner)) continue;
      if (server && pidAlive(server)) continue;
      fs.rmSync(d, { recursive: true, force: true });
    } catch (e) { /* raced with its owner: leave it */ }
  }
}

/** One readiness probe: resolves with the 220 greeting, rejects otherwise. */
function probe(port, implicit, tlsExtra, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    let done = false;
    let buf = '';
    const finish = (err, val) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err); else resolve(val);
    };
    const timer = setTimeout(() => finish(Object.assign(new Error('no greeting within 2 s'), { soft: true })), 2000);
    const sock = implicit
      ? tls.connect({ host, port, rejectUnauthorized: false, ...tlsExtra })
      : net.connect({ host, port });
    sock.setEncoding('utf8');
    sock.on('error', (e) => finish(Object.assign(e, { soft: true })));
    sock.on('close', () => finish(Object.assign(new Error(`connection closed before a 220 greeting: ${JSON.stringify(buf)}`), { soft: !buf })));
    sock.on('data', (d) => {
      buf += d;
      const lines = buf.split(/\r?\n/);
      for (const l of lines.slice(0, -1)) {
        if (/^\d{3} /.test(l)) {
          if (l.startsWith('220 ')) finish(null, buf);
          else finish(new Error(`server greeted with: ${buf.trim()}`));
          return;
        }
        if (!/^\d{3}-|^ /.test(l) && !/^220/.test(lines[0])) {
          finish(new Error(`unexpected greeting: ${buf.trim()}`));
          return;
        }
      }
    });
  });
}

class ServerHandle {
  constructor(fields) {
    Object.assign(this, fields);
    Object.defineProperty(this, '_stopping', { value: null, writable: true, enumerable: false });
  }

  /** All of the server's log output (stdout/stderr/fd 0 and its log files). */
  log() {
    const parts = [];
    for (const f of this._logFiles) {
      const t = readIf(f);
      if (t) parts.push(`==> ${path.basename(f)} <==\n${t}`);
    }
    return parts.join('\n');
  }

  /** chown -R the served root (or `p` inside it) to the user the server's sessions run as. */
  own(p) {
    if (this._owner) chownTree(p || this.root, this._owner.uid, this._owner.gid);
  }

  /** Write a file into the served root (creating directories), owned like files the server creates. */
  put(rel, data) {
    const p = path.join(this.root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
    if (this._owner) {
      let d = path.dirname(p);
      while (d.startsWith(this.root) && d !== this.root) { fs.chownSync(d, this._owner.uid, this._owner.gid); d = path.dirname(d); }
      fs.chownSync(p, this._owner.uid, this._owner.gid);
    }
    return p;
  }

  /** Kill the server (whole process group) by PID, wait for it, remove its temp files. */
  stop() {
    if (!this._stopping) this._stopping = this._stop();
    return this._stopping;
  }

  async _stop() {
    await this._kill();
    if (!process.env.FTPS_HARNESS_KEEP) {
      fs.rmSync(this._dir, { recursive: true, force: true });
    }
  }

  /**
   * Kill the server and start it again with the same configuration, ports
   * and root (files kept): a server restart as clients see it. Open sessions die.
   */
  async restart() {
    await this._kill();
    const fresh = await launch(this.kind, this._spec, this._ctx);
    live.delete(fresh);
    live.add(this);
    this.pid = fresh.pid;
    this.greeting = fresh.greeting;
    this._exited = fresh._exited;
    this._exitInfo = null;
    fresh._child.on('exit', (code, sig) => { this._exited = true; this._exitInfo = { code, sig }; });
    this._watchdog = fresh._watchdog;
  }

  async _kill() {
    const pid = this.pid;
    const tree = descendants(pid);
    const signal = (sig) => {
      try { process.kill(-pid, sig); } catch (e) { /* gone */ }
      for (const p of tree) try { process.kill(p, sig); } catch (e) { /* gone */ }
    };
    // SIGTERM first; what has not gone after a short grace (ProFTPD takes
    // 200-400 ms to shut down politely) gets SIGKILL: these are throw-away servers.
    signal('SIGTERM');
    const t0 = Date.now();
    const gone = () => this._exited && !groupAlive(pid) && !tree.some(procAlive);
    while (!gone() && Date.now() - t0 < 150) await sleep(5);
    if (!gone()) {
      signal('SIGKILL');
      while (!gone() && Date.now() - t0 < 15000) await sleep(5);
    }
    if (!gone()) throw new Error(`${this.kind} (pid ${pid}) did not exit; still running: ${[...groupMembers(pid), ...tree.filter(procAlive)].join(' ')}`);
    live.delete(this);
    if (this._watchdog) try { process.kill(this._watchdog, 'SIGKILL'); } catch (e) { /* gone */ }
    // the listening port should be free again right away; wait briefly if not
    for (let i = 0; i < 50 && !(await canBind(this.port)); i++) await sleep(20);
  }
}

async function launch(kind, spec, ctx) {
  const { dir } = ctx;
  const fd0Path = path.join(dir, 'fd0.log');
  const outPath = path.join(dir, 'stdout.log');
  const errPath = path.join(dir, 'stderr.log');
  // vsftpd writes start-up errors (500 OOPS) to fd 0: give it a read-write file there.
  const fd0 = fs.openSync(fd0Path, 'w+');
  const fd1 = fs.openSync(outPath, 'w');
  const fd2 = fs.openSync(errPath, 'w');
  let child;
  try {
    const [cmd, args] = SETPRIV
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', spec.cmd, ...spec.args]]
      : [spec.cmd, spec.args];
    child = spawn(cmd, args, {
      cwd: dir, stdio: [fd0, fd1, fd2], detached: true, env: { ...process.env, ...(spec.env || {}) },
    });
  } finally {
    fs.closeSync(fd0); fs.closeSync(fd1); fs.closeSync(fd2);
  }
  const handle = new ServerHandle({
    kind, mode: ctx.mode, host: ctx.opts.host || '127.0.0.1', port: ctx.port, user: USER, password: PASSWORD,
    root: ctx.root, homeIsRoot: true, ca: ctx.certs.caCert, pid: child.pid,
    pasvRange: [ctx.pasvMin, ctx.pasvMax], pasvAddress: ctx.opts.pasvAddress || null,
    requireTls: !!ctx.opts.requireTls, helpDisabled: !!ctx.opts.helpDisabled && CAPS[kind].helpDisable, tls13: ctx.opts.tls13 !== false,
    cert: ctx.opts.cert || 'ca', clientCert: !!ctx.opts.clientCert, caps: { ...CAPS[kind] }, greeting: null,
  });
  Object.defineProperties(handle, {
    _dir: { value: dir, enumerable: false },
    _logFiles: { value: [fd0Path, outPath, errPath, ...(spec.logFiles || [])], enumerable: false },
    _owner: { value: ctx.owner, enumerable: false },
    _exited: { value: false, writable: true, enumerable: false },
    _exitInfo: { value: null, writable: true, enumerable: false },
    _child: { value: child, enumerable: false },
    _spec: { value: spec, enumerable: false },
    _ctx: { value: ctx, enumerable: false },
  });
  // ProFTPD drops privileges (which clears pdeathsig): a watchdog shell kills its
  // process group if this process dies without cleaning up.
  if (!SETPRIV || spec.watchdog) {
    const dog = spawn('/bin/sh', ['-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -KILL -${child.pid} 2>/dev/null`],
    { detached: true, stdio: 'ignore' });
    dog.on('error', () => {});
    dog.unref();
    Object.defineProperty(handle, '_watchdog', { value: dog.pid, enumerable: false, writable: true });
  }
  fs.writeFileSync(path.join(dir, 'server.pid'), String(child.pid));
  live.add(handle);
  child.on('exit', (code, sig) => { handle._exited = true; handle._exitInfo = { code, sig }; });
  child.on('error', (e) => { handle._exited = true; handle._exitInfo = { error: e }; });
  child.unref();

  const fail = async (why) => {
    await sleep(20); // let it flush its logs
    const log = handle.log();
    await handle.stop().catch(() => {});
    const err = new Error(`${kind} (${ctx.mode}) did not start on 127.0.0.1:${ctx.port}: ${why}\n` +
      `command: ${spec.cmd} ${spec.args.join(' ')}\n${log}`);
    err.portClash = /address already in use|EADDRINUSE|unable to bind|could not bind|bind\(\) failed|Address in use/i.test(log + why);
    throw err;
  };

  const t0 = Date.now();
  let delay = 10;
  for (;;) {
    if (handle._exited) {
      return fail(`exited early (${JSON.stringify(handle._exitInfo)})`);
    }
    try {
      // (an implicit server that requires client certificates wants one for the greeting too)
      const probeTls = ctx.opts.clientCert ? { cert: ctx.certs.clientCert, key: ctx.certs.clientKey } : {};
      handle.greeting = await probe(ctx.port, ctx.mode === 'implicit', probeTls, ctx.opts.host);
      break;
    } catch (e) {
      if (!e.soft) return fail(e.message);
      if (Date.now() - t0 > READY_TIMEOUT_MS) return fail(`not ready after ${READY_TIMEOUT_MS} ms (${e.message})`);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
  handle.startupMs = Date.now() - ctx.t0;
  return handle;
}

// ---------------------------------------------------------------------------
// per-server configuration

function write(dir, name, text, mode = 0o600) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text, { mode });
  return p;
}

// OpenSSL config that caps TLS at 1.2 for servers without a setting of their own.
function tls12OpensslConf(dir) {
  return write(dir, 'openssl-tls12.cnf', [
    'openssl_conf = default_conf',
    '[default_conf]', 'ssl_conf = ssl_sect',
    '[ssl_sect]', 'system_default = system_default_sect',
    '[system_default_sect]', 'MinProtocol = TLSv1.2', 'MaxProtocol = TLSv1.2', 'CipherString = DEFAULT:@SECLEVEL=2', '',
  ].join('\n'), 0o644);
}

function configVsftpd(ctx) {
  const { dir, opts, mode } = ctx;
  ensurePam();
  const pair = serverPair(ctx.certs, opts.cert);
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(empty, { mode: 0o755 });
  const log = path.join(dir, 'vsftpd.log');
  const tlsOn = mode !== 'clear';
  const yn = (b) => (b ? 'YES' : 'NO');
  const lines = [
    'listen=YES', 'listen_ipv6=NO', 'listen_address=127.0.0.1', `listen_port=${ctx.port}`, 'background=NO',
    'anonymous_enable=NO', 'local_enable=YES', 'write_enable=YES', 'local_umask=022',
    `pam_service_name=${PAM_SERVICE}`, 'userlist_enable=NO', 'tcp_wrappers=NO',
    'chroot_local_user=YES', 'allow_writeable_chroot=YES', `local_root=${ctx.root}`,
    `secure_chroot_dir=${empty}`, 'seccomp_sandbox=NO', 'isolate=NO', 'isolate_network=NO',
    'pasv_enable=YES', `pasv_min_port=${ctx.pasvMin}`, `pasv_max_port=${ctx.pasvMax}`,
    'port_enable=YES', 'connect_from_port_20=NO',
    'ascii_upload_enable=YES', 'ascii_download_enable=YES', 'mdtm_write=YES', 'use_localtime=NO',
    'dirmessage_enable=NO', 'ftpd_banner=vsftpd test server ready', 'delay_failed_login=0',
    'max_clients=200', 'max_per_ip=200', `idle_session_timeout=${opts.idleTimeout || 300}`,
    `vsftpd_log_file=${log}`, 'xferlog_enable=YES', 'xferlog_std_format=NO', 'log_ftp_protocol=YES',
    'syslog_enable=NO', 'dual_log_enable=NO',
    `ssl_enable=${yn(tlsOn)}`,
  ];
  if (opts.pasvAddress) lines.push(`pasv_address=${opts.pasvAddress}`, 'pasv_addr_resolve=NO');
  if (opts.helpDisabled) lines.push('cmds_denied=HELP');
  if (tlsOn) {
    lines.push(
      `rsa_cert_file=${pair.cert}`, `rsa_private_key_file=${pair.key}`,
      // vsftpd 3.0.3 has no ssl_tlsv1_2/ssl_tlsv1_3 options: ssl_tlsv1=YES allows TLS 1.x
      // (the system OpenSSL config sets the floor at 1.2); 1.3 is capped via OPENSSL_CONF.
      'ssl_sslv2=NO', 'ssl_sslv3=NO', 'ssl_tlsv1=YES', 'ssl_ciphers=HIGH',
      'require_ssl_reuse=YES', 'allow_anon_ssl=NO', 'debug_ssl=YES',
      // clientCert: ask for a client certificate (on data connections too), refuse
      // the handshake without one, and check it against the harness CA
      ...(opts.clientCert
        ? ['ssl_request_cert=YES', 'require_cert=YES', 'validate_cert=YES', `ca_certs_file=${ctx.certs.files.caCert}`]
        : ['ssl_request_cert=NO']),
      `force_local_logins_ssl=${yn(opts.requireTls)}`, `force_local_data_ssl=${yn(opts.requireTls)}`,
      `implicit_ssl=${yn(mode === 'implicit')}`,
    );
  }
  const conf = write(dir, 'vsftpd.conf', lines.join('\n') + '\n');
  const env = tlsOn && opts.tls13 === false ? { OPENSSL_CONF: tls12OpensslConf(dir) } : {};
  return { cmd: bins('vsftpd').vsftpd, args: [conf], env, logFiles: [log] };
}

function configProftpd(ctx) {
  const { dir, opts, mode } = ctx;
  const b = bins('proftpd');
  const pair = serverPair(ctx.certs, opts.cert);
  const u = ctx.owner;
  const hash = sha512crypt(PASSWORD);
  const passwd = write(dir, 'ftpd.passwd', `${USER}:${hash}:${u.uid}:${u.gid}:FTPS test user:${ctx.root}:/bin/sh\n`);
  const group = write(dir, 'ftpd.group', `${USER}:x:${u.gid}:${USER}\n`);
  const L = (n) => path.join(dir, n);
  const lines = [
    `ModulePath ${b.moduleDir}`,
    // SITE UTIME/MKDIR/RMDIR/SYMLINK (a fallback for setting times)
    ...(fs.existsSync(path.join(b.moduleDir, 'mod_site_misc.so')) ? ['LoadModule mod_site_misc.c'] : []),
    'ServerName "ProFTPD test server"', 'ServerType standalone',
    'ServerIdent on "ProFTPD test server ready"',
    'UseIPv6 off', 'DefaultAddress 127.0.0.1', 'SocketBindTight on', `Port ${ctx.port}`,
    'User nobody', 'Group nogroup', 'Umask 022',
    `PidFile ${L('proftpd.pid')}`, `ScoreboardFile ${L('proftpd.scoreboard')}`,
    `DelayTable ${L('proftpd.delay')}`, 'DelayEngine off',
    'WtmpLog off', 'UseReverseDNS off', 'UseFtpUsers off', 'UseLastlog off',
    `SystemLog ${L('proftpd.log')}`, `TransferLog ${L('xferlog')}`,
    'LogFormat protocol "%t %a %u \\"%r\\" %s %m"',
    `ExtendedLog ${L('protocol.log')} ALL protocol`,
    `AuthUserFile ${passwd}`, `AuthGroupFile ${group}`, 'AuthOrder mod_auth_file.c',
    'RequireValidShell off', 'DefaultRoot ~', 'AllowOverwrite on', 'AllowStoreRestart on',
    'MaxInstances 200', 'MaxLoginAttempts 10', `TimeoutIdle ${opts.idleTimeout || 600}`,
    `PassivePorts ${ctx.pasvMin} ${ctx.pasvMax}`,
  ];
  if (opts.pasvAddress) lines.push(`MasqueradeAddress ${opts.pasvAddress}`);
  if (opts.helpDisabled) lines.push('<Limit HELP>', '  DenyAll', '</Limit>');
  const logFiles = [L('proftpd.log'), L('protocol.log'), L('xferlog')];
  if (mode !== 'clear') {
    const tlsOpts = [];
    if (mode === 'implicit') tlsOpts.push('UseImplicitSSL');
    lines.push(
      'LoadModule mod_tls.c',
      '<IfModule mod_tls.c>',
      '  TLSEngine on', `  TLSLog ${L('tls.log')}`,
      `  TLSProtocol ${opts.tls13 === false ? 'TLSv1.2' : 'TLSv1.2 TLSv1.3'}`,
      `  TLSRSACertificateFile ${pair.cert}`, `  TLSRSACertificateKeyFile ${pair.key}`,
      `  TLSCACertificateFile ${ctx.certs.files.caCert}`,
      // clientCert: a CA-signed client certificate is required (control and data connections)
      `  TLSVerifyClient ${opts.clientCert ? 'on' : 'off'}`, '  TLSCipherSuite HIGH',
      `  TLSRequired ${opts.requireTls ? 'on' : 'off'}`,
      ...(tlsOpts.length ? [`  TLSOptions ${tlsOpts.join(' ')}`] : []),
      '</IfModule>',
    );
    logFiles.push(L('tls.log'));
  }
  const conf = write(dir, 'proftpd.conf', lines.join('\n') + '\n');
  return { cmd: b.proftpd, args: ['-n', '-q', '-c', conf], logFiles, watchdog: true };
}

function configPureftpd(ctx) {
  const { dir, opts, mode } = ctx;
  const b = bins('pureftpd');
  const u = ctx.owner;
  const hash = sha512crypt(PASSWORD);
  // pure-pw passwd format; "/./" ends the home: chroot there
  const pw = write(dir, 'pureftpd.passwd', `${USER}:${hash}:${u.uid}:${u.gid}::${ctx.root}/./::::::::::::\n`);
  const pdb = path.join(dir, 'pureftpd.pdb');
  execFileSync(b.purepw, ['mkdb', pdb, '-f', pw], { stdio: 'pipe' });
  const xfer = path.join(dir, 'xferlog');
  const args = [
    '-S', `127.0.0.1,${ctx.port}`, '-4', '-l', `puredb:${pdb}`,
    '-E', '-H', '-A', '-c', '200', '-C', '200',
    '-p', `${ctx.pasvMin}:${ctx.pasvMax}`, '-g', path.join(dir, 'pure-ftpd.pid'),
    '-O', `clf:${xfer}`, '-f', 'none',
  ];
  if (opts.pasvAddress) args.push('-P', opts.pasvAddress);
  // -I counts whole minutes
  if (opts.idleTimeout) args.push('-I', String(Math.max(1, Math.ceil(opts.idleTimeout / 60))));
  let env = {};
  if (mode === 'clear') {
    args.push('-Y', '0');
  } else {
    const pair = serverPair(ctx.certs, opts.cert);
    const pem = write(dir, 'pure-ftpd.pem', fs.readFileSync(pair.key, 'utf8') + fs.readFileSync(pair.cert, 'utf8'));
    // -Y 1: TLS optional; -Y 3: TLS required on control and data connections
    args.push('-Y', opts.requireTls ? '3' : '1', '-2', pem);
    if (opts.tls13 === false) env = { OPENSSL_CONF: tls12OpensslConf(dir) };
  }
  return { cmd: b.pureftpd, args, env, logFiles: [xfer] };
}

function configPyftpdlib(ctx) {
  const { dir, opts, mode } = ctx;
  const cfg = {
    host: opts.host || '127.0.0.1', port: ctx.port, mode, user: USER, password: PASSWORD, root: ctx.root,
    pasvMin: ctx.pasvMin, pasvMax: ctx.pasvMax, pasvAddress: opts.pasvAddress || null,
    requireTls: !!opts.requireTls, helpDisabled: !!opts.helpDisabled, tls13: opts.tls13 !== false,
    dropCommands: opts.dropCommands || [], transferCommandDelay: opts.transferCommandDelay || 0, debug: !!process.env.PYFTPD_DEBUG,
    idleTimeout: opts.idleTimeout || 300,
  };
  if (mode !== 'clear') {
    const pair = serverPair(ctx.certs, opts.cert);
    cfg.certfile = pair.cert;
    cfg.keyfile = pair.key;
  }
  const cfgFile = write(dir, 'pyftpd.json', JSON.stringify(cfg, null, 2));
  return { cmd: PYTHON, args: ['-u', PY_SERVER, cfgFile], logFiles: [] };
}

function configFtpsrv(ctx) {
  const { dir, opts, mode } = ctx;
  const cfg = {
    port: ctx.port, mode, user: USER, password: PASSWORD, root: ctx.root,
    pasvMin: ctx.pasvMin, pasvMax: ctx.pasvMax, tls13: opts.tls13 !== false,
  };
  if (mode !== 'clear') {
    const pair = serverPair(ctx.certs, opts.cert);
    cfg.certfile = pair.cert;
    cfg.keyfile = pair.key;
  }
  const cfgFile = write(dir, 'ftpsrv.json', JSON.stringify(cfg, null, 2));
  return { cmd: process.execPath, args: [FTPSRV_SERVER, cfgFile], logFiles: [] };
}

// aioftp and Twisted: a Python script beside this file, configured by a JSON file, on 127.0.0.1
function configPyScript(script, name) {
  return (ctx) => {
    const { dir, opts, mode } = ctx;
    const cfg = {
      host: '127.0.0.1', port: ctx.port, mode, user: USER, password: PASSWORD, root: ctx.root,
      pasvMin: ctx.pasvMin, pasvMax: ctx.pasvMax, tls13: opts.tls13 !== false,
    };
    if (mode !== 'clear') {
      const pair = serverPair(ctx.certs, opts.cert);
      cfg.certfile = pair.cert;
      cfg.keyfile = pair.key;
    }
    const cfgFile = write(dir, `${name}.json`, JSON.stringify(cfg, null, 2));
    return { cmd: PYTHON, args: ['-u', script, cfgFile], logFiles: [] };
  };
}

const CONFIG = {
  vsftpd: configVsftpd, proftpd: configProftpd, pureftpd: configPureftpd, pyftpdlib: configPyftpdlib, ftpsrv: configFtpsrv,
  aioftp: configPyScript(AIOFTP_SERVER, 'aioftp'), twisted: configPyScript(TWISTED_SERVER, 'twisted'),
};

/**
 * Start a server. opts: { mode, cert, requireTls, pasvAddress, helpDisabled, root, tls13, clientCert, port, idleTimeout } (see README.md;
 * idleTimeout in seconds: ProFTPD, vsftpd and pyftpdlib; Pure-FTPd rounds it up to whole minutes).
 * Resolves with a handle { kind, mode, host, port, user, password, root, homeIsRoot, ca, pid, log(), stop(), ... }.
 */
async function startServer(kind, opts = {}) {
  opts = { mode: 'explicit', cert: 'ca', requireTls: false, helpDisabled: false, tls13: true, clientCert: false, ...opts };
  const mode = opts.mode;
  if (!ALL_KINDS.includes(kind)) throw new Error(`unknown server kind '${kind}' (one of ${ALL_KINDS.join(', ')})`);
  if (!MODES[kind].includes(mode)) throw new Error(`${kind} does not support mode '${mode}' (supports ${MODES[kind].join(', ')})`);
  if (opts.clientCert) {
    if (!CAPS[kind].clientCert) throw new Error(`clientCert: ${kind} is not set up to require client certificates (use proftpd or vsftpd)`);
    if (mode === 'clear') throw new Error("clientCert needs TLS: mode 'clear' has no client certificates");
  }
  const reason = unavailableReason(kind);
  if (reason) throw new Error(`${kind} not installed (run .ci/install-servers.sh): ${reason}`);
  if (opts.pasvAddress && !net.isIPv4(opts.pasvAddress)) {
    throw new Error(`pasvAddress must be an IPv4 address, not '${opts.pasvAddress}'`);
  }
  if (!['ca', 'self', 'expired', 'wronghost'].includes(opts.cert)) {
    throw new Error(`unknown cert '${opts.cert}' (use ca, self, expired or wronghost)`);
  }
  const t0 = Date.now();
  sweepStale();
  const c = await certs();
  // the Node.js and Python servers run as root and need no system user
  const owner = ['vsftpd', 'proftpd', 'pureftpd'].includes(kind) ? ensureUser() : null;

  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ftps-${kind}-`));
    fs.chmodSync(dir, 0o711); // the chrooted user must be able to traverse into root/
    fs.writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
    let root;
    if (opts.root) {
      root = path.resolve(opts.root);
      fs.mkdirSync(root, { recursive: true });
    } else {
      root = path.join(dir, 'root');
      fs.mkdirSync(root, { mode: 0o755 });
    }
    if (owner) chownTree(root, owner.uid, owner.gid);
    // opts.port: the same control port (and passive block) again, e.g. to restart a stopped server
    const base = opts.port || await allocBlock(1 + PASV_COUNT);
    const ctx = {
      kind, mode, opts, dir, root, owner, certs: c, t0,
      port: base, pasvMin: base + 1, pasvMax: base + PASV_COUNT,
    };
    try {
      const spec = CONFIG[kind](ctx);
      return await launch(kind, spec, ctx);
    } catch (e) {
      lastErr = e;
      try { fs.rmSync(dir, { recursive: true, force: true }); } catch (e2) { /* ignore */ }
      if (!e.portClash || opts.port) throw e;
    }
  }
  throw lastErr;
}

/** Handles of the servers this process started and has not stopped. */
function running() {
  return [...live];
}

/** Stop every server this process started. */
async function stopAll() {
  await Promise.all([...live].map((s) => s.stop()));
}

module.exports = {
  KINDS, EXTRA_KINDS, ALL_KINDS, USER, PASSWORD, SERVERS_ROOT,
  available, unavailableReason, modes, caps, requireServer,
  certs, startServer, running, stopAll,
  RawFtp, pidAlive, canBind,
};
