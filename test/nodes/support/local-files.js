'use strict';
// Local files the nodes read or write, and the server's localRoot: a folder
// with a symbolic link out of it, for the refusals of get, put and xput.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./red');
const { allNodes, refusalFlow, caughtFrom } = require('./offline');

/** A fresh temporary folder (the caller removes it). */
function tmpDir(prefix = 'ftps-nodes-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A describe 'localRoot': with the server's localRoot set to base/root (which
 * holds a symbolic link "escape" to base/outside), each [type, props, local,
 * re] case sends msg.localFilename = local and expects the refusal `re`,
 * with nothing connected and nothing written outside.
 */
function localRootRefusals(cases) {
  describe(`${cases[0][0]} with a localRoot`, () => {
    let base;
    before(() => {
      base = fs.realpathSync(tmpDir('ftps-nodes-root-'));
      fs.mkdirSync(path.join(base, 'root'));
      fs.mkdirSync(path.join(base, 'outside'));
      fs.writeFileSync(path.join(base, 'outside', 'secret.txt'), 'secret');
      fs.symlinkSync(path.join(base, 'outside'), path.join(base, 'root', 'escape'));
    });
    after(() => fs.rmSync(base, { recursive: true, force: true }));
    afterEach(() => helper.unload());

    for (const [type, props, local, re] of cases) {
      it(`${type}: msg.localFilename ${JSON.stringify(local)} is refused, nothing is connected or written`, async () => {
        await helper.load(allNodes, refusalFlow([{ id: 'n1', type, ...props }], { localRoot: path.join(base, 'root') }));
        const m = await caughtFrom('n1', { filename: '/a.txt', localFilename: local });
        assert.match(m.error.message, re);
        assert.strictEqual(helper.getNode('s1').pool, null, 'no connection was attempted');
        assert.deepStrictEqual(fs.readdirSync(path.join(base, 'outside')), ['secret.txt']);
      });
    }
  });
}

module.exports = { tmpDir, localRootRefusals };
