'use strict';
// Each listing under test/fixtures/listings/ is parsed and compared with its
// .expected.json: exact entries, by parseList and by the format's own parser.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const listing = require('../../nodes/lib/listing');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'listings');

// The fields the expected files pin down; optional ones only when present.
function project(e) {
  const o = {
    name: e.name,
    path: e.path,
    type: e.type,
    size: e.size,
    modified: e.modified === null ? null : e.modified.toISOString(),
    permissions: e.permissions,
  };
  if (e.target !== undefined) o.target = e.target;
  if (e.owner !== undefined) o.owner = e.owner;
  if (e.group !== undefined) o.group = e.group;
  return o;
}

const toLf = (text) => text.replace(/\r\n/g, '\n');
const toCrlf = (text) => toLf(text).replace(/\n/g, '\r\n');

const cases = fs.readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.expected.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')));

describe('listing fixtures', () => {
  it('has a fixture for every server the parsers are written for', () => {
    const names = cases.map((c) => c.listing);
    for (const want of [
      'vsftpd-list.txt', 'proftpd-list.txt', 'proftpd-mlsd.txt', 'pureftpd-list.txt', 'pureftpd-mlsd.txt',
      'pyftpdlib-list.txt', 'pyftpdlib-mlsd.txt', 'filezilla-server-list.txt', 'filezilla-server-mlsd.txt',
      'iis-dos-list.txt', 'vms-list.txt',
    ]) assert.ok(names.includes(want), want);
  });

  for (const c of cases) {
    describe(c.listing, () => {
      const text = fs.readFileSync(path.join(FIXTURES, c.listing), 'utf8');
      const opts = { now: new Date(c.now) };

      it('parseList gives exactly the expected entries', () => {
        assert.deepEqual(listing.parseList(text, c.dir, opts).map(project), c.entries);
      });

      if (c.parser) {
        it(`${c.parser} agrees with parseList`, () => {
          assert.deepEqual(listing[c.parser](text, c.dir, opts).map(project), c.entries);
        });
      }

      it('reads the same from LF and CRLF text', () => {
        const lf = listing.parseList(toLf(text), c.dir, opts);
        const crlf = listing.parseList(toCrlf(text), c.dir, opts);
        assert.deepEqual(crlf, lf);
      });

      it('keeps each line, without its terminator, as raw', () => {
        const lines = toLf(text).split('\n');
        for (const e of listing.parseList(text, c.dir, opts)) {
          assert.ok(lines.includes(e.raw), JSON.stringify(e.raw));
          assert.ok(!/[\r\n]/.test(e.raw));
        }
      });
    });
  }

  describe('VMS listing', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'vms-list.txt'), 'utf8');

    it('crashes no parser, whole or line by line', () => {
      for (const fn of ['parseList', 'parseMlsd', 'parseUnix', 'parseDos', 'parseNlst']) {
        assert.ok(Array.isArray(listing[fn](text, '/pub')), fn);
      }
      for (const line of text.split('\n')) {
        listing.parseMlsdLine(line);
        listing.parseUnixLine(line);
        listing.parseDosLine(line);
        listing.parseNlstLine(line);
      }
      assert.equal(listing.parseMlstReply(text), null);
    });

    it('comes back as type other with the lines kept', () => {
      const entries = listing.parseList(text, '/pub');
      assert.equal(entries.length, 6);
      for (const e of entries) {
        assert.equal(e.type, 'other');
        assert.equal(e.name, e.raw.trim());
      }
      assert.equal(entries[1].raw, 'FOO.TXT;1             2/4      2-JAN-2024 10:11:12  [GROUP,OWNER]  (RWED,RWED,RE,)');
    });
  });

  describe('self and parent entries', () => {
    const now = new Date('2024-06-15T12:00:00Z');

    it('MLSD cdir/pdir come back as dirs flagged by facts.type when asked for', () => {
      const text = fs.readFileSync(path.join(FIXTURES, 'proftpd-mlsd.txt'), 'utf8');
      const all = listing.parseMlsd(text, '/pub', { keepDotEntries: true });
      const [cdir, pdir] = all;
      assert.deepEqual([cdir.name, cdir.path, cdir.type, cdir.facts.type], ['.', '/pub', 'dir', 'cdir']);
      assert.deepEqual([pdir.name, pdir.path, pdir.type, pdir.facts.type], ['..', '/pub/..', 'dir', 'pdir']);
      assert.ok(listing.isSelfOrParent(cdir) && listing.isSelfOrParent(pdir));
      assert.equal(all.filter(listing.isSelfOrParent).length, 2);
      assert.equal(listing.parseList(text, '/pub', { keepDotEntries: true }).length, all.length);
    });

    it("LIST '.' and '..' come back when asked for", () => {
      const text = fs.readFileSync(path.join(FIXTURES, 'pureftpd-list.txt'), 'utf8');
      const names = listing.parseUnix(text, '/pub', { now, keepDotEntries: true }).map((e) => e.name);
      assert.deepEqual(names.slice(0, 2), ['.', '..']);
      assert.equal(listing.parseList(text, '/pub', { now, keepDotEntries: true }).length, names.length);
    });
  });
});
