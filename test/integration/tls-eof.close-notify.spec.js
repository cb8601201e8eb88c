'use strict';
// A PROT P download counts as whole only when the server ends its TLS stream
// with close_notify (src/lib/tls-eof.ts, data-channel.ts): each real server,
// ftp-srv included, must send one at the end of a file, of an empty file and
// of a listing, or a good download would fail. The client's detail log says
// how each data connection ended. (twisted has no TLS: nothing to check; aioftp
// has implicit TLS only.)
const assert = require('node:assert/strict');
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');
const h = require('../harness');
const { FtpsClient } = require('../../nodes/lib');

for (const kind of h.ALL_KINDS.filter((k) => k !== 'twisted')) {
  const mode = h.modes(kind).includes('explicit') ? 'explicit' : 'implicit';
  describe(`TLS close_notify at the end of every PROT P download (${kind}, ${mode})`, function () {
    this.timeout(60000);
    let s;
    let client;
    const lines = [];

    before(async function () {
      h.requireServer(this, kind, mode);
      s = await h.startServer(kind, { mode });
      s.put('eof/big.bin', Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a));
      s.put('eof/small.txt', 'x');
      s.put('eof/empty.txt', '');
      client = new FtpsClient({ host: s.host, port: s.port, encryption: mode, tls: { ca: s.ca }, timeout: 20, debug: 2, logger: (l) => lines.push(l) });
      // ftp-srv may answer AUTH TLS before it is ready for the handshake (interop.test.js): a few tries
      for (let i = 0; ; i += 1) {
        try {
          await client.connect();
          break;
        } catch (e) {
          client.close();
          if (i >= 10) throw e;
          client = new FtpsClient({ host: s.host, port: s.port, encryption: mode, tls: { ca: s.ca }, timeout: 20, debug: 2, logger: (l) => lines.push(l) });
        }
      }
      await client.login(s.user, s.password);
    });
    after(async () => {
      if (client) client.close();
      if (s) await s.stop();
    });

    /** How the data connection of `command` ended, from the detail log. */
    const endOf = (command) => {
      const l = lines.filter((x) => x.startsWith(`${command}: the data connection ended with`));
      assert.equal(l.length, 1, `one end reported for ${command}: ${JSON.stringify(l)}`);
      return l[0].slice(`${command}: the data connection ended with `.length);
    };

    it('a 3 MiB file to memory, a 1-byte file, an empty file, a file to disk: close_notify each time', async () => {
      assert.equal((await client.getBuffer('eof/big.bin')).length, 3 * 1024 * 1024 + 7);
      assert.equal(endOf('RETR eof/big.bin'), 'TLS close_notify');
      assert.equal((await client.getBuffer('eof/small.txt')).toString(), 'x');
      assert.equal(endOf('RETR eof/small.txt'), 'TLS close_notify');
      assert.equal((await client.getBuffer('eof/empty.txt')).length, 0);
      assert.equal(endOf('RETR eof/empty.txt'), 'TLS close_notify');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-eof-'));
      try {
        await client.get('eof/big.bin', path.join(dir, 'big.bin'));
        assert.equal(fs.statSync(path.join(dir, 'big.bin')).size, 3 * 1024 * 1024 + 7);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      assert.equal(lines.filter((x) => x === 'RETR eof/big.bin: the data connection ended with TLS close_notify').length, 2);
    });

    it('a listing: close_notify', async () => {
      const names = (await client.list('eof')).map((e) => e.name).sort();
      assert.deepEqual(names, ['big.bin', 'empty.txt', 'small.txt']);
      const ends = lines.filter((x) => /^(MLSD|LIST|NLST)\b.*: the data connection ended with/.test(x));
      assert.ok(ends.length >= 1, 'a listing was made');
      for (const e of ends) assert.match(e, /TLS close_notify$/);
    });
  });
}
