'use strict';
// Servers without SIZE or MDTM (aioftp answers 502; here pyftpdlib with the
// commands removed, so it answers 500 and leaves them out of FEAT): size,
// mdtm, exists and stat fall back to MLST, else to the parent's listing.

const assert = require('node:assert/strict');
const net = require('node:net');
const h = require('../harness');
const { FtpsClient } = require('../../nodes/lib');

async function open(srv, extra = {}) {
  const logLines = [];
  const client = new FtpsClient({
    host: srv.host, port: srv.port, encryption: srv.mode, tls: { ca: srv.ca },
    timeout: 20, debug: 2, logger: (l) => logLines.push(l), ...extra,
  });
  client.logLines = logLines;
  await client.connect();
  await client.login(srv.user, srv.password);
  return client;
}

const sent = (client, verb) => client.logLines.filter((l) => l.startsWith(`>>> ${verb} `) || l === `>>> ${verb}`);

const SETUPS = [
  { title: 'pyftpdlib without SIZE and MDTM (MLST answers)', kind: 'pyftpdlib', drop: ['SIZE', 'MDTM'], via: 'MLST' },
  { title: 'pyftpdlib without SIZE, MDTM, MLST and MLSD (the parent is listed)', kind: 'pyftpdlib', drop: ['SIZE', 'MDTM', 'MLST', 'MLSD'], via: 'LIST' },
];

for (const setup of SETUPS) {
  describe(setup.title, function () {
    this.timeout(60000);
    let srv;
    let client;
    before(async function () {
      h.requireServer(this, setup.kind);
      srv = await h.startServer(setup.kind, { mode: 'explicit', dropCommands: setup.drop });
      srv.put('dir/file.bin', Buffer.alloc(1234, 7));
      srv.put('dir/sub/x.txt', 'x');
      client = await open(srv);
    });
    after(async () => {
      client?.close();
      await srv?.stop();
    });

    it('size and mdtm answer from ' + setup.via, async () => {
      assert.equal(await client.size('dir/file.bin'), 1234);
      const t = await client.mdtm('dir/file.bin');
      assert.ok(t instanceof Date && Math.abs(t.getTime() - Date.now()) < 24 * 3600e3, String(t));
      assert.ok(sent(client, setup.via).length > 0, `${setup.via} was used`);
    });

    it('stat: a file, a directory, nothing', async () => {
      const f = await client.stat('dir/file.bin');
      assert.equal(f.type, 'file');
      assert.equal(f.size, 1234);
      assert.equal(f.name, 'file.bin');
      assert.equal(f.path, 'dir/file.bin');
      const d = await client.stat('dir/sub');
      assert.equal(d.type, 'dir');
      assert.equal(d.name, 'sub');
      assert.equal(await client.stat('dir/nope.txt'), null);
      assert.equal(await client.stat('nodir/nope.txt'), null);
    });

    it('size of a missing file fails as "not found" (550), of a directory as "not a regular file"', async () => {
      await assert.rejects(client.size('dir/nope.txt'), (e) => e.code === 550 && /no such file/.test(e.message));
      await assert.rejects(client.size('dir/sub'), (e) => e.code === 550 && /not a regular file/.test(e.message));
      await assert.rejects(client.mdtm('dir/nope.txt'), (e) => e.code === 550);
    });

    it('exists: true for a file and a directory, false for nothing', async () => {
      const { exists } = require('../../nodes/lib');
      assert.equal(await exists(client, 'dir/file.bin'), true);
      assert.equal(await exists(client, 'dir/sub'), true);
      assert.equal(await exists(client, 'dir/nope.txt'), false);
      assert.equal(client.connected, true);
    });
  });
}

describe('stat and exists on servers that have SIZE (vsftpd: no MLST; ProFTPD: MLST)', function () {
  this.timeout(60000);
  for (const kind of ['vsftpd', 'proftpd']) {
    it(kind, async function () {
      h.requireServer(this, kind);
      const srv = await h.startServer(kind, { mode: 'explicit' });
      const client = await open(srv);
      try {
        srv.put('a/b.txt', 'hello');
        const { exists } = require('../../nodes/lib');
        const f = await client.stat('a/b.txt');
        assert.equal(f.type, 'file');
        assert.equal(f.size, 5);
        assert.equal((await client.stat('a')).type, 'dir');
        assert.equal(await client.stat('a/none'), null);
        assert.equal(await exists(client, 'a'), true);
        assert.equal(await exists(client, 'a/none'), false);
      } finally {
        client.close();
        await srv.stop();
      }
    });
  }
});

describe('a 450 to SIZE of a missing file (a scripted server: no real server here answers 450 on cue)', function () {
  let server;
  let port;
  before(async () => {
    server = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.write('220 scripted\r\n');
      let buf = '';
      sock.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\r\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const [verb, ...rest] = line.split(' ');
          const arg = rest.join(' ');
          const reply = {
            USER: '331 ok', PASS: '230 in', FEAT: '211-feats\r\n SIZE\r\n MLST type*;size*;modify*;\r\n211 End',
            TYPE: '200 ok', PWD: '257 "/"', OPTS: '200 ok',
            SIZE: arg === 'here.txt' ? '213 42' : '450 file unavailable',
            MLST: arg === 'here.txt' ? '250-Listing\r\n type=file;size=42;modify=20260101000000; /here.txt\r\n250 End' : '550 no such file',
            CWD: '550 no such directory',
          }[verb.toUpperCase()] || '502 not implemented';
          sock.write(reply + '\r\n');
        }
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    port = server.address().port;
  });
  after(() => server.close());

  it('exists answers false, size fails as "not found", and the session stays', async () => {
    const { exists } = require('../../nodes/lib');
    const client = new FtpsClient({ host: '127.0.0.1', port, encryption: 'clear', timeout: 5 });
    await client.connect();
    await client.login('u', 'p');
    try {
      assert.equal(await exists(client, 'gone.txt'), false);
      assert.equal(await exists(client, 'here.txt'), true);
      await assert.rejects(client.size('gone.txt'), (e) => e.code === 550 && /no such file/.test(e.message));
      assert.equal((await client.stat('here.txt')).size, 42);
      assert.equal(client.connected, true);
    } finally {
      client.close();
    }
  });
});

describe('overrideHelp decides which optional commands are used (ProFTPD, which has them all)', function () {
  this.timeout(60000);
  let srv;
  before(async function () {
    h.requireServer(this, 'proftpd');
    srv = await h.startServer('proftpd', { mode: 'explicit' });
    srv.put('o/f.txt', 'seven b');
  });
  after(async () => { await srv?.stop(); });

  it('"none": PASV, LIST, no SIZE/MDTM/MFMT/EPSV/MLST/HELP; size and mdtm still answer (from the listing)', async () => {
    const client = await open(srv, { overrideHelp: 'none' });
    try {
      assert.equal(String(await client.getBuffer('o/f.txt')), 'seven b');
      assert.deepEqual((await client.list('o')).map((e) => e.name), ['f.txt']);
      assert.equal(await client.size('o/f.txt'), 7);
      assert.ok((await client.mdtm('o/f.txt')) instanceof Date);
      await client.setModified('o/f.txt', new Date('2020-01-02T03:04:05Z')).catch(() => {});
      for (const verb of ['EPSV', 'MLSD', 'MLST', 'SIZE', 'MDTM', 'MFMT', 'HELP', 'PRET']) assert.deepEqual(sent(client, verb), [], `${verb} not sent`);
      assert.ok(sent(client, 'PASV').length >= 2 && sent(client, 'LIST').length >= 1);
    } finally {
      client.close();
    }
  });

  it('a list ("MLSD,SIZE,MFMT"): MLSD and SIZE used, PASV instead of EPSV', async () => {
    const client = await open(srv, { overrideHelp: 'MLSD,SIZE,MFMT' });
    try {
      assert.deepEqual((await client.list('o')).map((e) => e.name), ['f.txt']);
      assert.equal(await client.size('o/f.txt'), 7);
      await client.setModified('o/f.txt', new Date('2020-01-02T03:04:05Z'));
      assert.equal(sent(client, 'MLSD').length, 1);
      assert.equal(sent(client, 'SIZE').length, 1);
      assert.equal(sent(client, 'MFMT').length, 1);
      assert.deepEqual(sent(client, 'EPSV'), []);
    } finally {
      client.close();
    }
  });
});
