'use strict';
// A broken or hostile server (issue 15): what no real server does on cue is
// played by the scripted server in test/support/mock-server.js (plain FTP),
// one test per class of misbehaviour, through the nodes. Each asserts the
// msg's outcome (Catch gets a clear error), that the process is alive (the
// next message on a well-behaved command works) and that memory stayed
// bounded where the server could have grown it.
const assert = require('node:assert');
const { once } = require('node:events');
const { helper } = require('./support/red');
const { NODES, flowFor, call, caughtError } = require('./support/flow');
const { MockFtpServer } = require('../support/mock-server');

const MiB = 1024 * 1024;

/** Everything the nodes logged so far (the debug log included), as text. */
function logText() {
  return helper.log().args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x))).join(' ')).join('\n');
}

/** Memory that Buffers and strings can grow: the JS heap plus array buffers. */
function memNow() {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Write `chunk` on `sock` as fast as it drains until it closes; resolves with the bytes written. */
async function flood(sock, chunk) {
  let sent = 0;
  while (!sock.destroyed && !sock.writableEnded) {
    if (!sock.write(chunk)) {
      const r = await Promise.race([once(sock, 'drain').then(() => 'drain', () => 'x'), once(sock, 'close').then(() => 'close')]);
      if (r !== 'drain') break;
    }
    sent += chunk.length;
  }
  return sent;
}

describe('scripted hostile server (nodes)', function () {
  this.timeout(60000);
  let server;

  afterEach(async () => {
    await helper.unload();
    if (server) await server.close();
    server = null;
  });

  const start = async (opts = {}) => {
    server = await MockFtpServer.start(opts);
    return server;
  };
  const load = (nodes, serverExtra = {}, creds = { user: 'u', password: 'sekrit-pw' }) =>
    helper.load(NODES, flowFor({ host: '127.0.0.1', port: server.port, mode: 'clear' }, '', nodes, { encryption: 'clear', timeout: 5, ...serverExtra }), { s1: creds });

  /** The next message on a command the server answers well works: the process and the pool are fine. */
  const stillWorks = async () => {
    server.handle('MDTM', (s) => s.reply('213 20240102030405'));
    const m = await call('m1', { filename: 'ok.txt' });
    assert.strictEqual(m.payload, '2024-01-02T03:04:05.000Z');
  };
  const MDTM_NODE = { id: 'm1', type: 'ftps-mdtm' };

  describe('class 1: in-memory downloads and listings bounded by maxMemory', () => {
    it('scripted hostile server: an endless RETR to a buffer fails with an error naming maxMemory, memory stays bounded', async () => {
      await start();
      let sent = 0;
      server.handle('RETR', async (s) => {
        const sock = await s.dataSocket();
        s.reply('150 Opening BINARY mode data connection for endless');
        sent = await flood(sock, Buffer.alloc(64 * 1024, 0x61));
        s.reply('426 Connection closed; transfer aborted.');
      });
      await load([{ id: 'g1', type: 'ftps-get', output: 'buffer' }, MDTM_NODE], { maxMemory: 2 });
      const before = memNow();
      const e = await caughtError(call('g1', { filename: 'endless.bin' }));
      assert.match(e.message, /maxMemory \(2 MiB\)/);
      assert.ok(memNow() - before < 64 * MiB, `memory grew by ${((memNow() - before) / MiB).toFixed(1)} MiB`);
      assert.ok(sent < 64 * MiB, `the transfer was stopped (${sent} bytes sent)`);
      await stillWorks();
    });

    it('scripted hostile server: an endless directory listing fails with an error naming maxMemory', async () => {
      await start();
      server.handle('LIST', async (s) => {
        const sock = await s.dataSocket();
        s.reply('150 Here comes the directory listing.');
        await flood(sock, Buffer.from('-rw-r--r--    1 0        0              12 Jan 01 00:00 f.txt\r\n'.repeat(1000)));
        s.reply('426 Connection closed; transfer aborted.');
      });
      await load([{ id: 'l1', type: 'ftps-list', method: 'list' }, MDTM_NODE], { maxMemory: 1 });
      const e = await caughtError(call('l1', { filename: '' }));
      assert.match(e.message, /maxMemory/);
      await stillWorks();
    });

    it('scripted hostile server: a listing of many tiny entries is refused before it is parsed (entries cost more than the text)', async () => {
      await start();
      // 600 KiB of text (under maxMemory), 300,000 names: parsed they would cost far more than 1 MiB
      server.handle('NLST', async (s) => {
        const sock = await s.dataSocket();
        s.reply('150 Here comes the directory listing.');
        sock.end('a\n'.repeat(300000));
        await once(sock, 'finish');
        s.reply('226 Directory send OK.');
      });
      await load([{ id: 'l1', type: 'ftps-list', method: 'nlst' }, MDTM_NODE], { maxMemory: 1 });
      const e = await caughtError(call('l1', { filename: '' }));
      assert.match(e.message, /maxMemory/);
      await stillWorks();
    });
  });

  describe('class 1 (audit): nothing throws out of a socket or stream callback', () => {
    for (const [label, opts] of [['binary (onread)', {}], ['ascii (stream)', { type: 'ascii' }]]) {
      it(`scripted hostile server: a progress callback that throws during a ${label} download fails that transfer, not the process`, async () => {
        const { FtpsClient } = require('../../nodes/lib');
        await start({ files: { 'a.bin': Buffer.alloc(256 * 1024, 1) } });
        const client = new FtpsClient({ host: '127.0.0.1', port: server.port, encryption: 'clear', timeout: 5 });
        try {
          await client.connect();
          await client.login('u', 'p');
          await assert.rejects(client.getBuffer('a.bin', { ...opts, onProgress: (p) => {
            if (p.bytes > 0) throw new Error('progress boom');
          } }), /progress boom/);
          assert.strictEqual((await client.getBuffer('a.bin', opts)).length, 256 * 1024);
        } finally {
          await client.quit();
        }
      });
    }
  });

  describe('class 5: destructive walks stay below their root; walks never revisit, and stop at 64 levels', () => {
    const dirLine = (name) => `drwxr-xr-x    2 0        0            4096 Jan 01 00:00 ${name}`;
    const fileLine = (name) => `-rw-r--r--    1 0        0              12 Jan 01 00:00 ${name}`;

    it('scripted hostile server: rmdir recursive on a listing naming "../evil" and "a/b" deletes nothing and fails', async () => {
      await start();
      server.handle('LIST', async (s) => {
        const sock = await s.dataSocket();
        s.reply('150 Here comes the directory listing.');
        sock.end([fileLine('ok.txt'), fileLine('../evil'), fileLine('a/b')].join('\r\n') + '\r\n');
        await once(sock, 'finish');
        s.reply('226 Directory send OK.');
      });
      server.handle('DELE', (s) => s.reply('250 deleted'));
      server.handle('RMD', (s) => s.reply('250 removed'));
      await load([{ id: 'o1', type: 'ftps-ops', operation: 'rmdir', recursive: true }, MDTM_NODE]);
      const e = await caughtError(call('o1', { filename: 'tree' }));
      assert.match(e.message, /not below it; nothing was deleted/);
      assert.deepStrictEqual(server.lines.filter((l) => /^(DELE|RMD)/.test(l)), []);
      await stillWorks();
    });

    it('scripted hostile server: a directory that lists itself (no unique fact) stops a recursive listing with an error naming the 64-level limit', async () => {
      await start();
      let lists = 0;
      server.handle('LIST', async (s) => {
        lists += 1;
        const sock = await s.dataSocket();
        s.reply('150 Here comes the directory listing.');
        sock.end(dirLine('loop') + '\r\n');
        await once(sock, 'finish');
        s.reply('226 Directory send OK.');
      });
      await load([{ id: 'l1', type: 'ftps-list', method: 'list', recursive: true }, MDTM_NODE]);
      const e = await caughtError(call('l1', { filename: 'top' }));
      assert.match(e.message, /deeper than 64 levels/);
      assert.ok(lists <= 66, `${lists} listings`);
      await stillWorks();
    });

    it('scripted hostile server: a listing that names its own directory again ("./x", "x/") is not walked twice', async () => {
      await start();
      const listed = [];
      server.handle('LIST', async (s, arg) => {
        listed.push(arg);
        const sock = await s.dataSocket();
        s.reply('150 Here comes the directory listing.');
        sock.end(arg === 'top' ? [dirLine('x'), dirLine('./x'), dirLine('x/')].join('\r\n') + '\r\n' : '');
        await once(sock, 'finish');
        s.reply('226 Directory send OK.');
      });
      await load([{ id: 'l1', type: 'ftps-list', method: 'list', recursive: true }, MDTM_NODE]);
      await call('l1', { filename: 'top' });
      assert.deepStrictEqual(listed, ['top', 'top/x']);
    });
  });

  describe('class 2: reply buffers are bounded; a flood of unasked replies fails the msg', () => {
    it('scripted hostile server: a multi-line greeting that never ends (220- forever) fails the msg, memory stays bounded', async () => {
      await start({ greeting: null });
      let sent = 0;
      server.on('session', (s) => {
        void flood(s.socket, Buffer.from('220-welcome, and more welcome\r\n'.repeat(2000))).then((n) => (sent += n));
      });
      await load([MDTM_NODE]);
      const before = memNow();
      const e = await caughtError(call('m1', { filename: 'x' }));
      assert.match(e.message, /multi-line reply 220 longer than 1048576 bytes/);
      assert.ok(memNow() - before < 64 * MiB, `memory grew by ${((memNow() - before) / MiB).toFixed(1)} MiB`);
      assert.ok(sent < 256 * MiB);
    });

    it('scripted hostile server: a reply line longer than 64 KiB fails the msg; the next msg gets a new session', async () => {
      await start();
      server.handle('MDTM', (s) => s.reply('213 ' + '9'.repeat(100 * 1024)));
      await load([MDTM_NODE]);
      const e = await caughtError(call('m1', { filename: 'x' }));
      assert.match(e.message, /reply line longer than 65536 bytes/);
      await stillWorks();
      assert.strictEqual(server.sessions.length, 2);
    });

    it('scripted hostile server: a flood of unasked replies after login fails the msg instead of logging in again and again', async () => {
      await start();
      server.handle('TYPE', (s) => s.reply('200 Type set.', ...Array.from({ length: 200 }, (_, i) => `200 unasked ${i}`)));
      await load([MDTM_NODE], { debug: 1 });
      const e = await caughtError(call('m1', { filename: 'x' }));
      assert.match(e.message, /no command asked for|new sessions in a row/);
      const logins = server.lines.filter((l) => l.startsWith('USER ')).length;
      assert.ok(logins <= 4, `${logins} logins for one msg`);
      assert.match(logText(), /discarded a reply no command asked for: 200/);
    });
  });

  describe('class 3: the reply state machine', () => {
    it('scripted hostile server: 125 after 150 is not the final reply; a later failing DELE is not taken for a stale 226', async () => {
      await start({ files: { 'a.txt': 'hello' } });
      server.handle('RETR', async (s) => {
        const sock = await s.dataSocket();
        s.reply('150 Opening BINARY mode data connection.', '125 Data connection already open; transfer starting.');
        sock.end('hello');
        await once(sock, 'finish');
        s.reply('226 Transfer complete.');
      });
      server.handle('DELE', (s) => s.reply('550 Permission denied.'));
      await load([{ id: 'g1', type: 'ftps-get', output: 'utf8' }, { id: 'o1', type: 'ftps-ops', operation: 'delete' }, MDTM_NODE]);
      const m = await call('g1', { filename: 'a.txt' });
      assert.strictEqual(m.payload, 'hello');
      assert.strictEqual(m.ftps.code, 226);
      const e = await caughtError(call('o1', { filename: 'a.txt' }));
      assert.strictEqual(e.code, 550);
      await stillWorks();
    });

    it('scripted hostile server: a server repeating 150 forever fails the transfer (a few 1xx at most), it does not wait forever', async () => {
      await start();
      server.handle('RETR', async (s) => {
        await s.dataSocket();
        const t = setInterval(() => s.reply('150 still opening'), 20);
        s.socket.once('close', () => clearInterval(t));
      });
      await load([{ id: 'g1', type: 'ftps-get', output: 'buffer' }, MDTM_NODE], { timeout: 30 });
      const e = await caughtError(call('g1', { filename: 'x' }));
      assert.match(e.message, /more than 4 preliminary \(1xx\) replies/);
      await stillWorks();
    });

    it('scripted hostile server: a data connection closed after 150 with no final reply is an error, not a 0-byte success', async () => {
      await start();
      server.handle('RETR', async (s) => {
        const sock = await s.dataSocket();
        s.reply('150 Opening BINARY mode data connection.');
        sock.end();
      });
      await load([{ id: 'g1', type: 'ftps-get', output: 'buffer' }, MDTM_NODE], { timeout: 2 });
      const e = await caughtError(call('g1', { filename: 'x' }));
      assert.match(e.message, /timed out .* waiting for the reply at the end of RETR x/);
      await stillWorks();
    });

    it('scripted hostile server: a stray reply while idle is discarded (debug log line) and the next command reads its own reply', async () => {
      await start();
      await load([MDTM_NODE], { debug: 1 });
      server.handle('MDTM', (s) => s.reply('213 20200101000000'));
      await call('m1', { filename: 'a' });
      server.sessions[0].reply('250 stray and stale');
      // the stray must have arrived before the next command is sent: wait for the client's log line
      while (!logText().includes('discarded a reply no command asked for: 250')) await new Promise((r) => setImmediate(r));
      server.handle('MDTM', (s) => s.reply('213 20240102030405'));
      const m = await call('m1', { filename: 'b' });
      assert.strictEqual(m.payload, '2024-01-02T03:04:05.000Z');
      assert.strictEqual(server.sessions.length, 1, 'the session was reused');
    });
  });

  describe('class 4: STARTTLS injection', () => {
    it('scripted hostile server: plaintext after 234 in the same packet is a protocol error, never a reply; no login is sent', async () => {
      await start();
      server.handle('AUTH', (s) => s.write('234 AUTH TLS successful\r\n230 Login successful (injected)\r\n'));
      await load([MDTM_NODE], { encryption: 'explicit' });
      const e = await caughtError(call('m1', { filename: 'x' }));
      assert.match(e.message, /sent more after its 234 reply to AUTH TLS/);
      assert.deepStrictEqual(server.lines.filter((l) => /^(USER|PASS)/.test(l)), []);
    });
  });

  describe('class 6: a password echoed by the server', () => {
    it('scripted hostile server: a 530 that echoes the password shows **** in the error, msg.error, the status and the debug log', async () => {
      await start();
      server.handle('PASS', (s, arg) => s.reply(`530 bad password '${arg}' for you`));
      await load([MDTM_NODE], { debug: 2 });
      const statuses = [];
      const n = helper.getNode('m1');
      const orig = n.status.bind(n);
      n.status = (st) => {
        statuses.push(st);
        return orig(st);
      };
      const e = await caughtError(call('m1', { filename: 'x' }));
      assert.match(e.message, /bad password '\*\*\*\*'/);
      const everything = [e.message, JSON.stringify(e.msg.error), JSON.stringify(statuses), logText()].join('\n');
      assert.ok(!everything.includes('sekrit-pw'), everything);
      assert.match(logText(), /530 bad password '\*\*\*\*'/);
    });
  });

  describe('class 7: linear-time parsing of server text', () => {
    it('scripted hostile server: a STOU 150 reply crafted against a backtracking regex costs no more CPU than an ordinary upload', async () => {
      await start();
      const crafted = 'FILE:a' + ' '.repeat(60000) + 'x';
      server.handle('STOU', async (s) => {
        const sock = await s.dataSocket();
        s.reply(`150 ${crafted}`);
        sock.resume();
        await once(sock, 'end');
        s.reply('226 Transfer complete.');
      });
      await load([{ id: 'p1', type: 'ftps-put', mode: 'unique' }, MDTM_NODE]);
      const cpu0 = process.cpuUsage();
      const m = await call('p1', { filename: '', payload: 'data' });
      const d = process.cpuUsage(cpu0);
      assert.strictEqual(m.filename, crafted.slice(5).trim());
      // the old /FILE:\s*(.+?)\s*$/ took about 5 s of CPU on this line
      assert.ok((d.user + d.system) / 1000 < 2000, `${(d.user + d.system) / 1000} ms of CPU`);
    });
  });

  describe('class 8: data ports below 1024', () => {
    for (const epsv of ['auto', 'never']) {
      it(`scripted hostile server: ${epsv === 'never' ? 'a PASV' : 'an EPSV'} reply naming port 25 is refused with the reason, nothing is dialled`, async () => {
        await start();
        server.handle('EPSV', (s) => s.reply('229 Entering Extended Passive Mode (|||25|)'));
        server.handle('PASV', (s) => s.reply('227 Entering Passive Mode (127,0,0,1,0,25).'));
        await load([{ id: 'g1', type: 'ftps-get', output: 'buffer' }, MDTM_NODE], { epsv });
        const e = await caughtError(call('g1', { filename: 'x' }));
        assert.match(e.message, /data port 25, below 1024.*pasvHost/);
        assert.deepStrictEqual(server.lines.filter((l) => l.startsWith('RETR')), []);
        await stillWorks();
      });
    }
  });

  describe('class 9: the low-speed guard', () => {
    it('scripted hostile server: a RETR that trickles a byte at a time, each within the idle timeout, fails on lowSpeedLimit', async () => {
      await start();
      server.handle('RETR', async (s) => {
        const sock = await s.dataSocket();
        s.reply('150 Opening BINARY mode data connection.');
        const t = setInterval(() => sock.write('x'), 100);
        sock.once('close', () => {
          clearInterval(t);
          s.reply('426 Connection closed; transfer aborted.');
        });
      });
      // 10 bytes/s against a limit of 100 over 1 s; the idle timeout (5 s) never fires, a byte comes every 0.1 s
      await load([{ id: 'g1', type: 'ftps-get', output: 'buffer' }, MDTM_NODE], { lowSpeedLimit: 100, lowSpeedTime: 1 });
      const e = await caughtError(call('g1', { filename: 'x' }));
      assert.match(e.message, /below lowSpeedLimit \(100 bytes\/s over lowSpeedTime 1 s\)/);
      await stillWorks();
    });
  });

  describe('class 10: an unknown value of an enumerated option is a clear error with nothing sent', () => {
    const cases = [
      [{ type: 'ftps-ops', operation: 'delte' }, 'operation'],
      [{ type: 'ftps-ops', operation: 'remove' }, 'operation'],
      [{ type: 'ftps-put', mode: 'overwrit' }, 'mode'],
      [{ type: 'ftps-put', source: 'fiel' }, 'source'],
      [{ type: 'ftps-put', transferType: 'ebcdic' }, 'transferType'],
      [{ type: 'ftps-xput', transferType: 'text' }, 'transferType'],
      [{ type: 'ftps-list', method: 'mlst' }, 'method'],
      [{ type: 'ftps-list', output: 'lines' }, 'output'],
      [{ type: 'ftps-get', output: 'string' }, 'output'],
      [{ type: 'ftps-mdtm', action: 'touch' }, 'action'],
    ];
    for (const [node, field] of cases) {
      it(`scripted hostile server: ${node.type} with ${field} ${JSON.stringify(node[field])} fails naming ${field}; nothing is sent`, async () => {
        await start();
        await load([{ id: 'n1', ...node }]);
        const e = await caughtError(call('n1', { filename: 'victim.txt', payload: 'x' }));
        assert.match(e.message, new RegExp(`${field}: unknown value "${node[field]}"`));
        assert.strictEqual(server.sessions.length, 0, 'no connection was made');
      });
    }

    for (const [field, value] of [['afterEmit', 'remove'], ['events', 'all'], ['method', 'nlst']]) {
      it(`scripted hostile server: ftps-watch with ${field} ${JSON.stringify(value)} fails naming ${field}; nothing is polled, deleted or moved`, async () => {
        await start();
        const watchNode = require(require('node:path').join(__dirname, '..', '..', 'nodes', 'ftps-watch.js'));
        await helper.load([...NODES, watchNode], flowFor({ host: '127.0.0.1', port: server.port, mode: 'clear' }, '', [{ id: 'w1', type: 'ftps-watch', path: '/in', interval: 3600, [field]: value }], { encryption: 'clear', timeout: 5 }), { s1: { user: 'u', password: 'p' } });
        const e = await caughtError(call('w1', {}));
        assert.match(e.message, new RegExp(`${field}: unknown value "${value}"`));
        assert.strictEqual(server.sessions.length, 0, 'no connection was made');
      });
    }

    it('scripted hostile server: ftps-ops "stat" is a stat, never taken for another operation; no DELE', async () => {
      await start();
      server.handle('DELE', (s) => s.reply('250 deleted'));
      await load([{ id: 'n1', type: 'ftps-ops', operation: 'stat' }]);
      const m = await call('n1', { filename: 'victim.txt' });
      assert.strictEqual(m.payload, null, 'nothing is at victim.txt on this server');
      assert.deepStrictEqual(server.lines.filter((l) => /^(DELE|RMD|RNFR|MKD)/.test(l)), []);
    });
  });

  describe('class 11: a tree download skips names it cannot write and goes on (client API: no node downloads trees)', () => {
    it('scripted hostile server: a name too long, one outside the tree and a plain one: the plain file lands, the others are reported', async () => {
      const fs = require('node:fs');
      const os = require('node:os');
      const path = require('node:path');
      const { FtpsClient } = require('../../nodes/lib');
      const long = 'n'.repeat(300);
      await start({ files: { '/tree/ok.txt': 'fine', [`/tree/${long}`]: 'long', '/evil': 'evil' } });
      server.handle('LIST', async (s) => {
        const sock = await s.dataSocket();
        s.reply('150 Here comes the directory listing.');
        const line = (name) => `-rw-r--r--    1 0        0               4 Jan 01 00:00 ${name}`;
        sock.end([line(long), line('../evil'), line('ok.txt')].join('\r\n') + '\r\n');
        await once(sock, 'finish');
        s.reply('226 Directory send OK.');
      });
      const local = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-hostile-tree-'));
      const client = new FtpsClient({ host: '127.0.0.1', port: server.port, encryption: 'clear', timeout: 5 });
      try {
        await client.connect();
        await client.login('u', 'p');
        const r = await client.downloadTree('/tree', local);
        assert.deepStrictEqual(r.transferred, ['ok.txt']);
        assert.deepStrictEqual(r.refused.map((x) => x.name).sort(), [long, 'evil'].sort());
        assert.match(r.refused.find((x) => x.name === long).reason, /longer than 255 bytes/);
        assert.match(r.refused.find((x) => x.name === 'evil').reason, /outside \/tree/);
        assert.strictEqual(fs.readFileSync(path.join(local, 'ok.txt'), 'utf8'), 'fine');
        assert.deepStrictEqual(fs.readdirSync(local), ['ok.txt']);
        assert.deepStrictEqual(server.lines.filter((l) => l.startsWith('RETR')), ['RETR /tree/ok.txt']);
      } finally {
        await client.quit();
        fs.rmSync(local, { recursive: true, force: true });
      }
    });
  });
});
