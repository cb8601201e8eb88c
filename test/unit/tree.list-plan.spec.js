'use strict';
// Kermit's table: which verb is sent with what, and where the pattern is applied.
const assert = require('node:assert/strict');
const { planListing, resolveTarget, globMatches, isWild, splitWild, localPathFor, mlstOptsFacts, FeatureSwitches, list } = require('../../nodes/lib');

describe('listing plan (Kermit rules)', () => {
  const rows = [
    // [dir, options, expected { dir, localPattern, serverPattern }]
    ['', {}, { dir: '', localPattern: '', serverPattern: null }],
    ['*.txt', { method: 'nlst' }, { dir: '', localPattern: '', serverPattern: '*.txt' }],
    ['*.txt', { method: 'mlsd' }, { dir: '', localPattern: '*.txt', serverPattern: null }],
    ['foo', { method: 'nlst' }, { dir: 'foo', localPattern: '', serverPattern: null }],
    ['foo', { method: 'mlsd' }, { dir: 'foo', localPattern: '', serverPattern: null }],
    ['', { method: 'nlst', pattern: '*.txt', matchLocally: true }, { dir: '', localPattern: '*.txt', serverPattern: null }],
    ['foo', { method: 'nlst', pattern: '*.txt', matchLocally: true }, { dir: 'foo', localPattern: '*.txt', serverPattern: null }],
    ['foo', { method: 'mlsd', pattern: '*.txt' }, { dir: 'foo', localPattern: '*.txt', serverPattern: null }],
    ['foo/*.txt', { method: 'mlsd' }, { dir: 'foo', localPattern: '*.txt', serverPattern: null }],
    ['foo/*.txt', { method: 'nlst' }, { dir: 'foo', localPattern: '', serverPattern: '*.txt' }],
    ['/x/y/*.csv', { method: 'auto' }, { dir: '/x/y', localPattern: '*.csv', serverPattern: null }],
    ['/*.csv', {}, { dir: '/', localPattern: '*.csv', serverPattern: null }],
    ['base', { pattern: 'sub/*.csv' }, { dir: 'base/sub', localPattern: '*.csv', serverPattern: null }],
    ['base', { pattern: '/abs/*.csv' }, { dir: '/abs', localPattern: '*.csv', serverPattern: null }],
    ['base', { pattern: '**/*.csv', recursive: true }, { dir: 'base', localPattern: '**/*.csv', serverPattern: null }],
    ['base', { method: 'nlst', pattern: '*.csv', recursive: true }, { dir: 'base', localPattern: '*.csv', serverPattern: null }],
    ['', { method: 'nlst', pattern: '*.txt' }, { dir: '', localPattern: '', serverPattern: '*.txt' }],
    ['[abc]', { method: 'nlst', pattern: '*', matchLocally: true }, { dir: '[abc]', localPattern: '*', serverPattern: null }],
    // a pattern given apart makes the path a plain directory name, wild or not (Kermit's /MATCH with "[abc]")
    ['[abc]', { pattern: '*' }, { dir: '[abc]', localPattern: '*', serverPattern: null }],
  ];
  for (const [dir, opts, want] of rows) {
    it(`${JSON.stringify(dir)} ${JSON.stringify(opts)}`, () => {
      assert.deepEqual(planListing(dir, opts), want);
    });
  }

  it('a wildcard in the directory part of a one-directory pattern is refused with a clear error', () => {
    assert.throws(() => planListing('', { pattern: '*/x.txt' }), (e) => e.kind === 'input' && /recursive/.test(e.message));
  });
});

describe('matching rules', () => {
  it('a glob without "/" matches the name at any depth; with "/" the whole relative path; dot files with dot on', () => {
    assert.ok(globMatches('*.txt', 'a/b/c.txt'));
    assert.ok(!globMatches('*.txt', '.hidden.txt'));
    assert.ok(globMatches('*.txt', '.hidden.txt', { dot: true }));
    assert.ok(!globMatches('a/*.txt', 'a/b/c.txt'));
    assert.ok(globMatches('a/**/*.txt', 'a/b/c.txt'));
    assert.ok(globMatches('', 'anything'));
    assert.ok(globMatches('f0[0-4]?.dat', 'many/f012.dat'));
  });
  it('isWild and splitWild', () => {
    assert.deepEqual([isWild('a*'), isWild('a?'), isWild('[x]'), isWild('plain name.txt')], [true, true, true, false]);
    assert.deepEqual(splitWild('foo/*.txt'), { dir: 'foo', pattern: '*.txt' });
    assert.equal(splitWild('foo/bar'), null);
    assert.equal(splitWild('*/bar'), null);
  });
  it('localPathFor keeps remote names inside the target folder', () => {
    assert.match(localPathFor('/tmp/t', 'a/b c/ü.txt'), /\/tmp\/t\/a\/b c\/ü\.txt$/);
    for (const bad of ['../x', 'a/../../x', 'a//b', 'a\\..\\b', '.', 'a/./b']) assert.throws(() => localPathFor('/tmp/t', bad), (e) => e.kind === 'input', bad);
  });
  it('OPTS MLST asks only for announced facts the listings use', () => {
    assert.deepEqual(mlstOptsFacts('type*;size*;sizd*;modify*;UNIX.mode*;UNIX.uid*;unique*;media-type;'), ['type', 'size', 'modify', 'UNIX.mode', 'unique']);
    assert.deepEqual(mlstOptsFacts(''), []);
  });
  it('FeatureSwitches: user override > refusal > FEAT > guess', () => {
    const s = new FeatureSwitches([], ['SIZE']);
    const feat = new Map([['MDTM', ''], ['SIZE', '']]);
    assert.deepEqual(['MLST', 'SIZE', 'MDTM'].map((n) => s.isEnabled(n, feat)), [false, false, true]);
    assert.deepEqual(['MLST', 'SIZE', 'MDTM'].map((n) => s.isEnabled(n, null)), [false, false, true]);
    s.markRefused('MDTM');
    assert.equal(s.isEnabled('MDTM', feat), false);
    s.resetSession();
    assert.equal(s.isEnabled('MDTM', feat), true);
    s.enable('mlsd');
    assert.equal(s.isEnabled('MLST', null), true);
    assert.throws(() => s.enable('FOO'), /unknown feature/);
  });
});

describe('list() over a scripted listRaw', () => {
  const { FakeClient } = require('../support/fake-client');
  function fake(tree) {
    const c = new FakeClient();
    c.calls = [];
    c.features = new Map([['MLST', 'type*;size*;']]);
    c.listRaw = async (verb, dir) => {
      c.calls.push(`${verb} ${dir ?? ''}`);
      return tree[dir ?? ''] ?? '';
    };
    return c;
  }
  it('depth, include, exclude (an excluded folder is not entered) and maxEntries', async () => {
    const c = fake({
      r: 'type=dir; a\r\ntype=dir; skip\r\ntype=file;size=1; x.txt\r\n',
      'r/a': 'type=dir; b\r\ntype=file;size=1; y.txt\r\n',
      'r/a/b': 'type=file;size=1; z.txt\r\n',
      'r/skip': 'type=file;size=1; never.txt\r\n',
    });
    const all = await list(c, 'r', { recursive: true, exclude: 'skip' });
    assert.deepEqual(all.map((e) => e.rel), ['a', 'x.txt', 'a/b', 'a/y.txt', 'a/b/z.txt']);
    assert.ok(!c.calls.includes('MLSD r/skip'));
    const shallow = await list(c, 'r', { recursive: true, depth: 1, include: '*.txt' });
    assert.deepEqual(shallow.map((e) => e.rel), ['x.txt', 'a/y.txt', 'skip/never.txt']);
    await assert.rejects(list(c, 'r', { recursive: true, maxEntries: 3 }), /more than 3 entries/);
    await assert.rejects(list(c, 'r', { method: 'ftp' }), (e) => e.kind === 'input');
  });
  it('an aborted signal stops the walk before the next listing', async () => {
    const c = fake({ r: 'type=dir; a\r\n' });
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(list(c, 'r', { recursive: true, signal: ac.signal }), (e) => e.kind === 'aborted');
    assert.deepEqual(c.calls, []);
  });
  it('followLinks over LIST: a link to a folder walked already is not entered again, a link above itself is a loop, a link to a file is a file', async () => {
    const { FtpError } = require('../../nodes/lib');
    const tree = {
      '/r': 'drwxr-xr-x 2 u g 0 Jan  1 00:00 d\r\nlrwxrwxrwx 1 u g 1 Jan  1 00:00 up -> .\r\nlrwxrwxrwx 1 u g 1 Jan  1 00:00 alias -> d\r\nlrwxrwxrwx 1 u g 1 Jan  1 00:00 f -> /r/d/x\r\n',
      '/r/d': '-rw-r--r-- 1 u g 1 Jan  1 00:00 x\r\nlrwxrwxrwx 1 u g 1 Jan  1 00:00 back -> ../..\r\n',
    };
    const c = Object.assign(new FakeClient(), {
      calls: [],
      async listRaw(verb, dir) {
        this.calls.push(`${verb} ${dir}`);
        return tree[dir] ?? '';
      },
      async cwd(d) {
        this.calls.push(`CWD ${d}`);
        if (!(d in tree) && d !== '/' && d !== '/r/alias') throw new FtpError('550 not a directory', { kind: 'reply', code: 550 });
        this.cwdAt = d;
      },
    });
    const all = await list(c, '/r', { recursive: true, followLinks: true });
    const by = Object.fromEntries(all.map((e) => [e.rel, e]));
    assert.deepEqual(Object.keys(by).sort(), ['alias', 'd', 'd/back', 'd/x', 'f', 'up']);
    assert.equal(by.up.loop, true);
    assert.equal(by['d/back'].loop, true);
    assert.equal(by.alias.loop, true, 'a link to a folder walked already is not walked again');
    assert.equal(by.f.linkTo, 'file');
    assert.equal(c.cwdAt, '/');
    assert.ok(!c.calls.includes('LIST /r/alias'), 'the folder behind the link was walked already');
    assert.equal(resolveTarget('/a/b', '../c/'), '/a/c');
    assert.equal(resolveTarget('/a/b', '/x/./y'), '/x/y');
    assert.equal(resolveTarget('', 'x/..'), '.');
  });
});
