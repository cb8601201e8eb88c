'use strict';
const assert = require('node:assert/strict');
const { parseDosLine, parseDos } = require('../../nodes/lib/listing');

const iso = (d) => (d === null ? null : d.toISOString());

describe('listing: DOS / IIS', () => {
  it('reads a directory line', () => {
    const e = parseDosLine('01-02-24  10:11AM       <DIR>          docs', '/d');
    assert.deepEqual(
      [e.name, e.path, e.type, e.size, iso(e.modified), e.permissions, e.raw],
      ['docs', '/d/docs', 'dir', null, '2024-01-02T10:11:00.000Z', null, '01-02-24  10:11AM       <DIR>          docs'],
    );
    assert.ok(!('owner' in e) && !('target' in e) && !('facts' in e));
  });

  it('reads a file line with a four-digit year', () => {
    const e = parseDosLine('01-02-2024  10:11PM                 1234 report.pdf');
    assert.deepEqual([e.name, e.type, e.size, iso(e.modified)], ['report.pdf', 'file', 1234, '2024-01-02T22:11:00.000Z']);
  });

  it('reads 24-hour times, with and without seconds', () => {
    assert.equal(iso(parseDosLine('01-02-24  22:11       1234 x').modified), '2024-01-02T22:11:00.000Z');
    assert.equal(iso(parseDosLine('01-02-2024  00:05:09       1 x').modified), '2024-01-02T00:05:09.000Z');
  });

  it('handles 12AM and 12PM, and a space before AM/PM', () => {
    assert.equal(iso(parseDosLine('06-10-24  12:30AM    1 x').modified), '2024-06-10T00:30:00.000Z');
    assert.equal(iso(parseDosLine('06-10-24  12:30PM    1 x').modified), '2024-06-10T12:30:00.000Z');
    assert.equal(iso(parseDosLine('06-10-24  01:30 pm    1 x').modified), '2024-06-10T13:30:00.000Z');
  });

  it('reads two-digit years 70-99 as 19xx and the rest as 20xx', () => {
    const cases = [['70', 1970], ['99', 1999], ['00', 2000], ['24', 2024], ['69', 2069]];
    for (const [yy, year] of cases) {
      assert.equal(parseDosLine(`01-02-${yy}  10:11AM  1 x`).modified.getUTCFullYear(), year, yy);
    }
  });

  it('keeps spaces in names, and leading spaces in file names', () => {
    assert.equal(parseDosLine('01-02-24  10:11AM       <DIR>          Program Files (x86)').name, 'Program Files (x86)');
    assert.equal(parseDosLine('01-02-24  10:11AM                 1234 my  file .txt').name, 'my  file .txt');
    assert.equal(parseDosLine('01-02-24  10:11AM                 1234   two leading').name, '  two leading');
    assert.equal(parseDosLine('01-02-24  10:11AM                 1234 Résumé 日本.txt').name, 'Résumé 日本.txt');
  });

  it('reads sizes with thousands separators and gives null past 2^53', () => {
    assert.equal(parseDosLine('01-02-24  10:11AM   1,234,567 x').size, 1234567);
    assert.equal(parseDosLine('01-02-24  10:11AM   99999999999999999999 x').size, null);
  });

  it('reads links with their target as Windows dir shows them', () => {
    const j = parseDosLine('01-02-24  10:11AM    <JUNCTION>     Documents [C:\\Users\\me\\Documents]');
    assert.deepEqual([j.type, j.name, j.target, j.size], ['link', 'Documents', 'C:\\Users\\me\\Documents', null]);
    const s = parseDosLine('01-02-24  10:11AM    <SYMLINKD>     lib [..\\shared lib]');
    assert.deepEqual([s.type, s.name, s.target], ['link', 'lib', '..\\shared lib']);
    assert.equal(parseDosLine('01-02-24  10:11AM    <SYMLINK>     plain').name, 'plain');
  });

  it('gives null modified for impossible dates and times, keeping the entry', () => {
    for (const text of ['13-02-24  10:11AM  1 x', '02-30-24  10:11AM  1 x', '01-02-24  13:11PM  1 x', '01-02-24  00:11AM  1 x', '01-02-24  25:00  1 x']) {
      const e = parseDosLine(text);
      assert.deepEqual([e.name, e.modified], ['x', null], text);
    }
  });

  it('gives null for lines that are not DOS entries', () => {
    for (const text of [
      '', '   ', '01-02-24  10:11AM       <DIR>', '01-02-24  10:11AM       <DIR>          ', '01-02-24  10:11AM  1234',
      '01-02-24  10:11AM  1234 ', '01-02-24 x', 'hello', '-rw-r--r-- 1 a b 5 Jan 02 10:11 x', '01-02-24  10:11AM  <FOO> x',
      'type=file;size=1; x',
    ]) {
      assert.equal(parseDosLine(text), null, JSON.stringify(text));
    }
  });

  it('parseDos skips blank lines, keeps unknown lines as other and drops "." and ".."', () => {
    const text = '01-02-24  10:11AM <DIR> .\r\n\r\n01-02-24  10:11AM <DIR> ..\r\n01-02-24  10:11AM 5 a\r\nVolume in drive C\r\n';
    const entries = parseDos(text, 'd');
    assert.deepEqual(entries.map((e) => [e.name, e.type, e.path]), [['a', 'file', 'd/a'], ['Volume in drive C', 'other', 'd/Volume in drive C']]);
    assert.equal(parseDos(text, 'd', { keepDotEntries: true }).length, 4);
  });
});
