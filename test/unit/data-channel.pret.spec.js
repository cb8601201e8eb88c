'use strict';
// PRET (option pret: true): before each EPSV/PASV the client announces the
// transfer command that will follow ("PRET RETR a.txt"), as distributed
// servers such as DrFTPD need to pick the slave that serves the data
// connection. Against the scripted server in test/support/mock-server.js.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MockFtpServer } = require('../support/mock-server');
const { LOGIN, isFtp, MockClients } = require('../support/mock-client');

/** DrFTPD's answer to PRET. */
const pretOk = (s) => s.reply('200 OK, will use master for upcoming transfer');

describe('client PRET (mock server)', () => {
  let server;
  let clients;
  let tmpDirs;

  async function startServer(opts = {}) {
    server = await MockFtpServer.start({ ...opts, handlers: { PRET: pretOk, ...(opts.handlers ?? {}) } });
    return server;
  }

  const loggedIn = (extra) => clients.loggedIn(server, extra);

  /** Lines the first session received after the login sequence. */
  const afterLogin = () => {
    const lines = server.sessions[0].lines;
    assert.deepEqual(lines.slice(0, LOGIN.length), LOGIN);
    return lines.slice(LOGIN.length);
  };

  function tmpDir() {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-pret-'));
    tmpDirs.push(d);
    return d;
  }

  beforeEach(() => {
    server = undefined;
    clients = new MockClients();
    tmpDirs = [];
  });

  afterEach(async () => {
    clients.closeAll();
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
    if (server) {
      await server.close();
      assert.deepEqual(server.errors, [], 'mock handlers ran without errors');
    }
  });

  it('mock server: pret: true sends PRET RETR <file> right before EPSV, then RETR', async () => {
    await startServer({ files: { 'a.txt': 'alpha' } });
    const c = await loggedIn({ pret: true });
    assert.equal((await c.getBuffer('a.txt')).toString(), 'alpha');
    assert.deepEqual(afterLogin(), ['PRET RETR a.txt', 'EPSV', 'RETR a.txt']);
  });

  it('mock server: pret: true sends PRET STOR <file> before an upload', async () => {
    await startServer();
    const c = await loggedIn({ pret: true });
    const r = await c.put(Buffer.from('beta'), 'b.txt');
    assert.equal(r.bytes, 4);
    assert.equal(server.files.get('b.txt').toString(), 'beta');
    // SIZE: the upload is checked against what the server stored
    assert.deepEqual(afterLogin(), ['PRET STOR b.txt', 'EPSV', 'STOR b.txt', 'SIZE b.txt']);
  });

  it('mock server: pret: true sends PRET LIST (and PRET LIST <dir>, PRET NLST) before listings', async () => {
    await startServer({ listing: 'a.txt\r\n' });
    server.handle('NLST', server.handlers.LIST);
    const c = await loggedIn({ pret: true });
    assert.equal(await c.listRaw('LIST'), 'a.txt\r\n');
    await c.listRaw('LIST', 'sub dir');
    await c.listRaw('NLST');
    assert.deepEqual(afterLogin(), ['PRET LIST', 'EPSV', 'LIST', 'PRET LIST sub dir', 'EPSV', 'LIST sub dir', 'PRET NLST', 'EPSV', 'NLST']);
  });

  it('mock server: PRET comes before PASV too (epsv never), once per transfer', async () => {
    await startServer({ files: { 'a.txt': 'A', 'c.txt': 'C' } });
    const c = await loggedIn({ pret: true, epsv: 'never' });
    await c.getBuffer('a.txt');
    await c.put(Buffer.from('x'), 'up.txt');
    await c.getBuffer('c.txt');
    assert.deepEqual(afterLogin(), ['PRET RETR a.txt', 'PASV', 'RETR a.txt', 'PRET STOR up.txt', 'PASV', 'STOR up.txt', 'SIZE up.txt', 'PRET RETR c.txt', 'PASV', 'RETR c.txt']);
  });

  it('mock server: with epsv always (EPSV ALL) PRET still precedes each EPSV', async () => {
    await startServer({ files: { 'a.txt': 'A' } });
    const c = await loggedIn({ pret: true, epsv: 'always' });
    await c.getBuffer('a.txt');
    assert.deepEqual(server.sessions[0].lines.slice(5), ['PRET RETR a.txt', 'EPSV', 'RETR a.txt']);
  });

  it('mock server: a restarted download sends REST, and PRET names the RETR, before the data connection', async () => {
    await startServer({
      files: { 'a.txt': '0123456789' },
      handlers: { REST: (s, arg) => s.reply(`350 Restarting at ${arg}.`) },
    });
    const dir = tmpDir();
    const local = path.join(dir, 'a.txt');
    fs.writeFileSync(local, '0123');
    const c = await loggedIn({ pret: true });
    await c.get('a.txt', local, { offset: 4 });
    const lines = afterLogin();
    assert.equal(lines.indexOf('PRET RETR a.txt') + 1, lines.indexOf('EPSV'), 'PRET right before EPSV');
    assert.ok(lines.indexOf('REST 4') >= 0 && lines.indexOf('REST 4') < lines.indexOf('RETR a.txt'), 'REST before RETR');
    assert.equal(lines[lines.length - 1], 'RETR a.txt');
  });

  it('mock server: when EPSV is refused the PASV that follows is still announced by a PRET for the same command', async () => {
    await startServer({ files: { 'a.txt': 'A', 'b.txt': 'B' }, handlers: { EPSV: (s) => s.reply('500 EPSV not understood.') } });
    const c = await loggedIn({ pret: true });
    assert.equal((await c.getBuffer('a.txt')).toString(), 'A');
    assert.equal((await c.getBuffer('b.txt')).toString(), 'B');
    const lines = afterLogin();
    // every PASV/EPSV has a PRET for the command it serves before it, since the previous transfer command
    let announced = null;
    for (const l of lines) {
      if (l.startsWith('PRET ')) announced = l.slice(5);
      else if (l === 'EPSV' || l === 'PASV') assert.ok(announced, `${l} without a PRET before it: ${lines.join(' | ')}`);
      else if (/^RETR /.test(l)) {
        assert.equal(announced, l, `PRET named the command that followed: ${lines.join(' | ')}`);
        announced = null;
      }
    }
    assert.ok(lines.includes('PASV'));
    assert.deepEqual(lines.slice(-3), ['PRET RETR b.txt', 'PASV', 'RETR b.txt'], 'later transfers go straight to PASV');
  });

  it('mock server: a 5xx reply to PRET fails the download with that code; no EPSV/RETR is sent, the session stays usable', async () => {
    await startServer({
      files: { 'a.txt': 'A' },
      handlers: { PRET: (s) => s.reply('550 Requested action not taken. File unavailable.') },
    });
    const c = await loggedIn({ pret: true });
    await assert.rejects(
      c.getBuffer('a.txt'),
      (e) => isFtp('reply', 550)(e) && e.command === 'PRET RETR a.txt' && /PRET RETR a\.txt: 550 Requested action not taken/.test(e.message) && /File unavailable/.test(e.serverMessage),
    );
    assert.equal(c.connected, true);
    await c.noop();
    assert.deepEqual(afterLogin(), ['PRET RETR a.txt', 'NOOP']);
  });

  it('mock server: a 500 reply to PRET fails an upload with code 500 and stores nothing', async () => {
    await startServer({ handlers: { PRET: (s) => s.reply("500 'PRET': command not understood.") } });
    const c = await loggedIn({ pret: true });
    await assert.rejects(c.put(Buffer.from('data'), 'b.txt'), (e) => isFtp('reply', 500)(e) && e.command === 'PRET STOR b.txt');
    assert.equal(server.files.has('b.txt'), false);
    assert.deepEqual(afterLogin(), ['PRET STOR b.txt']);
  });

  it('mock server: a 5xx reply to PRET fails a listing with that code', async () => {
    await startServer({ handlers: { PRET: (s) => s.reply('530 Not logged in.') } });
    const c = await loggedIn({ pret: true });
    await assert.rejects(c.listRaw('LIST'), (e) => isFtp('reply', 530)(e) && e.command === 'PRET LIST');
    assert.deepEqual(afterLogin(), ['PRET LIST']);
  });

  it('mock server: a refused PRET for a download to a local file leaves no file (final or scratch) behind', async () => {
    await startServer({ files: { 'a.txt': 'A' }, handlers: { PRET: (s) => s.reply('550 No slave has a copy of a.txt.') } });
    const dir = tmpDir();
    const c = await loggedIn({ pret: true });
    await assert.rejects(c.get('a.txt', path.join(dir, 'a.txt')), isFtp('reply', 550));
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('mock server: a 421 reply to PRET ends the session (kind closed)', async () => {
    await startServer({
      files: { 'a.txt': 'A' },
      handlers: {
        PRET: (s) => {
          s.reply('421 Service not available, closing control connection.');
          s.end();
        },
      },
    });
    const c = await loggedIn({ pret: true });
    await assert.rejects(c.getBuffer('a.txt'), isFtp('closed', 421));
    assert.equal(c.connected, false);
  });

  it('mock server: without the option no PRET is sent (EPSV, PASV, uploads, listings)', async () => {
    await startServer({ files: { 'a.txt': 'A' }, listing: 'a.txt\r\n' });
    const c = await loggedIn();
    await c.getBuffer('a.txt');
    await c.put(Buffer.from('x'), 'b.txt');
    await c.listRaw('LIST');
    const c2 = await loggedIn({ pret: false, epsv: 'never' });
    await c2.getBuffer('a.txt');
    assert.deepEqual(afterLogin(), ['EPSV', 'RETR a.txt', 'EPSV', 'STOR b.txt', 'SIZE b.txt', 'EPSV', 'LIST']);
    assert.deepEqual(server.sessions[1].lines.slice(LOGIN.length), ['PASV', 'RETR a.txt']);
    assert.ok(!server.lines.some((l) => /^PRET/i.test(l)), server.lines.join(' | '));
  });

  it('mock server: quot refuses PRET (it prepares a data connection)', async () => {
    await startServer();
    const c = await loggedIn({ pret: true });
    await assert.rejects(c.quot('PRET RETR a.txt'), (e) => isFtp('input')(e) && e.command === 'PRET');
    assert.deepEqual(afterLogin(), []);
  });

  it('mock server: FEAT listing PRET turns it on without the option (DrFTPD announces it)', async () => {
    await startServer({ files: { 'a.txt': 'alpha' }, feat: ['211-Features:', ' PRET', ' EPSV', '211 End'] });
    const c = await loggedIn({});
    assert.equal((await c.getBuffer('a.txt')).toString(), 'alpha');
    assert.deepEqual(afterLogin(), ['PRET RETR a.txt', 'EPSV', 'RETR a.txt']);
  });

  it('mock server: overrideHelp decides: "none" sends no PRET, no EPSV (PASV, LIST); a list naming PRET sends it', async () => {
    await startServer({ files: { 'a.txt': 'alpha' }, feat: ['211-Features:', ' PRET', ' EPSV', ' MLST type*;size*;', ' SIZE', '211 End'] });
    const c = await loggedIn({ overrideHelp: 'none' });
    assert.equal((await c.getBuffer('a.txt')).toString(), 'alpha');
    await c.list('');
    const lines = server.sessions[0].lines;
    assert.deepEqual(lines.slice(lines.indexOf('TYPE I') + 1), ['PASV', 'RETR a.txt', 'PASV', 'LIST']);
    c.close();
    await server.close();
    await startServer({ files: { 'a.txt': 'alpha' }, feat: ['211-Features:', ' EPSV', '211 End'] });
    const d = await loggedIn({ overrideHelp: 'PRET,EPSV' });
    assert.equal((await d.getBuffer('a.txt')).toString(), 'alpha');
    assert.deepEqual(afterLogin(), ['PRET RETR a.txt', 'EPSV', 'RETR a.txt']);
  });
});
