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
});
