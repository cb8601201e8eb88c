'use strict';
const assert = require('node:assert/strict');
const { parseNlstLine, parseNlst } = require('../../nodes/lib/listing');

describe('listing: NLST', () => {
  it('gives type other with nothing else known', () => {
    assert.deepEqual(parseNlstLine('report.pdf', '/pub'), {
      name: 'report.pdf', path: '/pub/report.pdf', type: 'other', size: null, modified: null, permissions: null, raw: 'report.pdf',
    });
  });

  it('strips a directory prefix from the name and keeps the server path', () => {
    assert.deepEqual(
      parseNlst('sub/a.txt\r\nsub/b c.txt\r\n', 'sub').map((e) => [e.name, e.path]),
      [['a.txt', 'sub/a.txt'], ['b c.txt', 'sub/b c.txt']],
    );
    assert.deepEqual(
      parseNlst('/pub/x/a.txt\n', '/pub/x').map((e) => [e.name, e.path]),
      [['a.txt', '/pub/x/a.txt']],
    );
  });

  it('takes the line verbatim, spaces and non-ASCII included', () => {
    assert.deepEqual(parseNlst('  lead\ntrail  \nRésumé 日本.txt\n', '').map((e) => e.name), ['  lead', 'trail  ', 'Résumé 日本.txt']);
  });

  it('reads a trailing slash as a directory', () => {
    const e = parseNlstLine('docs/', '/pub');
    assert.deepEqual([e.name, e.path, e.type], ['docs', '/pub/docs', 'dir']);
    assert.deepEqual([parseNlstLine('a/b/').name, parseNlstLine('a/b/').path], ['b', 'a/b']);
  });

  it("skips blank lines and drops '.' and '..' unless asked", () => {
    const text = '.\r\n..\r\n\r\n   \r\nfile\r\n';
    assert.deepEqual(parseNlst(text).map((e) => e.name), ['file']);
    assert.deepEqual(parseNlst(text, '', { keepDotEntries: true }).map((e) => e.name), ['.', '..', 'file']);
    assert.equal(parseNlstLine(''), null);
    assert.equal(parseNlstLine('  '), null);
  });
});
