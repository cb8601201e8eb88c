'use strict';
// Servers beyond the four reference ones, and the behaviours that differ
// between servers (issue 16): data-connection TLS timing, ftp-srv's AUTH TLS
// race. ftp-srv comes from npm (a devDependency, unpatched) and runs under
// the harness like the daemons.

const assert = require('node:assert/strict');
const net = require('node:net');
const { spawnSync } = require('node:child_process');
const h = require('../harness');
const { FtpsClient } = require('../../nodes/lib');

const NOT_READY = 'the server was not ready for TLS after 234; try again';

function newClient(srv, extra = {}) {
  const logLines = [];
  const client = new FtpsClient({
    host: srv.host, port: srv.port, encryption: srv.mode, tls: { ca: srv.ca },
    timeout: 20, debug: 2, logger: (l) => logLines.push(l), ...extra,
  });
  client.logLines = logLines;
  return client;
}

/** Connect and log in; ftp-srv's AUTH TLS race (see below) is retried here, as the node's retries do. */
async function open(srv, extra = {}) {
  for (let attempt = 1; ; attempt++) {
    const client = newClient(srv, extra);
    try {
      await client.connect();
      await client.login(srv.user, srv.password);
      return client;
    } catch (e) {
      client.close();
      if (e.message !== NOT_READY || attempt >= 20) throw e;
    }
  }
}

// A child process that connects from 127.0.0.2 to argv host:port and exits once connected.
const INTRUDER = `const s = require('net').connect({ host: process.argv[1], port: Number(process.argv[2]), localAddress: '127.0.0.2' });
s.on('connect', () => { process.stdout.write('connected'); s.destroy(); });
s.on('error', (e) => { process.stdout.write('error ' + e.code); });`;

const sent = (client, verb) => client.logLines.filter((l) => l.startsWith(`>>> ${verb} `) || l === `>>> ${verb}`);

/** The log lines from the last command `verb ...` on. */
function linesFrom(client, verb) {
  const i = client.logLines.map((l) => l.startsWith(`>>> ${verb}`)).lastIndexOf(true);
  assert.ok(i >= 0, `${verb} was sent`);
  return client.logLines.slice(i);
}

/** Command first, then the data handshake at once: the handshake starts before the 1xx is read. */
function assertHandshakeBeforePreliminary(client, verb) {
  const lines = linesFrom(client, verb);
  const secure = lines.findIndex((l) => l.startsWith('securing the data connection'));
  const prelim = lines.findIndex((l) => /^<<< 1\d\d /.test(l));
  assert.ok(secure > 0 && prelim > 0 && secure < prelim, lines.join('\n'));
}

describe('data-connection TLS timing (command, then the handshake at once)', function () {
  this.timeout(60000);
  for (const kind of ['ftpsrv', 'pyftpdlib', 'vsftpd']) {
    describe(kind, function () {
      let srv;
      let client;
      before(async function () {
        h.requireServer(this, kind);
        srv = await h.startServer(kind, { mode: 'explicit' });
        srv.put('in.txt', 'hello from ' + kind);
        client = await open(srv);
      });
      after(async () => {
        client?.close();
        await srv?.stop();
      });

      it('downloads, uploads and lists over PROT P data connections', async () => {
        assert.equal(String(await client.getBuffer('in.txt')), 'hello from ' + kind);
        assertHandshakeBeforePreliminary(client, 'RETR');
        await client.put(Buffer.from('up ' + kind), 'up.txt');
        await client.put(Buffer.alloc(0), 'empty.txt');
        if (kind === 'ftpsrv') {
          // uploads wait for the 1xx first; ftp-srv's 425 teaches the session the early order
          assert.ok(client.logLines.some((l) => /uploads start the handshake at once from now on/.test(l)));
          assertHandshakeBeforePreliminary(client, 'STOR');
        } else {
          const lines = linesFrom(client, 'STOR');
          assert.ok(lines.findIndex((l) => /^<<< 1\d\d /.test(l)) < lines.findIndex((l) => l.startsWith('securing the data connection')), lines.join('\n'));
        }
        const names = (await client.list('')).map((e) => e.name).sort();
        assert.deepEqual(names, ['empty.txt', 'in.txt', 'up.txt']);
        assert.equal(String(await client.getBuffer('up.txt')), 'up ' + kind);
      });
    });
  }

  describe('pyftpdlib slowed down once (its first transfer command is acted on 0.3 s late, as on a loaded server)', function () {
    let srv;
    before(async function () {
      h.requireServer(this, 'pyftpdlib');
      srv = await h.startServer('pyftpdlib', { mode: 'explicit', transferCommandDelay: 0.3 });
      srv.put('in.txt', 'slow hello');
    });
    after(async () => { await srv?.stop(); });

    for (const op of ['RETR', 'LIST']) {
      it(`${op}: the server resets the early handshake; the transfer still completes, and the session waits for the 1xx from then on`, async () => {
        const client = await open(srv);
        try {
          if (op === 'RETR') assert.equal(String(await client.getBuffer('in.txt')), 'slow hello');
          if (op === 'LIST') assert.ok((await client.list('')).some((e) => e.name === 'in.txt'));
          const log = client.logLines.join('\n');
          assert.match(log, /reset the data connection whose TLS handshake began before its 1xx reply/);
          // the next transfer: 1xx first, then the handshake
          assert.equal(String(await client.getBuffer('in.txt')), 'slow hello');
          const lines = linesFrom(client, 'RETR');
          const secure = lines.findIndex((l) => l.startsWith('securing the data connection'));
          const prelim = lines.findIndex((l) => /^<<< 1\d\d /.test(l));
          assert.ok(prelim > 0 && secure > prelim, lines.join('\n'));
          await client.put(Buffer.from('stored'), 'stored.txt');
          assert.equal(String(await client.getBuffer('stored.txt')), 'stored');
        } finally {
          client.close();
        }
      });
    }
  });
});

describe("ftp-srv's AUTH TLS race (it may read the ClientHello as a command)", function () {
  this.timeout(120000);
  let srv;
  before(async function () {
    h.requireServer(this, 'ftpsrv');
    srv = await h.startServer('ftpsrv', { mode: 'explicit' });
  });
  after(async () => { await srv?.stop(); });

  it('a login that meets it fails with a message that names it (code 421, kind closed), never OpenSSL\'s "wrong version number"', async () => {
    const failures = [];
    let ok = 0;
    for (let i = 0; i < 40; i++) {
      const client = newClient(srv);
      try {
        await client.connect();
        await client.login(srv.user, srv.password);
        ok++;
      } catch (e) {
        failures.push(e);
      } finally {
        client.close();
      }
    }
    assert.ok(ok > 0, 'some logins succeed');
    for (const e of failures) {
      assert.equal(e.message, NOT_READY);
      assert.equal(e.code, 421);
      assert.equal(e.kind, 'closed');
    }
  });
});

describe('AUTH TLS answered in clear text (a scripted server: 234, then a plain-text reply to the ClientHello)', function () {
  let server;
  let port;
  before(async () => {
    server = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.write('220 scripted\r\n');
      let authed = false;
      sock.on('data', (d) => {
        if (!authed && /^AUTH TLS/i.test(String(d))) {
          authed = true;
          sock.write('234 go ahead\r\n');
        } else if (authed) {
          sock.write('500 Command not understood\r\n');
        }
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    port = server.address().port;
  });
  after(() => server.close());

  it('names the race instead of "wrong version number"', async () => {
    const client = new FtpsClient({ host: '127.0.0.1', port, encryption: 'explicit', timeout: 5 });
    await assert.rejects(client.connect(), (e) => e.message === NOT_READY && e.code === 421 && !/wrong version/.test(e.message));
    client.close();
  });
});

describe('IPv6: pyftpdlib listening on ::1', function () {
  this.timeout(60000);
  let srv;
  before(async function () {
    h.requireServer(this, 'pyftpdlib');
    const v6 = await new Promise((resolve) => {
      const s = net.createServer().once('error', () => resolve(false)).listen(0, '::1', () => s.close(() => resolve(true)));
    });
    if (!v6) this.skip();
    srv = await h.startServer('pyftpdlib', { mode: 'explicit', host: '::1' });
    srv.put('six.txt', 'over IPv6');
  });
  after(async () => { await srv?.stop(); });

  for (const host of ['::1', '[::1]']) {
    it(`host "${host}": get, put, list over EPSV only (even with epsv "never")`, async () => {
      const client = await open({ ...srv, host }, { epsv: 'never' });
      try {
        assert.equal(String(await client.getBuffer('six.txt')), 'over IPv6');
        await client.put(Buffer.from('back'), `up${host.length}.txt`);
        assert.ok((await client.list('')).some((e) => e.name === `up${host.length}.txt`));
        assert.ok(client.logLines.some((l) => l === '>>> EPSV'));
        assert.ok(!client.logLines.some((l) => l === '>>> PASV'), 'no PASV on IPv6');
      } finally {
        client.close();
      }
    });
  }
});

describe('encoding latin1: ISO-8859-1 file names (vsftpd serves name bytes as they are)', function () {
  this.timeout(60000);
  const fs = require('node:fs');
  const path = require('node:path');
  const latin1Path = (dir, name) => Buffer.concat([Buffer.from(dir + path.sep), Buffer.from(name, 'latin1')]);
  let srv;
  before(async function () {
    h.requireServer(this, 'vsftpd');
    srv = await h.startServer('vsftpd', { mode: 'explicit' });
    // (readable by the session user; srv.own() walks names as UTF-8 and cannot chown this one)
    fs.writeFileSync(latin1Path(srv.root, 'Grüße.txt'), 'süß', { mode: 0o644 });
  });
  after(async () => { await srv?.stop(); });

  it('lists, downloads and uploads names as ISO-8859-1 bytes; no OPTS UTF8 ON', async () => {
    const client = await open(srv, { encoding: 'latin1' });
    try {
      const names = (await client.list('')).map((e) => e.name);
      assert.ok(names.includes('Grüße.txt'), names.join(','));
      assert.equal(String(await client.getBuffer('Grüße.txt')), 'süß');
      await client.put(Buffer.from('x'), 'Ärger.txt');
      assert.ok(fs.existsSync(latin1Path(srv.root, 'Ärger.txt')), 'stored under the ISO-8859-1 name');
      assert.equal(await client.size('Ärger.txt'), 1);
      assert.ok(!client.logLines.includes('>>> OPTS UTF8 ON'));
      await assert.rejects(client.size('日本.txt'), (e) => e.kind === 'input' && /ISO-8859-1/.test(e.message));
      assert.equal(client.connected, true);
    } finally {
      client.close();
    }
  });

  it('utf8 (the default) sends OPTS UTF8 ON when FEAT lists UTF8', async () => {
    const client = await open(srv);
    try {
      const featUtf8 = client.features?.has('UTF8');
      assert.equal(client.logLines.includes('>>> OPTS UTF8 ON'), Boolean(featUtf8));
    } finally {
      client.close();
    }
  });
});

describe('active mode (dataMode "active")', function () {
  this.timeout(60000);
  for (const [kind, extra, verb] of [['vsftpd', {}, 'EPRT'], ['pyftpdlib', {}, 'EPRT'], ['pyftpdlib', { dropCommands: ['EPRT'] }, 'PORT']]) {
    it(`${kind}${verb === 'PORT' ? ' without EPRT (PORT after the refusal)' : ''}: get, put, list over ${verb}, TLS as client on the accepted connection`, async function () {
      h.requireServer(this, kind);
      const srv = await h.startServer(kind, { mode: 'explicit', ...extra });
      srv.put('act.txt', 'active ' + kind);
      const client = await open(srv, { dataMode: 'active' });
      try {
        assert.equal(String(await client.getBuffer('act.txt')), 'active ' + kind);
        await client.put(Buffer.from('up'), 'up.txt');
        assert.deepEqual((await client.list('')).map((e) => e.name).sort(), ['act.txt', 'up.txt']);
        assert.ok(sent(client, verb).length >= 3, `${verb} used`);
        assert.deepEqual([...sent(client, 'EPSV'), ...sent(client, 'PASV')], []);
        assert.ok(client.logLines.some((l) => /data connection secured/.test(l)));
      } finally {
        client.close();
        await srv.stop();
      }
    });
  }

  it('a connection from another address is refused; the server\'s own is taken (vsftpd)', async function () {
    h.requireServer(this, 'vsftpd');
    const srv = await h.startServer('vsftpd', { mode: 'explicit' });
    srv.put('act.txt', 'only the server');
    const intruders = [];
    const client = await open(srv, { dataMode: 'active' });
    client.logLines.push = function (line) {
      const m = /^active mode: waiting on ([\d.]+):(\d+)/.exec(line);
      if (m) {
        // Connect from 127.0.0.2 synchronously, before the client can send the transfer command:
        // a child process completes the TCP handshake (the kernel queues the connection on the
        // listening socket) and exits while this event loop is blocked. The intruder is therefore
        // first in the accept queue, ahead of the server's connection, on any machine load.
        const r = spawnSync(process.execPath, ['-e', INTRUDER, m[1], m[2]], { encoding: 'utf8', timeout: 20000 });
        intruders.push(r.stdout.trim() || `failed: ${r.status} ${r.stderr}`);
      }
      return Array.prototype.push.call(this, line);
    };
    try {
      assert.equal(String(await client.getBuffer('act.txt')), 'only the server');
      assert.deepEqual(intruders, ['connected'], 'the intruder reached the listening port before the server');
      assert.ok(client.logLines.some((l) => /refused a data connection from 127\.0\.0\.2/.test(l)), client.logLines.join('\n'));
    } finally {
      client.close();
      await srv.stop();
    }
  });
});
