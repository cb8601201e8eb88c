'use strict';
// A download whose local file cannot grow (the process runs under a file
// size limit, `ulimit -f`, so the writes fail with EFBIG part-way through):
// the error says it is local, no file is left under the final name or a
// scratch name, and the session stays in step for the next transfer. This
// is the write-failure path of downloads that read into reused buffers
// (FileBatches), with the socket paused and resumed on the way.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../harness');

const LIMIT_KIB = 512;

function runLimited(opts) {
  const script = path.join(__dirname, '..', 'support', 'limited-get.js');
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', `ulimit -f ${LIMIT_KIB} && exec "$0" "$1" "$2"`, process.execPath, script, JSON.stringify(opts)], (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}

for (const kind of ['vsftpd', 'pyftpdlib']) {
  describe(`a download that cannot be written locally (${kind}, explicit FTPS)`, function () {
    this.timeout(60000);
    let s;
    let dir;
    before(async function () {
      h.requireServer(this, kind, 'explicit');
      s = await h.startServer(kind, { mode: 'explicit' });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-efbig-'));
    });
    after(async () => {
      if (s) await s.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('fails as a local error, leaves no file, and the next get on the session works', async () => {
      const big = crypto.randomBytes(4 * 1024 * 1024);
      const small = crypto.randomBytes(100 * 1024);
      s.put('big.bin', big);
      s.put('small.bin', small);
      const out = await runLimited({ host: s.host, port: s.port, mode: 'explicit', ca: s.ca, user: s.user, password: s.password, big: 'big.bin', small: 'small.bin', dir });
      assert.equal(typeof out.big, 'object', `the big get should fail, got ${JSON.stringify(out.big)}`);
      assert.equal(out.big.kind, 'local');
      assert.match(out.big.message, /EFBIG|too large/i);
      assert.deepEqual(out.afterBig, [], 'neither big.bin nor a scratch file is left');
      assert.equal(out.small, small.length);
      assert.ok(fs.readFileSync(path.join(dir, 'small.bin')).equals(small));
    });
  });
}
