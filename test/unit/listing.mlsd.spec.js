'use strict';
const assert = require('node:assert/strict');
const { parseMlsdLine, parseMlsd, parseMlstReply, isSelfOrParent } = require('../../nodes/lib/listing');

const iso = (d) => (d === null ? null : d.toISOString());

describe('listing: MLSD', () => {
  describe('parseMlsdLine', () => {
    it('reads the standard facts', () => {
      const e = parseMlsdLine('modify=20240102030405;perm=adfrw;size=1234;type=file;unique=801U1; report.pdf', '/pub');
      assert.equal(e.name, 'report.pdf');
      assert.equal(e.path, '/pub/report.pdf');
      assert.equal(e.type, 'file');
      assert.equal(e.size, 1234);
      assert.equal(iso(e.modified), '2024-01-02T03:04:05.000Z');
      assert.equal(e.permissions, 'adfrw');
      assert.equal(e.raw, 'modify=20240102030405;perm=adfrw;size=1234;type=file;unique=801U1; report.pdf');
      assert.deepEqual(e.facts, { modify: '20240102030405', perm: 'adfrw', size: '1234', type: 'file', unique: '801U1' });
      assert.equal(e.target, undefined);
    });

    it('joins with no directory, and with one ending in a slash', () => {
      assert.equal(parseMlsdLine('type=file; a').path, 'a');
      assert.equal(parseMlsdLine('type=file; a', '/').path, '/a');
      assert.equal(parseMlsdLine('type=file; a', 'x/').path, 'x/a');
    });

    it('takes the name after the first "; ", keeping ";" and spaces in it', () => {
      assert.equal(parseMlsdLine('type=file;size=1; a; b;c d ').name, 'a; b;c d ');
      assert.equal(parseMlsdLine('type=file;size=1;   three leading').name, '  three leading');
      assert.equal(parseMlsdLine('type=file; type=dir; x').name, 'type=dir; x');
    });

    it('keeps spaces inside fact values', () => {
      const e = parseMlsdLine('type=OS.unix=slink:/srv/my files/x;size=5; x');
      assert.equal(e.type, 'link');
      assert.equal(e.target, '/srv/my files/x');
      assert.equal(e.name, 'x');
    });

    it('takes fact names and type values in any case, lowercasing the keys only', () => {
      const e = parseMlsdLine('Type=DIR;Modify=20240102030405;Perm=fle;UNIX.Mode=0755; Docs');
      assert.equal(e.type, 'dir');
      assert.equal(e.permissions, '0755');
      assert.deepEqual(Object.keys(e.facts), ['type', 'modify', 'perm', 'unix.mode']);
      assert.equal(e.facts.type, 'DIR');
      assert.equal(parseMlsdLine('TYPE=File;SIZE=3; f').type, 'file');
      assert.equal(parseMlsdLine('type=CDir; .').type, 'dir');
    });

    it('maps OS-specific and unknown types', () => {
      const cases = [
        ['type=OS.unix=slink:/target', 'link', '/target'],
        ['type=OS.UNIX=SLINK:/Mixed/Case', 'link', '/Mixed/Case'],
        ['type=OS.unix=slink:', 'link', undefined],
        ['type=OS.unix=slink', 'link', undefined],
        ['type=OS.unix=symlink', 'link', undefined],
        ['type=os.unix=SymLink', 'link', undefined],
        ['type=OS.unix=chr-3/4', 'other', undefined],
        ['type=OS.unix=blk', 'other', undefined],
        ['type=OS.unix=fifo', 'other', undefined],
        ['type=OS.vms=whatever', 'other', undefined],
        ['type=weird', 'other', undefined],
        ['type=', 'other', undefined],
        ['size=5', 'other', undefined],
      ];
      for (const [facts, type, target] of cases) {
        const e = parseMlsdLine(`${facts}; n`);
        assert.equal(e.type, type, facts);
        assert.equal(e.target, target, facts);
      }
    });

    it('reads modify with and without fractional seconds, as UTC', () => {
      const cases = [
        ['20240102030405', '2024-01-02T03:04:05.000Z'],
        ['20240102030405.1', '2024-01-02T03:04:05.100Z'],
        ['20240102030405.123', '2024-01-02T03:04:05.123Z'],
        ['20240102030405.123456789', '2024-01-02T03:04:05.123Z'],
        ['20240229235959', '2024-02-29T23:59:59.000Z'],
        ['19700101000000', '1970-01-01T00:00:00.000Z'],
        ['00010101000000', '0001-01-01T00:00:00.000Z'],
      ];
      for (const [value, want] of cases) {
        assert.equal(iso(parseMlsdLine(`type=file;modify=${value}; f`).modified), want, value);
      }
    });

    it('gives null for a modify that is not a valid time, keeping the entry', () => {
      for (const value of ['20241301000000', '20230229000000', '20240102250000', '2024010203040', '2024-01-02', '', 'x', '20240102030405.']) {
        const e = parseMlsdLine(`type=file;size=1;modify=${value}; f`);
        assert.equal(e.modified, null, value);
        assert.equal(e.size, 1);
      }
    });

    it('reads size, or sizd for directories, and null when neither', () => {
      assert.equal(parseMlsdLine('type=dir;sizd=4096; d').size, 4096);
      assert.equal(parseMlsdLine('type=dir;sizd=4096;size=10; d').size, 10);
      assert.equal(parseMlsdLine('type=dir; d').size, null);
      assert.equal(parseMlsdLine('type=file;size=; f').size, null);
      assert.equal(parseMlsdLine('type=file;size=-1; f').size, null);
      assert.equal(parseMlsdLine('type=file;size=1e3; f').size, null);
    });

    it('gives null for sizes past 2^53 but keeps the digits in facts', () => {
      assert.equal(parseMlsdLine('type=file;size=9007199254740991; f').size, 9007199254740991);
      const e = parseMlsdLine('type=file;size=99999999999999999999999; f');
      assert.equal(e.size, null);
      assert.equal(e.facts.size, '99999999999999999999999');
      assert.equal(parseMlsdLine('type=file;size=9007199254740993; f').size, null);
    });

    it('prefers UNIX.mode over perm, and perm alone is used as is', () => {
      assert.equal(parseMlsdLine('type=file;perm=r;UNIX.mode=0640; f').permissions, '0640');
      assert.equal(parseMlsdLine('type=file;perm=adfrw; f').permissions, 'adfrw');
      assert.equal(parseMlsdLine('type=file; f').permissions, null);
    });

    it('takes owner and group from the UNIX facts, names first', () => {
      const named = parseMlsdLine('type=file;UNIX.owner=1000;UNIX.ownername=alice;UNIX.group=20;UNIX.groupname=staff; f');
      assert.deepEqual([named.owner, named.group], ['alice', 'staff']);
      const ids = parseMlsdLine('type=file;UNIX.owner=1000;UNIX.group=20; f');
      assert.deepEqual([ids.owner, ids.group], ['1000', '20']);
      const pure = parseMlsdLine('type=file;UNIX.uid=33;UNIX.gid=44; f');
      assert.deepEqual([pure.owner, pure.group], ['33', '44']);
      const none = parseMlsdLine('type=file; f');
      assert.ok(!('owner' in none) && !('group' in none));
    });

    it('flags cdir and pdir as dirs the caller can drop', () => {
      const cdir = parseMlsdLine('type=cdir;perm=el; .', '/pub');
      assert.deepEqual([cdir.type, cdir.name, cdir.path], ['dir', '.', '/pub']);
      assert.ok(isSelfOrParent(cdir));
      const pdir = parseMlsdLine('type=pdir;perm=el; ..', '/pub');
      assert.deepEqual([pdir.type, pdir.name, pdir.path], ['dir', '..', '/pub/..']);
      assert.ok(isSelfOrParent(pdir));
      assert.equal(parseMlsdLine('type=cdir; .', '').path, '.');
      assert.ok(!isSelfOrParent(parseMlsdLine('type=dir; docs')));
    });

    it('takes a cdir named by its full path apart into name and path', () => {
      const e = parseMlsdLine('type=cdir;modify=20240102030405; /home/alice', '/home/alice');
      assert.deepEqual([e.name, e.path, e.type], ['alice', '/home/alice', 'dir']);
      assert.ok(isSelfOrParent(e));
    });

    it('reads the fact-less form (" name")', () => {
      const e = parseMlsdLine(' plain name', '/d');
      assert.deepEqual([e.name, e.path, e.type, e.size, e.modified, e.permissions], ['plain name', '/d/plain name', 'other', null, null, null]);
      assert.deepEqual(e.facts, {});
    });

    it('drops a trailing line terminator', () => {
      const e = parseMlsdLine('type=file;size=1; f\r\n');
      assert.equal(e.name, 'f');
      assert.equal(e.raw, 'type=file;size=1; f');
    });

    it('gives null for lines that are not MLSD entries', () => {
      for (const line of [
        '', ' ', 'type=file; ', 'type=file;', 'type=file;size=1;', 'just a name', 'type; x', '=x; y',
        'bad name=1; x', 'type=file x', '-rw-r--r-- 1 a b 1 Jan 02 10:11 x', '01-02-24  10:11AM  <DIR>  x',
      ]) {
        assert.equal(parseMlsdLine(line), null, JSON.stringify(line));
      }
    });

    it('does not let a fact named __proto__ touch the prototype', () => {
      const e = parseMlsdLine('__proto__=x;constructor=y;type=file; f');
      assert.equal(Object.getPrototypeOf(e.facts), Object.prototype);
      assert.equal(e.facts.__proto__, 'x');
      assert.equal(e.type, 'file');
      assert.equal(({}).x, undefined);
    });
  });

  describe('parseMlsd', () => {
    const text = [
      'type=cdir;modify=20240102030405; .',
      'type=pdir;modify=20240102030405; ..',
      'type=dir;modify=20240102030405; sub',
      'type=file;size=3;modify=20240102030405; .',
      '',
      'type=file;size=3;modify=20240102030405; a.txt',
      'garbage without facts',
      '',
    ].join('\r\n');

    it("drops cdir, pdir, '.' and '..' by default", () => {
      const names = parseMlsd(text, '/d').map((e) => e.name);
      assert.deepEqual(names, ['sub', 'a.txt', 'garbage without facts']);
    });

    it('keeps them when asked', () => {
      const entries = parseMlsd(text, '/d', { keepDotEntries: true });
      assert.deepEqual(entries.map((e) => e.name), ['.', '..', 'sub', '.', 'a.txt', 'garbage without facts']);
    });

    it('keeps a line that is not MLSD as type other with raw kept', () => {
      const e = parseMlsd(text, '/d').find((x) => x.raw === 'garbage without facts');
      assert.deepEqual(e, {
        name: 'garbage without facts', path: '/d/garbage without facts', type: 'other',
        size: null, modified: null, permissions: null, raw: 'garbage without facts',
      });
    });

    it('returns nothing for empty text', () => {
      assert.deepEqual(parseMlsd(''), []);
      assert.deepEqual(parseMlsd('\r\n\r\n'), []);
    });
  });

  describe('parseMlstReply', () => {
    it('reads the entry line of a full reply, naming it by its path', () => {
      const reply = '250-Listing /pub/report.pdf\r\n type=file;size=1234;modify=20240102030405.5; /pub/report.pdf\r\n250 End\r\n';
      const e = parseMlstReply(reply);
      assert.equal(e.name, 'report.pdf');
      assert.equal(e.path, '/pub/report.pdf');
      assert.equal(e.type, 'file');
      assert.equal(e.size, 1234);
      assert.equal(iso(e.modified), '2024-01-02T03:04:05.500Z');
      assert.equal(e.raw, ' type=file;size=1234;modify=20240102030405.5; /pub/report.pdf');
    });

    it('keeps spaces and ";" in the path', () => {
      const e = parseMlstReply('250-x\n type=dir;perm=el; /pub/my dir; v2\n250 End\n');
      assert.deepEqual([e.name, e.path, e.type], ['my dir; v2', '/pub/my dir; v2', 'dir']);
    });

    it('reads a directory named cdir, and a relative name', () => {
      const cdir = parseMlstReply('250-Listing /pub\r\n type=cdir;modify=20240102030405; /pub\r\n250 End');
      assert.deepEqual([cdir.name, cdir.path, cdir.type], ['pub', '/pub', 'dir']);
      const rel = parseMlstReply('250-Listing a.txt\r\n type=file;size=1; a.txt\r\n250 End');
      assert.deepEqual([rel.name, rel.path], ['a.txt', 'a.txt']);
    });

    it('reads the entry line alone, or a reply that forgot the leading space', () => {
      assert.equal(parseMlstReply('type=file;size=7; /x/y').path, '/x/y');
      assert.equal(parseMlstReply('250-Listing /x/y\ntype=file;size=7; /x/y\n250 End').size, 7);
    });

    it('gives null when there is no entry', () => {
      for (const reply of ['', '250 End', '550 No such file', '250-Listing x\r\n  \r\n250 End', '250-x\n just text\n250 End']) {
        assert.equal(parseMlstReply(reply), null, JSON.stringify(reply));
      }
    });
  });
});
