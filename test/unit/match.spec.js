'use strict';
// The one glob rule (lib/match.ts, the contract's "ftps-list" section): minimatch,
// matched against the path relative to the listed directory, a glob without '/'
// against its last part, dot names only with `dot`, and no glob takes everything.
const assert = require('node:assert/strict');
const { globMatches, anyGlobMatches, asList } = require('../../nodes/lib');

describe('match: the glob rule', () => {
  const cases = [
    // glob, relative path, dot, matches
    ['*.csv', 'a.csv', false, true],
    ['*.csv', 'sub/deep/a.csv', false, true],
    ['*.csv', '.a.csv', false, false],
    ['*.csv', '.a.csv', true, true],
    ['*.csv', 'sub/.a.csv', false, false],
    ['*.csv', 'sub/.a.csv', true, true],
    ['*', '.profile', false, false],
    ['*', '.profile', true, true],
    ['.*', '.profile', false, true],
    ['sub/*.csv', 'sub/a.csv', false, true],
    ['sub/*.csv', 'other/sub/a.csv', false, false],
    ['sub/*.csv', 'sub/.a.csv', false, false],
    ['sub/*.csv', 'sub/.a.csv', true, true],
    ['**/*.csv', 'a/b/c.csv', false, true],
    ['**/*.csv', '.git/c.csv', false, false],
    ['**/*.csv', '.git/c.csv', true, true],
    ['*/x.csv', 'a/x.csv', false, true],
    ['*/x.csv', 'a/b/x.csv', false, false],
    ['f0[0-4]?.dat', 'many/f012.dat', false, true],
    ['f0[0-4]?.dat', 'many/f052.dat', false, false],
    ['{a,b}.txt', 'b.txt', false, true],
  ];
  for (const [glob, rel, dot, want] of cases) {
    it(`"${glob}" ${want ? 'matches' : 'does not match'} "${rel}"${dot ? ' with dot' : ''}`, () => {
      assert.equal(globMatches(glob, rel, { dot }), want);
    });
  }

  it('no glob takes every entry, dot names included', () => {
    assert.equal(globMatches('', '.hidden'), true);
    assert.equal(globMatches('', 'a/.b/c'), true);
  });

  it('dot is off unless asked for', () => {
    assert.equal(globMatches('*.txt', '.x.txt'), false);
    assert.equal(globMatches('*.txt', '.x.txt', {}), false);
  });

  it('anyGlobMatches: any of the globs, with the same dot rule', () => {
    assert.equal(anyGlobMatches(['*.tmp', '*.bak'], 'a/b.bak'), true);
    assert.equal(anyGlobMatches(['*.tmp'], 'a/.b.tmp'), false);
    assert.equal(anyGlobMatches(['*.tmp'], 'a/.b.tmp', { dot: true }), true);
    assert.equal(anyGlobMatches([], 'x'), false);
  });

  it('asList: one glob or several, trimmed, empty ones dropped', () => {
    assert.deepEqual(asList(undefined), []);
    assert.deepEqual(asList(' *.csv '), ['*.csv']);
    assert.deepEqual(asList(['a', '', '  ', 'b ']), ['a', 'b']);
  });
});
