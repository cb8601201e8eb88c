'use strict';
// localRoot: local file names chosen by messages must stay inside the folder,
// lexically and after following symbolic links.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveLocalPath } = require('../../nodes/nodes/local-paths');

describe('local-paths: resolveLocalPath (localRoot)', () => {
  let base;
  let root;
  let outside;
  before(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-localroot-')));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(root, 'sub', 'in.txt'), 'in');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link-out.txt'));
    fs.symlinkSync(outside, path.join(root, 'dir-out'));
    fs.symlinkSync(path.join(root, 'sub', 'in.txt'), path.join(root, 'link-in.txt'));
    fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'dir-in'));
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  const refused = (re) => (e) => e.kind === 'input' && re.test(e.message);

  it('without a root any name passes unchanged', async () => {
    assert.equal(await resolveLocalPath(undefined, '../../etc/passwd'), '../../etc/passwd');
    assert.equal(await resolveLocalPath('', '/etc/passwd'), '/etc/passwd');
  });

  it('relative names are taken from the root; absolute names inside it pass', async () => {
    assert.equal(await resolveLocalPath(root, 'sub/in.txt'), path.join(root, 'sub', 'in.txt'));
    assert.equal(await resolveLocalPath(root, 'new/deeper/file.bin'), path.join(root, 'new', 'deeper', 'file.bin'));
    assert.equal(await resolveLocalPath(root, path.join(root, 'sub', 'x')), path.join(root, 'sub', 'x'));
    assert.equal(await resolveLocalPath(root, 'sub/../sub/in.txt'), path.join(root, 'sub', 'in.txt'));
  });

  for (const name of ['../outside/secret.txt', '..', 'sub/../../outside/x', '/etc/passwd', '.', '', 'sub/..']) {
    it(`refuses ${JSON.stringify(name)} (outside the root, or the root itself)`, async () => {
      await assert.rejects(resolveLocalPath(root, name), refused(/outside the server's local folder/));
    });
  }

  it('refuses a prefix sibling ("root-evil" is not inside "root")', async () => {
    fs.mkdirSync(`${root}-evil`, { recursive: true });
    await assert.rejects(resolveLocalPath(root, `${root}-evil/x`), refused(/outside/));
  });

  it('refuses a symbolic link to a file outside, and a name under a linked directory outside (existing or not)', async () => {
    await assert.rejects(resolveLocalPath(root, 'link-out.txt'), refused(/symbolic link/));
    await assert.rejects(resolveLocalPath(root, 'dir-out/secret.txt'), refused(/symbolic link/));
    await assert.rejects(resolveLocalPath(root, 'dir-out/new/file.txt'), refused(/symbolic link/));
  });

  it('accepts symbolic links that stay inside', async () => {
    assert.equal(await resolveLocalPath(root, 'link-in.txt'), path.join(root, 'link-in.txt'));
    assert.equal(await resolveLocalPath(root, 'dir-in/new.txt'), path.join(root, 'dir-in', 'new.txt'));
  });

  it('a root that is itself a symbolic link works (compared by real paths)', async () => {
    const alias = path.join(base, 'alias');
    fs.symlinkSync(root, alias);
    assert.equal(await resolveLocalPath(alias, 'sub/in.txt'), path.join(alias, 'sub', 'in.txt'));
    await assert.rejects(resolveLocalPath(alias, 'link-out.txt'), refused(/symbolic link/));
  });

  it('a missing root is a clear error', async () => {
    await assert.rejects(resolveLocalPath(path.join(base, 'nope'), 'a.txt'), refused(/does not exist/));
  });
});
