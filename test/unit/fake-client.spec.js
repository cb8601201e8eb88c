'use strict';
// The test fake (test/support/fake-client.js) has FtpsClient's whole public
// surface, read from the compiled declaration (nodes/lib/client.d.ts): every
// method is a method there and every property a property, and it adds
// nothing but cwdAt (where its pwd() answers from). So a fake can go
// wherever a client goes, and no production code has to ask whether a
// member is there.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const { FtpsClient } = require('../../nodes/lib');
const { FakeClient } = require('../support/fake-client');

const DTS = path.join(__dirname, '..', '..', 'nodes', 'lib', 'client.d.ts');

/** FtpsClient's public members from its declaration: name → 'method' or 'property'. */
function declaredMembers() {
  const file = ts.createSourceFile(DTS, fs.readFileSync(DTS, 'utf8'), ts.ScriptTarget.Latest);
  const cls = file.statements.find((s) => ts.isClassDeclaration(s) && s.name?.text === 'FtpsClient');
  assert.ok(cls, 'FtpsClient is declared in nodes/lib/client.d.ts (npm run build)');
  const out = new Map();
  for (const m of cls.members) {
    if (ts.isConstructorDeclaration(m) || !m.name) continue;
    const mods = ts.getModifiers?.(m) ?? m.modifiers ?? [];
    if (mods.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
    out.set(m.name.getText(file), ts.isMethodDeclaration(m) ? 'method' : 'property');
  }
  return out;
}

/** The fake's members (own properties of a fresh one and its class's methods): name → 'method' or 'property'. */
function fakeMembers() {
  const fake = new FakeClient();
  const out = new Map();
  for (const k of Object.keys(fake)) out.set(k, typeof fake[k] === 'function' ? 'method' : 'property');
  for (const k of Object.getOwnPropertyNames(FakeClient.prototype)) {
    if (k !== 'constructor') out.set(k, typeof FakeClient.prototype[k] === 'function' ? 'method' : 'property');
  }
  return out;
}

describe('FakeClient', () => {
  it('has every public member of FtpsClient, each a method or a property as there', () => {
    const declared = declaredMembers();
    assert.ok(declared.size > 40, `read ${declared.size} members`);
    const fake = fakeMembers();
    const missing = [...declared.keys()].filter((k) => !fake.has(k));
    assert.deepEqual(missing, [], 'members FakeClient lacks');
    const wrongKind = [...declared].filter(([k, kind]) => fake.get(k) !== kind).map(([k, kind]) => `${k} (${kind} in FtpsClient)`);
    assert.deepEqual(wrongKind, []);
  });

  it('adds nothing FtpsClient lacks but cwdAt', () => {
    const declared = declaredMembers();
    assert.deepEqual([...fakeMembers().keys()].filter((k) => !declared.has(k)), ['cwdAt']);
  });

  it('the declaration matches the compiled class: every declared method is a function on FtpsClient.prototype', () => {
    for (const [k, kind] of declaredMembers()) {
      if (kind === 'method') assert.equal(typeof FtpsClient.prototype[k], 'function', k);
    }
  });

  it('what is not scripted fails as a reply error, without a connection', async () => {
    const c = new FakeClient();
    await assert.rejects(c.getBuffer('/a.txt'), (e) => e.kind === 'reply' && e.code === 502 && e.command === 'RETR /a.txt');
    await assert.rejects(c.put(Buffer.from('x'), '/b.txt'), (e) => e.kind === 'reply' && e.command === 'STOR /b.txt');
    assert.deepEqual(await c.list('/'), [], 'list() runs the real walker over an empty listRaw');
  });
});
