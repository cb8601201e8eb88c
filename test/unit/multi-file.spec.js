'use strict';
// The decisions multi-file get/put and ftps-watch's claim make before any
// session is used: glob paths split, unsafe names, skip rules, options,
// claim names and when a claim is stale.
const assert = require('node:assert/strict');
const { splitGlobPath } = require('../../nodes/lib');
const { unsafeName, readMultiOptions } = require('../../nodes/nodes/multi-options');
const { optionProblem } = require('../../nodes/nodes/options');
const { shouldSkip } = require('../../nodes/nodes/multi-file');
const { claimInstance, claimPathFor, parseClaim, ClaimTracker, isClaimName } = require('../../nodes/nodes/watch-claim');

describe('multi-file: glob paths', () => {
  it('lists from the longest literal prefix and matches the rest', () => {
    assert.deepEqual(splitGlobPath('logs/*.csv'), { dir: 'logs', pattern: '*.csv', depth: 0 });
    assert.deepEqual(splitGlobPath('/d/*/x.csv'), { dir: '/d', pattern: '*/x.csv', depth: 1 });
    assert.deepEqual(splitGlobPath('/*.csv'), { dir: '/', pattern: '*.csv', depth: 0 });
    assert.deepEqual(splitGlobPath('*.csv'), { dir: '', pattern: '*.csv', depth: 0 });
    assert.deepEqual(splitGlobPath('/plain/dir'), { dir: '/plain/dir', pattern: '', depth: 0 });
  });
});

describe('multi-file: names that would escape the target', () => {
  it('refuses .., separators inside a name, absolute paths, names too long', () => {
    assert.equal(unsafeName('a/b.txt', 'b.txt'), null);
    assert.match(unsafeName('../x', 'x'), /"\."|\.\./);
    assert.match(unsafeName('a/../../x'), /\.\./);
    assert.match(unsafeName('a/b', 'a/b'), /inside a name/);
    assert.match(unsafeName('a\\b'), /\\/);
    assert.match(unsafeName('/etc/passwd'), /absolute/);
    assert.match(unsafeName('C:/x'), /absolute/);
    assert.match(unsafeName('x'.repeat(256)), /too long/);
    assert.equal(unsafeName('x'.repeat(255)), null);
    assert.match(unsafeName('ä'.repeat(128)), /too long/, 'bytes, not characters');
    assert.match(unsafeName('a\0b'), /NUL/);
  });
});

describe('multi-file: skip rules', () => {
  const t = (s) => new Date(s * 1000);
  it('same: size and time to the second; older: target at least as new', () => {
    assert.equal(shouldSkip('none', { size: 1, time: t(5) }, { size: 1, time: t(5) }), false);
    assert.equal(shouldSkip('same', { size: 1, time: t(5) }, { size: 1, time: new Date(5900) }), true);
    assert.equal(shouldSkip('same', { size: 1, time: t(5) }, { size: 2, time: t(5) }), false);
    assert.equal(shouldSkip('same', { size: 1, time: t(5) }, { size: 1, time: t(6) }), false);
    assert.equal(shouldSkip('same', { size: 1, time: t(5) }, null), false);
    assert.equal(shouldSkip('older', { size: 1, time: t(5) }, { size: 9, time: t(5) }), true);
    assert.equal(shouldSkip('older', { size: 1, time: t(6) }, { size: 1, time: t(5) }), false);
    assert.equal(shouldSkip('older', { size: 1, time: null }, { size: 1, time: t(5) }), false, 'no source time: transfer');
  });
});

describe('multi-file: options', () => {
  it('contract defaults; unknown enumerated values and junk numbers are recorded for optionProblem()', () => {
    assert.deepEqual(readMultiOptions({}), { recursive: false, skip: 'none', deleteExtraneous: false, concurrency: 1, dot: false });
    assert.deepEqual(readMultiOptions({ recursive: 'true', skip: 'older', deleteExtraneous: true, concurrency: '4' }), { recursive: true, skip: 'older', deleteExtraneous: true, concurrency: 4, dot: false });
    const bad = { skip: 'newer' };
    readMultiOptions(bad);
    assert.match(optionProblem(bad), /skip: unknown value "newer"/);
    const zero = { concurrency: 0 };
    readMultiOptions(zero);
    assert.match(optionProblem(zero), /concurrency/);
    assert.strictEqual(optionProblem({}), undefined);
  });
});

describe('ftps-watch claim names', () => {
  it('instances are unique per node and process and hold no dot', () => {
    const a = claimInstance('abc.def');
    assert.doesNotMatch(a, /\./);
    assert.notEqual(a, claimInstance('abc.def'));
  });
  it('a claim sits beside the file and gives back its original path', () => {
    const p = claimPathFor('n1-7-ab', '/in/sub/a.b.csv');
    assert.equal(p, '/in/sub/.ftps-claim.n1-7-ab.a.b.csv');
    assert.ok(isClaimName('.ftps-claim.n1-7-ab.a.b.csv'));
    assert.deepEqual(parseClaim(p), { instance: 'n1-7-ab', original: '/in/sub/a.b.csv' });
    assert.equal(parseClaim('/in/a.csv'), null);
    assert.equal(parseClaim('/in/.ftps-claim.x'), null);
  });
  it('stale only when older than the timeout in two polls in a row with the same time', () => {
    const tr = new ClaimTracker(60_000);
    const now = Date.parse('2026-01-01T01:00:00Z');
    const old = { path: '/in/.ftps-claim.x.a', modified: '2026-01-01T00:00:00.000Z' };
    const fresh = { path: '/in/.ftps-claim.y.b', modified: '2026-01-01T00:59:30.000Z' };
    assert.deepEqual(tr.poll([old, fresh], now), []);
    assert.deepEqual(tr.poll([old, fresh], now + 1000), ['/in/.ftps-claim.x.a']);
    // a claim refreshed between polls (renamed, then its time set) starts over
    const tr2 = new ClaimTracker(60_000);
    tr2.poll([old], now);
    assert.deepEqual(tr2.poll([{ ...old, modified: '2026-01-01T00:59:59.000Z' }], now + 1000), []);
  });
});
