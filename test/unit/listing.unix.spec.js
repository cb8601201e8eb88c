'use strict';
const assert = require('node:assert/strict');
const { parseUnixLine, parseUnix } = require('../../nodes/lib/listing');

const iso = (d) => (d === null ? null : d.toISOString());
const NOW = new Date('2024-06-15T12:00:00Z');
const line = (rest) => `-rw-r--r--    1 alice    staff        1234 ${rest}`;
const parse = (text, opts = { now: NOW }) => parseUnixLine(text, '/d', opts);

describe('listing: Unix ls -l', () => {
  describe('columns', () => {
    it('reads a plain file line', () => {
      const e = parse('-rw-r--r--    1 alice    staff        1234 Jan 02 10:11 report.pdf');
      assert.deepEqual(
        [e.name, e.path, e.type, e.size, iso(e.modified), e.permissions, e.owner, e.group],
        ['report.pdf', '/d/report.pdf', 'file', 1234, '2024-01-02T10:11:00.000Z', 'rw-r--r--', 'alice', 'staff'],
      );
      assert.equal(e.raw, '-rw-r--r--    1 alice    staff        1234 Jan 02 10:11 report.pdf');
      assert.equal(e.target, undefined);
      assert.equal(e.facts, undefined);
    });

    it('maps the type character', () => {
      const cases = [['-', 'file'], ['d', 'dir'], ['l', 'link'], ['b', 'other'], ['c', 'other'], ['p', 'other'], ['s', 'other'], ['D', 'other'], ['?', 'other']];
      for (const [c, type] of cases) {
        assert.equal(parse(`${c}rw-r--r-- 1 a b 0 Jan 02 10:11 x`).type, type, c);
      }
    });

    it('takes permissions with setuid, sticky and ACL/xattr/SELinux markers', () => {
      assert.equal(parse('-rwsr-sr-t 1 a b 0 Jan 02 10:11 x').permissions, 'rwsr-sr-t');
      assert.equal(parse('drwxrwxrwT 1 a b 0 Jan 02 10:11 x').permissions, 'rwxrwxrwT');
      for (const marker of ['+', '@', '.']) {
        const e = parse(`-rw-r--r--${marker} 1 a b 5 Jan 02 10:11 x`);
        assert.equal(e.permissions, 'rw-r--r--', marker);
        assert.equal(e.size, 5, marker);
      }
    });

    it('reads numeric owners, owner without group, and no owner at all', () => {
      const numeric = parse('-rw-r--r--    1 1000     1000            5 Jan 02 10:11 x');
      assert.deepEqual([numeric.owner, numeric.group, numeric.size], ['1000', '1000', 5]);
      const ownerOnly = parse('-rw-r--r--    1 alice            5 Jan 02 10:11 x');
      assert.deepEqual([ownerOnly.owner, ownerOnly.group, ownerOnly.size], ['alice', undefined, 5]);
      assert.ok(!('group' in ownerOnly));
      const noLinks = parse('-rw-r--r-- alice staff 5 Jan 02 10:11 x');
      assert.deepEqual([noLinks.owner, noLinks.group, noLinks.size], ['alice', 'staff', 5]);
      const bare = parse('-rw-r--r-- 1 5 Jan 02 10:11 x');
      assert.deepEqual([bare.owner, bare.group, bare.size, bare.name], [undefined, undefined, 5, 'x']);
      const sizeOnly = parse('-rw-r--r-- 5 Jan 02 10:11 x');
      assert.deepEqual([sizeOnly.size, sizeOnly.name], [5, 'x']);
    });

    it('reads a group name with a space in it', () => {
      const e = parse('-rw-r--r-- 1 bob Domain Users 5 Jan 02 10:11 x');
      assert.deepEqual([e.owner, e.group], ['bob', 'Domain Users']);
    });

    it('is not fooled by an owner named like a month', () => {
      const e = parse('-rw-r--r-- 1 jan 12 1234 Jan 02 10:11 x');
      assert.deepEqual([e.owner, e.group, e.size, e.name, iso(e.modified)], ['jan', '12', 1234, 'x', '2024-01-02T10:11:00.000Z']);
      const may = parse('-rw-r--r-- 1 may 2024 1234 Jan 02 10:11 y');
      assert.deepEqual([may.owner, may.group, may.size, may.name], ['may', '2024', 1234, 'y']);
    });

    it('reads device files, whose size column holds "major, minor"', () => {
      const chr = parse('crw-rw-rw-    1 root     root       1,   3 Jan  2 10:11 null');
      assert.deepEqual([chr.type, chr.size, chr.name, chr.owner, chr.group], ['other', null, 'null', 'root', 'root']);
      const blk = parse('brw-rw----    1 root     disk       8,0 Jan  2 10:11 sda');
      assert.deepEqual([blk.type, blk.size, blk.name, blk.group], ['other', null, 'sda', 'disk']);
    });

    it('accepts tabs between columns', () => {
      const e = parse('-rw-r--r--\t1\talice\tstaff\t42\tJan\t2\t10:11\tx y');
      assert.deepEqual([e.name, e.size, e.owner], ['x y', 42, 'alice']);
    });

    it('gives null sizes past 2^53 and keeps the entry', () => {
      const e = parse('-rw-r--r-- 1 a b 99999999999999999999 Jan 02 10:11 huge');
      assert.deepEqual([e.size, e.name, e.type], [null, 'huge', 'file']);
      assert.equal(parse('-rw-r--r-- 1 a b 9007199254740991 Jan 02 10:11 max').size, 9007199254740991);
    });
  });

  describe('names', () => {
    it('keeps inner, leading and trailing spaces', () => {
      assert.equal(parse(line('Jan 02 10:11 two  spaces')).name, 'two  spaces');
      assert.equal(parse(line('Jan 02 10:11   two leading')).name, '  two leading');
      assert.equal(parse(line('Jan 02  2023  one leading')).name, ' one leading');
      assert.equal(parse(line('Jan 02 10:11 trailing ')).name, 'trailing ');
    });

    it('keeps non-ASCII names', () => {
      for (const name of ['Résumé.txt', '日本語 ファイル.txt', 'emoji 😀.png', 'Ærø']) {
        const e = parse(line(`Jan 02 10:11 ${name}`));
        assert.equal(e.name, name);
        assert.equal(e.path, `/d/${name}`);
      }
    });

    it('splits a symlink into name and target at the first " -> "', () => {
      const e = parse('lrwxrwxrwx 1 a b 11 Jan 02 10:11 latest -> releases/v1.2');
      assert.deepEqual([e.type, e.name, e.target, e.path], ['link', 'latest', 'releases/v1.2', '/d/latest']);
      assert.equal(parse('lrwxrwxrwx 1 a b 11 Jan 02 10:11 a -> b -> c').target, 'b -> c');
      assert.equal(parse('lrwxrwxrwx 1 a b 11 Jan 02 10:11 my link -> /abs/my target').name, 'my link');
    });

    it('leaves a link without a shown target whole', () => {
      const e = parse('lrwxrwxrwx 1 a b 11 Jan 02 10:11 latest');
      assert.deepEqual([e.type, e.name, e.target], ['link', 'latest', undefined]);
      assert.equal(parse('lrwxrwxrwx 1 a b 11 Jan 02 10:11 a -> ').target, undefined);
    });

    it('keeps " -> " in the name of an entry that is not a link', () => {
      const e = parse(line('Jan 02 10:11 a -> b.txt'));
      assert.deepEqual([e.type, e.name, e.target], ['file', 'a -> b.txt', undefined]);
      assert.equal(parse('drwxr-xr-x 2 a b 4096 Jan 02 10:11 x -> y').name, 'x -> y');
    });

    it('takes the first date as the date when the name looks like one', () => {
      const e = parse(line('Jan 02 10:11 Feb 03  2020 notes'));
      assert.deepEqual([e.name, iso(e.modified)], ['Feb 03  2020 notes', '2024-01-02T10:11:00.000Z']);
    });

    it('splits a name that is a path into name and path', () => {
      const e = parse(line('Jan 02 10:11 sub/dir/file.txt'));
      assert.deepEqual([e.name, e.path], ['file.txt', 'sub/dir/file.txt']);
    });
  });

  describe('dates', () => {
    it('reads "Mon DD  YYYY" as midnight UTC', () => {
      assert.equal(iso(parse(line('Mar 15  2023 x')).modified), '2023-03-15T00:00:00.000Z');
      assert.equal(iso(parse(line('Jan  1  1970 x')).modified), '1970-01-01T00:00:00.000Z');
    });

    it('reads ls --time-style=long-iso and full-iso', () => {
      assert.equal(iso(parse(line('2024-01-02 10:11 x')).modified), '2024-01-02T10:11:00.000Z');
      assert.equal(iso(parse(line('2024-01-02 10:11:12 x')).modified), '2024-01-02T10:11:12.000Z');
      const full = parse(line('2024-01-02 10:11:12.123456789 +0100 my file'));
      assert.deepEqual([iso(full.modified), full.name], ['2024-01-02T09:11:12.123Z', 'my file']);
      assert.equal(iso(parse(line('2024-01-02 10:11:12.000000000 -0530 x')).modified), '2024-01-02T15:41:12.000Z');
      // Without seconds there is no zone column: "+0100" is the name.
      assert.equal(parse(line('2024-01-02 10:11 +0100')).name, '+0100');
    });

    it('reads BSD ls -T ("Mon DD HH:MM:SS YYYY")', () => {
      const e = parse(line('Jan  2 10:11:12 2019 old file'));
      assert.deepEqual([iso(e.modified), e.name], ['2019-01-02T10:11:12.000Z', 'old file']);
    });

    it('reads month names in other spellings', () => {
      const cases = [['Sept', 8], ['June', 5], ['JAN', 0], ['dec', 11], ['Mär', 2], ['Mai', 4], ['Okt', 9], ['Dez', 11]];
      for (const [name, month0] of cases) {
        const e = parse(line(`${name} 02  2023 x`));
        assert.equal(e.modified.getUTCMonth(), month0, name);
      }
    });

    it('gives null for impossible dates, keeping the entry', () => {
      for (const rest of ['Feb 30 10:11 x', 'Feb 29  2023 x', 'Jan 02 24:00 x', 'Jan 02 10:60 x', '2024-13-01 10:11 x', '2024-02-30 10:11 x']) {
        const e = parse(line(rest));
        assert.equal(e.modified, null, rest);
        assert.equal(e.name, 'x', rest);
      }
    });

    it('defaults now to the current time', () => {
      const e = parseUnixLine(line('Jan 02 10:11 x'));
      const days = Math.abs(e.modified.getTime() - Date.now()) / 86400000;
      assert.ok(days < 366, String(days));
    });
  });

  describe('the six-month rule for dates without a year', () => {
    const table = [
      // [now, shown, expected, why]
      ['2024-06-15T12:00:00Z', 'Jan 02 10:11', '2024-01-02T10:11:00.000Z', 'earlier this year'],
      ['2024-06-15T12:00:00Z', 'Jun 16 08:00', '2024-06-16T08:00:00.000Z', 'a day ahead (server clock or zone)'],
      ['2024-06-15T12:00:00Z', 'Dec 13 00:00', '2024-12-13T00:00:00.000Z', 'less than 182 days ahead stays this year'],
      ['2024-06-15T12:00:00Z', 'Dec 24 08:00', '2023-12-24T08:00:00.000Z', 'more than ~6 months ahead is last year'],
      ['2024-12-31T23:00:00Z', 'Dec 31 22:00', '2024-12-31T22:00:00.000Z', "New Year's Eve, an hour ago"],
      ['2024-12-31T23:00:00Z', 'Jan 01 05:00', '2025-01-01T05:00:00.000Z', 'the server already passed New Year'],
      ['2024-12-31T23:00:00Z', 'Jan 03 12:00', '2024-01-03T12:00:00.000Z', 'days into next January is too far: this January'],
      ['2024-12-31T23:00:00Z', 'Jul 01 00:00', '2024-07-01T00:00:00.000Z', 'six months ago'],
      ['2025-01-01T00:30:00Z', 'Dec 31 23:59', '2024-12-31T23:59:00.000Z', 'just after New Year, last night'],
      ['2025-01-01T00:30:00Z', 'Jan 01 00:10', '2025-01-01T00:10:00.000Z', 'just after New Year, twenty minutes ago'],
      ['2025-01-01T00:30:00Z', 'Jan 01 10:00', '2025-01-01T10:00:00.000Z', 'later today by the server clock'],
      ['2025-01-01T00:30:00Z', 'Aug 15 10:00', '2024-08-15T10:00:00.000Z', 'last August'],
      ['2025-01-01T00:30:00Z', 'Jun 29 12:00', '2025-06-29T12:00:00.000Z', 'BSD ls shows up to 182 days ahead without a year'],
      ['2025-03-01T00:00:00Z', 'Feb 29 10:00', '2024-02-29T10:00:00.000Z', 'a leap day in a common year is the last leap year'],
      ['2024-03-01T00:00:00Z', 'Feb 29 10:00', '2024-02-29T10:00:00.000Z', 'a leap day in a leap year'],
    ];
    for (const [now, shown, expected, why] of table) {
      it(`${shown} at ${now}: ${why}`, () => {
        const e = parseUnixLine(line(`${shown} x`), '', { now: new Date(now) });
        assert.equal(iso(e.modified), expected);
      });
    }

    it('accepts now as an ISO string from JavaScript callers', () => {
      const e = parseUnixLine(line('Dec 31 23:59 x'), '', { now: '2025-01-01T00:30:00Z' });
      assert.equal(iso(e.modified), '2024-12-31T23:59:00.000Z');
    });

    it('gives null modified for an invalid now rather than throwing', () => {
      const e = parseUnixLine(line('Jan 02 10:11 x'), '', { now: new Date(NaN) });
      assert.deepEqual([e.name, e.modified], ['x', null]);
    });
  });

  describe('lines that are not entries', () => {
    it('gives null', () => {
      for (const text of [
        '', '   ', 'total 12', '-rw-r--r--', '-rw-r--r-- 1 a b 5 Jan 02 10:11', '-rw-r--r-- 1 a b 5 Jan 02 10:11 ',
        '-rw-r--r-- 1 a b five Jan 02 10:11 x', '-rw-r--r-- 1 a b 5 Jan 32 10:11 x', '-rw-r--r-- 1 a b 5 Foo 02 10:11 x',
        'xrw-r--r--- 1 a b 5 Jan 02 10:11 x', '-rw-r--r-- 1 a b 5 Jan 02 10.11 x', 'hello world this is not ls output at all',
        '01-02-24  10:11AM       <DIR>          docs', 'type=file;size=1; x',
      ]) {
        assert.equal(parse(text), null, JSON.stringify(text));
      }
    });
  });

  describe('parseUnix', () => {
    it("skips total lines and blank lines, drops '.' and '..', keeps the rest", () => {
      const text = [
        'total 24',
        'drwxr-xr-x 4 a b 4096 Jan 02 10:11 .',
        'drwxr-xr-x 8 a b 4096 Jan 02 10:11 ..',
        '',
        '-rw-r--r-- 1 a b 5 Jan 02 10:11 x',
        'some banner line',
      ].join('\n');
      const entries = parseUnix(text, '/d', { now: NOW });
      assert.deepEqual(entries.map((e) => [e.name, e.type]), [['x', 'file'], ['some banner line', 'other']]);
      assert.equal(parseUnix(text, '/d', { now: NOW, keepDotEntries: true }).length, 4);
    });
  });
});
