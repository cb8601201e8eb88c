'use strict';
const assert = require('node:assert/strict');
const listing = require('../../nodes/lib/listing');
const { assertEntry } = require('../support/listing-entry');
const { withCpuMs } = require('../support/cpu-time');

const { parseList, parseListLine, joinPath } = listing;
const iso = (d) => (d === null ? null : d.toISOString());
const NOW = new Date('2024-06-15T12:00:00Z');

describe('listing: parseList', () => {
  describe('joinPath', () => {
    it('joins with one slash, and gives the bare name for an empty dir', () => {
      assert.equal(joinPath('', 'a'), 'a');
      assert.equal(joinPath('/', 'a'), '/a');
      assert.equal(joinPath('/pub', 'a'), '/pub/a');
      assert.equal(joinPath('/pub/', 'a'), '/pub/a');
      assert.equal(joinPath('rel', 'a b'), 'rel/a b');
    });
  });

  describe('format detection', () => {
    it('reads MLSD, Unix and DOS lines mixed in one listing', () => {
      const text = [
        'type=file;size=1;modify=20240102030405; m.txt',
        '-rw-r--r-- 1 a b 2 Jan 02 10:11 u.txt',
        '01-02-24  10:11AM                    3 d.txt',
        'something else',
      ].join('\n');
      assert.deepEqual(
        parseList(text, '/x', { now: NOW }).map((e) => [e.name, e.type, e.size, iso(e.modified)]),
        [
          ['m.txt', 'file', 1, '2024-01-02T03:04:05.000Z'],
          ['u.txt', 'file', 2, '2024-01-02T10:11:00.000Z'],
          ['d.txt', 'file', 3, '2024-01-02T10:11:00.000Z'],
          ['something else', 'other', null, null],
        ],
      );
    });

    it('gives exactly the fallback entry for a line no parser understands', () => {
      assert.deepEqual(parseList('  what is this?  ', '/x'), [{
        name: 'what is this?', path: '/x/what is this?', type: 'other', size: null, modified: null, permissions: null, raw: '  what is this?  ',
      }]);
    });

    it('does not take a leading-space line for fact-less MLSD', () => {
      const e = parseListLine(' -rw-r--r-- 1 a b 2 Jan 02 10:11 u.txt', '', { now: NOW });
      assert.deepEqual([e.name, e.type, e.size], ['u.txt', 'file', 2]);
    });

    it('skips blank and total lines, accepts CRLF, LF and a byte order mark', () => {
      const lines = ['total 8', '', '-rw-r--r-- 1 a b 2 Jan 02 10:11 u.txt', '   ', 'type=dir; d'];
      const lf = parseList(lines.join('\n'), '', { now: NOW });
      assert.deepEqual(lf.map((e) => e.name), ['u.txt', 'd']);
      assert.deepEqual(parseList(lines.join('\r\n'), '', { now: NOW }), lf);
      assert.deepEqual(parseList(`\ufeff${lines.join('\r\n')}\r\n`, '', { now: NOW }), lf);
    });

    it('keeps a lone CR, which is legal in a Unix name', () => {
      const [e] = parseList('-rw-r--r-- 1 a b 2 Jan 02 10:11 odd\rname\n', '', { now: NOW });
      assert.equal(e.name, 'odd\rname');
    });

    it("drops '.', '..', cdir and pdir unless asked", () => {
      const text = 'type=cdir; /pub\ntype=pdir; /\ntype=dir; .\n-rw-r--r-- 1 a b 2 Jan 02 10:11 ..\nx\n';
      assert.deepEqual(parseList(text, '/pub', { now: NOW }).map((e) => e.name), ['x']);
      assert.equal(parseList(text, '/pub', { now: NOW, keepDotEntries: true }).length, 5);
    });

    it('parseListLine gives null only for blank, total and multi-line text', () => {
      assert.equal(parseListLine(''), null);
      assert.equal(parseListLine(' \t '), null);
      assert.equal(parseListLine('total 0'), null);
      assert.equal(parseListLine('a\nb'), null);
      assert.equal(parseListLine('x').type, 'other');
      assert.equal(parseListLine('x\r\n').raw, 'x');
    });

    it('line parsers refuse text of several lines rather than mix them into one entry', () => {
      assert.equal(listing.parseMlsdLine('type=file; a\nb'), null);
      assert.equal(listing.parseUnixLine('-rw-r--r-- 1 a b 2 Jan 02 10:11 a\nb', '', { now: NOW }), null);
      assert.equal(listing.parseDosLine('01-02-24  10:11AM  1 a\nb'), null);
      assert.equal(listing.parseNlstLine('a\nb'), null);
      assert.equal(listing.parseNlstLine('a\n').name, 'a');
    });
  });

  describe('hostile input', () => {
    const hostile = [
      '', ' ', '\t', '\r', '\r\n', '\0', '\u00a0', '\ufeff', ';', '; ', ' ; ', '=', '=;', 'a=b', 'a=b;', 'type=file;', 'type=file; ',
      'type=file;size=1;modify=20240102030405;', 'type=file;size=1;modify=20240102030405; ', ';;;; x', 'size=;type=;modify=; x',
      '-', 'd', '-rw-r--r--', '-rw-r--r-- 1', '-rw-r--r-- 1 a', '-rw-r--r-- 1 a b', '-rw-r--r-- 1 a b 5', '-rw-r--r-- 1 a b 5 Jan',
      '-rw-r--r-- 1 a b 5 Jan 02', '-rw-r--r-- 1 a b 5 Jan 02 10:11', 'lrwxrwxrwx 1 a b 5 Jan 02 10:11 -> x', 'lrwxrwxrwx 1 a b 5 Jan 02 10:11  -> ',
      'crw-rw-rw- 1 a b 1, Jan 02 10:11 x', 'crw-rw-rw- 1 a b , 3 Jan 02 10:11 x', '01', '01-02-24', '01-02-24  10:11AM', '01-02-24  10:11AM <DIR>',
      '99-99-99  99:99PM 9 x', '-rw-r--r-- 1 a b 184467440737095516150 Jan 02 10:11 big', 'type=file;size=18446744073709551616; big',
      'type=file;modify=99999999999999.9999999999; x', 'total', 'total 1 2', 'TOTAL 5',
      '\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\u000b\f\u000e\u000f', '\ud800', '\udfff x', '\ud83d\ude00',
    ];

    it('never throws and always returns well-formed entries', () => {
      for (const text of hostile) {
        for (const dir of ['', '/', '/pub']) {
          const entries = parseList(text, dir, { now: NOW });
          assert.ok(Array.isArray(entries));
          for (const e of entries) assertEntry(e, JSON.stringify(text));
        }
      }
    });

    it('gives no size rather than a wrong one past 2^53', () => {
      const [unix] = parseList('-rw-r--r-- 1 a b 184467440737095516150 Jan 02 10:11 big', '', { now: NOW });
      assert.deepEqual([unix.name, unix.type, unix.size], ['big', 'file', null]);
      const [mlsd] = parseList('type=file;size=18446744073709551616; big');
      assert.deepEqual([mlsd.name, mlsd.type, mlsd.size], ['big', 'file', null]);
    });

    it('takes "type=file; " with an empty name as an unknown line', () => {
      assert.deepEqual(parseList('type=file; '), [{
        name: 'type=file;', path: 'type=file;', type: 'other', size: null, modified: null, permissions: null, raw: 'type=file; ',
      }]);
    });

    it('takes a line of facts only as an unknown line', () => {
      const [e] = parseList('type=file;size=1;modify=20240102030405;');
      assert.deepEqual([e.type, e.name, e.size], ['other', 'type=file;size=1;modify=20240102030405;', null]);
    });

    it('keeps every truncation of a valid line well-formed', () => {
      const full = [
        '-rw-r--r--    1 alice    staff        1234 Jan 02 10:11 report.pdf',
        'lrwxrwxrwx    1 alice    staff          23 Jun  3 07:15 current -> /srv/ftp',
        'crw-rw-rw-    1 root     root       1,   3 Jan  2 10:11 null',
        'modify=20240102030405.123;perm=adfrw;size=1234;type=file;UNIX.mode=0644; report.pdf',
        'type=OS.unix=slink:/target;size=3; l',
        '01-02-24  10:11AM       <DIR>          docs',
        '01-02-2024  10:11PM                 1234 report.pdf',
        '-rw-r--r-- 1 a b 5 2024-01-02 10:11:12.123456789 +0100 iso',
      ];
      for (const line of full) {
        for (let n = 0; n <= line.length; n++) {
          const cut = line.slice(0, n);
          for (const e of parseList(cut, '/d', { now: NOW })) assertEntry(e, JSON.stringify(cut));
        }
      }
    });

    it('parses 10,000-character lines quickly', () => {
      const long = [
        'a'.repeat(10000),
        ' '.repeat(10000),
        'Jan 1 '.repeat(1667),
        '1 '.repeat(5000),
        'x=y;'.repeat(2500),
        '; '.repeat(5000),
        `-rw-r--r-- 1 a b 5 Jan 02 10:11 ${'n'.repeat(10000)}`,
        `-rw-r--r-- ${'1 '.repeat(5000)}`,
        `-rw-r--r-- 1 a b ${'5 Jan 02 '.repeat(1200)}`,
        `type=file;size=5; ${'; '.repeat(5000)}`,
        `${'type=file;'.repeat(1000)} x`,
        `01-02-24  10:11AM  ${'9'.repeat(10000)} x`,
        `01-02-24  10:11AM    <SYMLINK>     ${' ['.repeat(5000)}]`,
        `lrwxrwxrwx 1 a b 5 Jan 02 10:11 ${' -> '.repeat(2500)}`,
        `-rw-r--r-- 1 a b 5 Jan 02 10:11 ${'/'.repeat(10000)}x`,
        `${'/'.repeat(10000)}x`,
        `type=file;size=1; ${'/'.repeat(10000)}`,
      ];
      for (const line of long) {
        const [entries, ms] = withCpuMs(() => parseList(line, '/d', { now: NOW }));
        for (const e of entries) assertEntry(e, line.slice(0, 40));
        assert.ok(ms < 500, `${line.slice(0, 40)}... took ${ms} ms of CPU`);
      }
    });

    it('survives binary garbage', () => {
      const bytes = Buffer.alloc(4096);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) % 256;
      for (const text of [bytes.toString('latin1'), bytes.toString('utf8'), bytes.toString('binary').replace(/\n/g, '')]) {
        for (const e of parseList(text, '/d', { now: NOW })) assertEntry(e, 'binary');
      }
    });

    it('accepts a Buffer or nothing from JavaScript callers', () => {
      const [e] = parseList(Buffer.from('type=file;size=1; Résumé.txt\r\n'), '/d');
      assert.equal(e.name, 'Résumé.txt');
      assert.deepEqual(parseList(undefined), []);
      assert.deepEqual(parseList(null), []);
      assert.deepEqual(parseList('x', undefined, null).map((x) => x.path), ['x']);
      assert.equal(parseListLine(undefined), null);
    });
  });
});
