'use strict';
// A download cut short by a bare TCP FIN on a server whose 150 announces no
// size (Pure-FTPd, pyftpdlib) and which answers 226 all the same: only the
// missing TLS close_notify tells (src/lib/tls-eof.ts). ftps-get takes it as
// a transient failure, retries, and the file arrives byte-exact; nothing
// partial is ever under the final name.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./support/red');
const { call } = require('./support/flow');
const { pattern, sha, useFaultProxy } = require('./support/fault-setup');

for (const kind of ['pureftpd', 'pyftpdlib']) {
  describe(`ftps-get: a truncated download is retried (${kind}, no size in its 150)`, function () {
    this.timeout(60000);
    const fx = useFaultProxy(kind, { timeout: 5, retries: 2, retryDelay: 0.05 });
    let localDir;
    beforeEach(() => {
      localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-trunc-'));
      fx.proxy.clearFaults();
    });
    afterEach(async () => {
      await helper.unload();
      fs.rmSync(localDir, { recursive: true, force: true });
    });

    it('to a file: the cut try fails, the retry brings the whole file, only the final file is left', async () => {
      const data = pattern(1024 * 1024, 21);
      fx.s.put('trunc/a.bin', data);
      await fx.load([{ id: 'g1', type: 'ftps-get', output: 'file' }]);
      const local = path.join(localDir, 'a.bin');
      const f0 = fx.proxy.fired.length;
      fx.proxy.inject({ conn: 'data', dir: 'down', after: 256 * 1024, action: 'fin' });
      const r = await call('g1', { filename: '/trunc/a.bin', localFilename: local });
      assert.deepStrictEqual(fx.proxy.fired.slice(f0), [{ kind: 'data', action: 'fin' }], 'the data connection was cut');
      assert.strictEqual(r.ftps.bytes, data.length);
      assert.strictEqual(sha(fs.readFileSync(local)), sha(data));
      assert.deepStrictEqual(fs.readdirSync(localDir), ['a.bin']);
    });

    it('into memory: the retry brings the whole payload', async () => {
      const data = pattern(512 * 1024, 22);
      fx.s.put('trunc/b.bin', data);
      await fx.load([{ id: 'g1', type: 'ftps-get' }]);
      const f0 = fx.proxy.fired.length;
      fx.proxy.inject({ conn: 'data', dir: 'down', after: 100 * 1024, action: 'fin' });
      const r = await call('g1', { filename: '/trunc/b.bin' });
      assert.strictEqual(fx.proxy.fired.length - f0, 1, 'the data connection was cut');
      assert.ok(Buffer.isBuffer(r.payload) && r.payload.equals(data), `the whole payload (${r.payload.length} bytes)`);
    });
  });
}
