'use strict';
// rateLimit through the nodes against a real vsftpd: both directions capped,
// every byte arrives; the cap is checked as a lower bound on the time
// taken (a slow machine can only make it take longer).
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { useServer, call } = require('./support/flow');

const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
const KIB = 1024;

describe('rateLimit through the nodes (vsftpd, explicit FTPS)', function () {
  this.timeout(60000);
  const fx = useServer('vsftpd', 'explicit');
  const rate = 256; // KiB/s
  // the bucket starts full with a tenth of a second's worth
  const atLeastMs = (bytes) => ((bytes - (rate * KIB) / 10) / (rate * KIB)) * 1000;

  it('caps an upload (from memory and from a file) and a download to a file and into memory; bytes exact', async () => {
    const data = crypto.randomBytes(512 * KIB);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-rate-'));
    try {
      await fx.load(
        [
          { id: 'p1', type: 'ftps-put' },
          { id: 'p2', type: 'ftps-put', source: 'file' },
          { id: 'g1', type: 'ftps-get', output: 'file' },
          { id: 'g2', type: 'ftps-get', output: 'buffer' },
        ],
        { rateLimit: rate },
      );
      const up = await call('p1', { filename: '/rate-up.bin', payload: data });
      assert.strictEqual(up.ftps.bytes, data.length);
      assert.ok(up.ftps.ms >= atLeastMs(data.length), `upload took ${up.ftps.ms} ms, at least ${atLeastMs(data.length)}`);
      assert.strictEqual(sha(fs.readFileSync(fx.file('rate-up.bin'))), sha(data));

      const srcFile = path.join(dir, 'src.bin');
      fs.writeFileSync(srcFile, data);
      const up2 = await call('p2', { filename: '/rate-up2.bin', localFilename: srcFile });
      assert.ok(up2.ftps.ms >= atLeastMs(data.length), `upload from a file took ${up2.ftps.ms} ms`);
      assert.strictEqual(sha(fs.readFileSync(fx.file('rate-up2.bin'))), sha(data));

      const local = path.join(dir, 'down.bin');
      const down = await call('g1', { filename: '/rate-up.bin', localFilename: local });
      assert.ok(down.ftps.ms >= atLeastMs(data.length), `download took ${down.ftps.ms} ms`);
      assert.strictEqual(sha(fs.readFileSync(local)), sha(data));

      const mem = await call('g2', { filename: '/rate-up.bin' });
      assert.ok(mem.ftps.ms >= atLeastMs(data.length), `download to memory took ${mem.ftps.ms} ms`);
      assert.ok(mem.payload.equals(data));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
