'use strict';
// Every public FtpsClient method that puts a caller's string on the control
// connection refuses CR, LF and NUL before anything is sent. A mock server
// records every byte it receives: after the refusal a NOOP is sent, and the
// bytes must be exactly the login sequence and that NOOP.
const assert = require('node:assert/strict');
const os = require('node:os');
const path = require('node:path');
const { PassThrough } = require('node:stream');
const { FtpsClient, FtpError } = require('../../nodes/lib');
const { MockFtpServer } = require('../support/mock-server');
const { LOGIN } = require('../support/mock-client');

const BAD = ['a\r\nDELE b', 'a\nb', 'a\0b'];
const TMP = os.tmpdir();
const data = () => Buffer.from('payload');

// [name, call, beforeLogin]
const CASES = [
  ['put (remote)', (c, v) => c.put(data(), v)],
  ['get (remote, to a Writable)', (c, v) => c.get(v, new PassThrough())],
  ['get (remote, to a file)', (c, v) => c.get(v, path.join(TMP, 'ftps-refusal-never-written.bin'))],
  ['get (local path)', (c, v) => c.get('file.txt', path.join(TMP, v))],
  ['get (remote, with offset)', (c, v) => c.get(v, new PassThrough(), { offset: 5 })],
  ['getBuffer', (c, v) => c.getBuffer(v)],
  ['append', (c, v) => c.append(data(), v)],
  ['uput', (c, v) => c.uput(data(), v)],
  ['xput (remote)', (c, v) => c.xput(data(), v)],
  ['xput (scratch prefix)', (c, v) => c.xput(data(), 'ok.txt', { prefix: v })],
  ['xput (scratch body)', (c, v) => c.xput(data(), 'ok.txt', { body: v })],
  ['xput (scratch postfix)', (c, v) => c.xput(data(), 'ok.txt', { postfix: v })],
  ['xget (remote)', (c, v) => c.xget(v, path.join(TMP, 'ftps-refusal-never-written.bin'))],
  ['xget (local path)', (c, v) => c.xget('file.txt', path.join(TMP, v))],
  ['delete', (c, v) => c.delete(v)],
  ['rename (from)', (c, v) => c.rename(v, 'ok.txt')],
  ['rename (to)', (c, v) => c.rename('ok.txt', v)],
  ['mkdir', (c, v) => c.mkdir(v)],
  ['rmdir', (c, v) => c.rmdir(v)],
  ['cwd', (c, v) => c.cwd(v)],
  ['size', (c, v) => c.size(v)],
  ['mdtm', (c, v) => c.mdtm(v)],
  ['mfmt', (c, v) => c.mfmt(new Date(0), v)],
  ['setModified', (c, v) => c.setModified(v, new Date(0))],
  ['site', (c, v) => c.site(v)],
  ['quot', (c, v) => c.quot(v)],
  ['quot (text after a harmless verb)', (c, v) => c.quot(`NOOP ${v}`)],
  ['listRaw LIST (dir)', (c, v) => c.listRaw('LIST', v)],
  ['listRaw NLST (dir)', (c, v) => c.listRaw('NLST', v)],
  ['listRaw MLSD (dir)', (c, v) => c.listRaw('MLSD', v)],
  ['supported (command)', (c, v) => c.supported(v)],
  ['supported (SITE option)', (c, v) => c.supported('SITE', v)],
  ['login (user)', (c, v) => c.login(v, 'pw'), true],
  ['login (password)', (c, v) => c.login('user', v), true],
];

describe('client: CR/LF/NUL in arguments are refused before sending', () => {
  let server;
  let client;

  beforeEach(async () => {
    server = await MockFtpServer.start();
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    await server.close();
    assert.deepEqual(server.errors, []);
  });

  for (const [name, call, beforeLogin] of CASES) {
    for (const bad of BAD) {
      it(`mock server: ${name} refuses ${JSON.stringify(bad)} and sends nothing of it`, async () => {
        client = new FtpsClient({ host: '127.0.0.1', port: server.port, encryption: 'clear', overrideHelp: 'auto' });
        await client.connect();
        if (!beforeLogin) await client.login('user', 'pw');

        await assert.rejects(
          () => call(client, bad),
          (e) => e instanceof FtpError && e.kind === 'input' && e.code === 0 && /CR, LF or NUL/.test(e.message),
        );

        assert.equal(client.connected, true, 'a refused argument does not end the session');
        if (beforeLogin) await client.login('user', 'pw');
        await client.noop();
        const session = server.sessions[0];
        assert.equal(server.sessions.length, 1);
        assert.deepEqual(session.lines, [...LOGIN, 'NOOP']);
        assert.equal(session.raw.toString('latin1'), [...LOGIN, 'NOOP'].map((l) => l + '\r\n').join(''));
        assert.equal(server.dataConnections.length, 0, 'no data connection was opened');
      });
    }
  }

  it('the host option is refused with CR/LF/NUL at construction', () => {
    for (const bad of BAD) {
      assert.throws(() => new FtpsClient({ host: bad }), (e) => e instanceof FtpError && e.kind === 'input');
    }
  });

  it('mock server: empty paths are refused before sending too', async () => {
    client = new FtpsClient({ host: '127.0.0.1', port: server.port, encryption: 'clear' });
    await client.connect();
    await client.login('user', 'pw');
    for (const call of [(c) => c.delete(''), (c) => c.getBuffer(''), (c) => c.put(data(), ''), (c) => c.rename('', 'x'), (c) => c.cwd(''), (c) => c.quot('   '), (c) => c.site('')]) {
      await assert.rejects(() => call(client), (e) => e instanceof FtpError && e.kind === 'input' && /empty/.test(e.message));
    }
    await client.noop();
    assert.deepEqual(server.sessions[0].lines, [...LOGIN, 'NOOP']);
  });
});
