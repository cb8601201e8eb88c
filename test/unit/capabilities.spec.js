'use strict';
// FEAT negotiation, ENABLE/DISABLE and the automatic disabling of SIZE and
// MDTM, against the scripted server (no real server refuses FEAT, SIZE or
// MDTM on demand).
const assert = require('node:assert/strict');
const { once } = require('node:events');
const { FtpsClient, FtpError } = require('../../nodes/lib');
const { MockFtpServer } = require('../support/mock-server');
const { MockClients, useMockServer } = require('../support/mock-client');

const FILES_ONLY = 'type=file;size=3;modify=20240102030405; a.txt\r\ntype=file;size=4;modify=20240102030406; b.log\r\n';
const LIST_TEXT = '-rw-r--r--   1 u g   3 Jan  2 03:04 a.txt\r\n-rw-r--r--   1 u g   4 Jan  2 03:04 b.log\r\n';

async function sendData(s, text, code = '226 Done.') {
  const sock = await s.dataSocket();
  s.reply('150 Here it comes.');
  sock.end(text);
  await once(sock, 'finish');
  s.reply(code);
}

describe('FEAT, ENABLE/DISABLE and listing fallbacks (mock server)', () => {
  let server;
  const clients = new MockClients({ timeout: 10 });

  async function start(opts) {
    server = await MockFtpServer.start({ listing: LIST_TEXT, ...opts });
    return server;
  }
  const login = (extra) => clients.loggedIn(server, extra);
  const verbs = () => server.lines.map((l) => l.split(' ')[0]);

  afterEach(async () => {
    clients.closeAll();
    await server?.close();
    server = null;
  });

  it("mock server: FEAT refused gets Kermit's guess (SIZE and MDTM yes, MLST no) and auto lists with LIST", async () => {
    await start({ feat: ['500 FEAT not understood.'] });
    const c = await login();
    assert.equal(c.features, null);
    assert.deepEqual([c.isEnabled('SIZE'), c.isEnabled('MDTM'), c.isEnabled('MLST')], [true, true, false]);
    const entries = await c.list('');
    assert.deepEqual(entries.map((e) => e.name), ['a.txt', 'b.log']);
    assert.ok(verbs().includes('LIST') && !verbs().includes('MLSD'));
  });

  it('mock server: feat: false sends no FEAT and guesses the same way', async () => {
    await start();
    const c = await login({ feat: false });
    assert.ok(!verbs().includes('FEAT'));
    assert.deepEqual([c.isEnabled('SIZE'), c.isEnabled('MDTM'), c.isEnabled('MLSD')], [true, true, false]);
  });

  it('mock server: FEAT answered: what it lists is enabled, what it omits is not; OPTS UTF8 ON and OPTS MLST with the facts we use', async () => {
    await start({ feat: ['211-Features:', ' UTF8', ' MLST type*;size*;modify*;media-type*;perm*;unique*;UNIX.mode;', ' MDTM', '211 End'] });
    const c = await login();
    assert.deepEqual([c.isEnabled('SIZE'), c.isEnabled('MDTM'), c.isEnabled('MLST')], [false, true, true]);
    assert.ok(server.lines.includes('OPTS UTF8 ON'));
    assert.ok(server.lines.includes('OPTS MLST type;size;modify;perm;unique;UNIX.mode;'), server.lines.join('|'));
  });

  it('mock server: enable/disable options and methods override FEAT (Kermit FTP ENABLE / DISABLE)', async () => {
    await start({
      feat: ['500 no FEAT here'],
      handlers: { MLSD: (s) => sendData(s, FILES_ONLY) },
    });
    const c = await login({ enable: ['MLSD'], disable: ['MDTM'] });
    assert.deepEqual([c.isEnabled('MLST'), c.isEnabled('MDTM'), c.isEnabled('SIZE')], [true, false, true]);
    const viaMlsd = await c.list('');
    assert.equal(viaMlsd[0].size, 3);
    assert.ok(verbs().includes('MLSD'));
    c.disable('MLST');
    c.disable('SIZE');
    c.enable('MDTM');
    assert.deepEqual([c.isEnabled('MLST'), c.isEnabled('MDTM'), c.isEnabled('SIZE')], [false, true, false]);
    const before = server.lines.length;
    await c.list('');
    assert.deepEqual(server.lines.slice(before).filter((l) => /^(MLSD|LIST)/.test(l)), ['LIST']);
    assert.throws(() => new FtpsClient({ host: 'x', enable: ['XYZ'] }), (e) => e instanceof FtpError && e.kind === 'input');
  });

  it('mock server: SIZE answered 500 and MDTM answered 502 are disabled for the session; a success or a new session turns them on again', async () => {
    let sizeWorks = false;
    await start({
      handlers: {
        SIZE: (s) => s.reply(sizeWorks ? '213 3' : '500 Unknown command.'),
        MDTM: (s) => s.reply('502 Not implemented.'),
      },
    });
    const c = await login();
    assert.ok(c.isEnabled('SIZE') && c.isEnabled('MDTM'));
    // without SIZE/MDTM the answers come from the parent's listing (issue 16)
    assert.equal(await c.size('a.txt'), 3);
    assert.equal((await c.mdtm('a.txt')).getUTCMonth(), 0);
    await assert.rejects(c.size('none.txt'), (e) => e.code === 550 && e.cause?.code === 500);
    assert.deepEqual([c.isEnabled('SIZE'), c.isEnabled('MDTM')], [false, false]);
    // an explicit call is still sent; its success re-enables
    sizeWorks = true;
    assert.equal(await c.size('a.txt'), 3);
    assert.equal(c.isEnabled('SIZE'), true);
    await c.quit();
    await c.connect();
    await c.login('user', 'pw');
    assert.equal(c.isEnabled('MDTM'), true, 'a new session asks again');
  });

  it('mock server: a 550 to SIZE (no such file) does not disable it', async () => {
    await start({ handlers: { SIZE: (s) => s.reply('550 No such file.') } });
    const c = await login();
    await assert.rejects(c.size('nope'), (e) => e.code === 550);
    assert.equal(c.isEnabled('SIZE'), true);
  });

  it('mock server: a resumed put (offset -1) with SIZE off fails before sending, naming SIZE and why (Kermit: DISABLE SIZE stops PUT /RESTART)', async () => {
    const handlers = {
      // 4 bytes already there; after the STOR, those plus what was sent
      SIZE: (s, arg) => s.reply(`213 ${4 + (s.server.files.get(arg)?.length ?? 0)}`),
      REST: (s, arg) => s.reply(`350 Restarting at ${arg}.`),
    };
    await start({ handlers });
    const c = await login({ disable: ['SIZE'] });
    const sent = server.lines.length;
    for (const call of [() => c.put(Buffer.from('0123456789'), 'r.txt', { offset: -1 }), () => c.append(Buffer.from('0123456789'), 'r.txt', { offset: -1 })]) {
      await assert.rejects(call(), (e) => e instanceof FtpError && e.kind === 'input' && /cannot resume r\.txt \(offset -1\).*SIZE is disabled for this session; enable SIZE or give the offset/.test(e.message));
    }
    assert.deepEqual(server.lines.slice(sent), [], 'nothing sent');
    // an explicit offset needs no SIZE
    await c.put(Buffer.from('0123456789'), 'x.txt', { offset: 4 });
    assert.equal(server.files.get('x.txt').toString(), '456789');
    // enabled again: SIZE gives the offset
    c.enable('SIZE');
    await c.put(Buffer.from('0123456789'), 'r.txt', { offset: -1 });
    assert.ok(server.lines.includes('REST 4'), server.lines.join('|'));
    assert.equal(server.files.get('r.txt').toString(), '456789');
    await c.quit();
    server.lines.length = 0;
    // a FEAT that leaves SIZE out: the error says so
    server.feat = ['211-Features:', ' MDTM', '211 End'];
    const d = await login();
    await assert.rejects(d.put(Buffer.from('x'), 'r.txt', { offset: -1 }), /the server does not announce SIZE in FEAT/);
    assert.ok(!verbs().includes('SIZE') && !verbs().includes('STOR'));
  });

  it('mock server: with MDTM disabled a download to a file keeping the time sends no MDTM (enabled, it does)', async () => {
    const fs = require('node:fs');
    const os = require('node:os');
    const path = require('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-mdtm-'));
    try {
      await start({ files: { 'a.txt': 'abc' }, handlers: { MDTM: (s) => s.reply('213 20200102030405') } });
      const c = await login({ disable: ['MDTM'] });
      await c.get('a.txt', path.join(dir, 'a.txt'), { preserveTimestamp: true });
      assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'abc');
      assert.ok(!verbs().includes('MDTM'));
      c.enable('MDTM');
      await c.get('a.txt', path.join(dir, 'b.txt'), { preserveTimestamp: true });
      assert.ok(verbs().includes('MDTM'));
      assert.equal(fs.statSync(path.join(dir, 'b.txt')).mtime.toISOString(), '2020-01-02T03:04:05.000Z');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mock server: an implicit MLSD refused (500) falls back to LIST and is not tried again; a forced mlsd fails', async () => {
    await start({
      feat: ['211-Features:', ' MLST type*;size*;modify*;', '211 End'],
      handlers: { MLSD: (s) => s.reply('500 MLSD not understood.') },
    });
    const c = await login();
    const first = await c.list('');
    assert.deepEqual(first.map((e) => e.name), ['a.txt', 'b.log']);
    await c.list('');
    assert.deepEqual(server.lines.filter((l) => /^(MLSD|LIST)/.test(l)), ['MLSD', 'LIST', 'LIST']);
    assert.equal(c.isEnabled('MLST'), false);
    await assert.rejects(c.list('', { method: 'mlsd' }), (e) => e.code === 500);
  });

  it('mock server: LIST refused as well: auto ends with NLST', async () => {
    await start({
      feat: ['500 no'],
      handlers: { LIST: (s) => s.reply('502 no LIST'), NLST: (s) => sendData(s, 'a.txt\r\nb.log\r\n') },
    });
    const c = await login();
    const entries = await c.list('dir');
    assert.deepEqual(entries.map((e) => [e.name, e.path, e.type]), [['a.txt', 'dir/a.txt', 'other'], ['b.log', 'dir/b.log', 'other']]);
  });

  it('mock server: a wildcard NLST the server refuses (550) is listed plainly and matched by the client', async () => {
    await start({
      handlers: { NLST: (s, arg) => (arg.includes('*') ? s.reply('550 No such file or directory.') : sendData(s, 'a.txt\r\nb.log\r\n')) },
    });
    const c = await login();
    const entries = await c.list('d', { method: 'nlst', pattern: '*.log' });
    assert.deepEqual(entries.map((e) => e.name), ['b.log']);
    assert.deepEqual(server.lines.filter((l) => l.startsWith('NLST')), ['NLST d/*.log', 'NLST d']);
  });

  it('mock server: a directory whose unique fact was seen before (a loop shown as a directory) is listed, not entered', async () => {
    const listings = {
      top: 'type=cdir;unique=U1; .\r\ntype=dir;unique=U2; sub\r\n',
      'top/sub': 'type=dir;unique=U1; back\r\ntype=file;size=1;unique=U3; f\r\n',
    };
    await start({
      feat: ['211-Features:', ' MLST type*;size*;unique*;', '211 End'],
      handlers: { MLSD: (s, arg) => sendData(s, listings[arg] ?? '') },
    });
    const c = await login();
    const entries = await c.list('top', { recursive: true });
    assert.deepEqual(entries.map((e) => [e.rel, e.loop === true]), [['sub', false], ['sub/back', true], ['sub/f', false]]);
    assert.deepEqual(server.lines.filter((l) => l.startsWith('MLSD')), ['MLSD top', 'MLSD top/sub']);
  });
});

describe('supported() (mock server)', () => {
  const mock = useMockServer();
  const { startServer, loggedIn, afterLogin } = mock;

  for (const [override, answers] of [
    ['all', { MFMT: true, SIZE: true, XYZZY: true }],
    ['none', { MFMT: false, SIZE: false, NOOP: false }],
    [['MFMT'], { MFMT: true, mfmt: true, SIZE: false, NOOP: false }],
    ['mfmt, size', { MFMT: true, SIZE: true, MDTM: false }],
  ]) {
    it(`mock server: overrideHelp ${JSON.stringify(override)} answers without sending HELP`, async () => {
      await startServer();
      const c = await loggedIn({ overrideHelp: override });
      for (const [cmd, expected] of Object.entries(answers)) {
        assert.equal(await c.supported(cmd), expected, cmd);
      }
      await c.noop();
      assert.deepEqual(afterLogin(), ['NOOP']);
    });
  }

  it('mock server: overrideHelp auto sends HELP once and caches the answer', async () => {
    await startServer();
    const c = await loggedIn({ overrideHelp: 'auto' });
    assert.equal(await c.supported('RETR'), true);
    assert.equal(await c.supported('mdtm'), true);
    assert.equal(await c.supported('MFMT'), false);
    assert.equal(await c.supported('SIZE'), true);
    assert.deepEqual(afterLogin(), ['HELP']);
  });

  it('mock server: a 502 to HELP → false for everything but the FEAT features (and the RFC 959 minimum)', async () => {
    await startServer({ handlers: { HELP: (s) => s.reply('502 HELP not implemented.') } });
    const c = await loggedIn();
    for (const cmd of ['MDTM', 'SIZE', 'REST']) assert.equal(await c.supported(cmd), true, `${cmd} (FEAT)`);
    // RFC 959 section 5.1: a server implements these whatever HELP says
    for (const cmd of ['USER', 'QUIT', 'PORT', 'TYPE', 'MODE', 'STRU', 'RETR', 'STOR', 'NOOP']) assert.equal(await c.supported(cmd), true, `${cmd} (RFC 959 minimum)`);
    for (const cmd of ['HELP', 'MFMT', 'DELE', 'SITE', 'MLSD', 'EPSV', 'FEAT']) assert.equal(await c.supported(cmd), false, cmd);
    assert.equal(await c.supported('SITE', 'UTIME'), false);
    assert.deepEqual(afterLogin(), ['HELP']);
  });

  it('mock server: a HELP that lists only SITE commands (Pure-FTPd) answers SITE options without SITE HELP', async () => {
    await startServer({
      handlers: { HELP: (s) => s.reply('214-The following SITE commands are recognized', ' ALIAS', ' CHMOD', ' IDLE', ' UTIME', '214 Pure-FTPd - http://pureftpd.org/') },
    });
    const c = await loggedIn();
    assert.equal(await c.supported('SITE'), true);
    assert.equal(await c.supported('SITE', 'UTIME'), true);
    assert.equal(await c.supported('SITE', 'SYMLINK'), false);
    assert.equal(await c.supported('CHMOD'), false, 'SITE commands are not top-level commands');
    assert.equal(await c.supported('MDTM'), true, 'FEAT');
    assert.deepEqual(afterLogin(), ['HELP']);
  });

  it('mock server: SITE sub-commands come from SITE HELP, asked once', async () => {
    await startServer({
      handlers: {
        HELP: (s) => s.reply('214-The following commands are recognized.', ' NOOP SITE RETR', '214 Help OK.'),
        SITE: (s, arg) => (arg.toUpperCase() === 'HELP' ? s.reply('214-The following SITE commands are recognized', ' CHMOD UTIME', '214 ok') : s.reply('500 no')),
      },
    });
    const c = await loggedIn();
    assert.equal(await c.supported('SITE', 'utime'), true);
    assert.equal(await c.supported('SITE', 'CHMOD'), true);
    assert.equal(await c.supported('SITE', 'SYMLINK'), false);
    assert.equal(await c.supported('SITE'), true);
    assert.deepEqual(afterLogin(), ['HELP', 'SITE HELP']);
  });
});
