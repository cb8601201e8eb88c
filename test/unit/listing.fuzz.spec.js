'use strict';
// Seeded fuzzing of every listing parser: random lines, lines built from
// listing-like tokens, and mutated fixture lines. Nothing may throw, every
// result must be well-formed, and each parser must stay fast.
// Replay a failure with LISTING_FUZZ_SEED=<seed printed in the message>.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const listing = require('../../nodes/lib/listing');

const { mulberry32, seedFrom } = require('../support/random');
const { assertEntry } = require('../support/listing-entry');
const { withCpuMs } = require('../support/cpu-time');

const SEED = seedFrom('LISTING_FUZZ_SEED');
const PER_KIND = 1500; // random, token and mutated lines each, per parser
const NOW = new Date('2024-12-31T23:00:00Z');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'listings');
const fixtureLines = fs.readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.txt'))
  .flatMap((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8').split(/\r?\n/))
  .filter((l) => l !== '');

const ALPHABETS = [
  ' ', '\t', ';', '=', ':', '-', '/', ',', '.', '<', '>', '[', ']', '\r', '\0',
  '0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'rwxsStTlLdbcps-+@',
  'éüÆø日本語😀', '\u00a0\u2028\ufeff', '\ud800\udfff',
];
const TOKENS = [
  '-rw-r--r--', 'drwxr-xr-x', 'lrwxrwxrwx', 'crw-rw-rw-', '-rw-r--r--+', 'brw-------', '----------',
  '1', '2', '1000', 'ftp', 'alice', 'staff', 'Domain', '1,', '3', '8,0', '0', '4096', '9007199254740993', '99999999999999999999',
  'Jan', 'Feb', 'dec', 'Sept', 'Mär', '01', '2', '29', '31', '32', '10:11', '23:59', '24:00', '10:11:12', '2023', '1970', '9999',
  '2024-01-02', '2024-13-45', '10:11:12.123456789', '+0100', '-0530',
  '01-02-24', '12-31-1999', '10:11AM', '12:00PM', '<DIR>', '<JUNCTION>', '1,234', '[target]',
  '->', 'name', 'a b', '.', '..', 'total',
  'type=file;', 'type=dir;', 'type=cdir;', 'type=OS.unix=slink:/x;', 'size=12;', 'sizd=4096;', 'modify=20240102030405;',
  'modify=20240102030405.5;', 'perm=adfrw;', 'UNIX.mode=0644;', 'unique=801U1;', '__proto__=x;', '=;', ';',
];

function makeGenerators(rand) {
  const int = (n) => Math.floor(rand() * n);
  const pick = (list) => list[int(list.length)];
  const length = () => (rand() < 0.02 ? 1000 + int(9000) : int(120));

  function randomLine() {
    const n = length();
    let s = '';
    for (let i = 0; i < n; i++) {
      if (rand() < 0.05) s += String.fromCharCode(int(0x10000));
      else s += pick(pick(ALPHABETS));
    }
    return s;
  }

  function tokenLine() {
    const n = 1 + int(rand() < 0.02 ? 2000 : 14);
    const parts = [];
    for (let i = 0; i < n; i++) parts.push(pick(TOKENS));
    let s = '';
    for (const p of parts) s += (s === '' ? '' : ' '.repeat(1 + int(rand() < 0.8 ? 1 : 6))) + p;
    if (rand() < 0.3) s = s.replace(/; /g, () => (rand() < 0.5 ? ';' : '; '));
    return s;
  }

  function mutatedLine() {
    let s = pick(fixtureLines);
    const steps = 1 + int(5);
    for (let k = 0; k < steps; k++) {
      const at = int(s.length + 1);
      switch (int(8)) {
        case 0: s = s.slice(0, at); break; // truncate
        case 1: s = s.slice(0, at) + s.slice(at + 1 + int(8)); break; // delete
        case 2: s = s.slice(0, at) + pick(pick(ALPHABETS)) + s.slice(at); break; // insert a char
        case 3: s = s.slice(0, at) + pick(TOKENS) + s.slice(at); break; // insert a token
        case 4: s = s.slice(0, at) + String.fromCharCode(int(0x10000)) + s.slice(at + 1); break; // replace
        case 5: s = s.slice(0, at) + s.slice(at, at + int(20)).repeat(1 + int(4)) + s.slice(at); break; // duplicate
        case 6: s = s.replace(/\d+/, () => String(int(2 ** 31)) + '9'.repeat(int(25))); break; // big numbers
        default: s = s.replace(/ +/, (m) => (rand() < 0.5 ? m + m : '\t')); break; // reshape spacing
      }
    }
    return s;
  }

  return { randomLine, tokenLine, mutatedLine };
}


// Each parser as "line in, entries out".
const PARSERS = {
  parseList: (l) => listing.parseList(l, '/d', { now: NOW }),
  parseListLine: (l) => [listing.parseListLine(l, '/d', { now: NOW })],
  parseMlsd: (l) => listing.parseMlsd(l, '/d'),
  parseMlsdLine: (l) => [listing.parseMlsdLine(l, '/d')],
  parseMlstReply: (l) => [listing.parseMlstReply(`250-Listing x\r\n ${l}\r\n250 End\r\n`), listing.parseMlstReply(l)],
  parseUnix: (l) => listing.parseUnix(l, '/d', { now: NOW }),
  parseUnixLine: (l) => [listing.parseUnixLine(l, '/d', { now: NOW })],
  parseDos: (l) => listing.parseDos(l, '/d'),
  parseDosLine: (l) => [listing.parseDosLine(l, '/d')],
  parseNlst: (l) => listing.parseNlst(l, '/d'),
  parseNlstLine: (l) => [listing.parseNlstLine(l, '/d')],
};

describe(`listing: fuzz (seed ${SEED}; replay with LISTING_FUZZ_SEED=${SEED})`, function () {
  this.timeout(60000);

  for (const [name, run] of Object.entries(PARSERS)) {
    it(`${name} survives ${3 * PER_KIND} random, token and mutated lines`, () => {
      // One stream per parser, so a failure replays without running the others.
      const rand = mulberry32(SEED ^ [...name].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
      const gen = makeGenerators(rand);
      let slowest = 0;
      let total = 0;
      for (const kind of ['randomLine', 'tokenLine', 'mutatedLine']) {
        for (let i = 0; i < PER_KIND; i++) {
          const line = gen[kind]();
          const context = `seed ${SEED}, ${name}, ${kind} #${i}: ${JSON.stringify(line.slice(0, 200))}`;
          let out;
          let ms;
          try {
            [out, ms] = withCpuMs(() => run(line));
          } catch (err) {
            assert.fail(`${context} threw ${err && err.stack}`);
          }
          slowest = Math.max(slowest, ms);
          total += ms;
          assert.ok(Array.isArray(out), context);
          for (const e of out) if (e !== null) assertEntry(e, context);
          assert.ok(ms < 250, `${context} took ${ms} ms of CPU`);
        }
      }
      assert.ok(total < 30000, `seed ${SEED}, ${name}: ${total} ms of CPU in all (slowest line ${slowest} ms)`);
    });
  }

  it('parses a whole listing of mutated lines in one go', () => {
    const rand = mulberry32(SEED);
    const gen = makeGenerators(rand);
    const lines = [];
    for (let i = 0; i < 5000; i++) lines.push(gen[['randomLine', 'tokenLine', 'mutatedLine'][i % 3]]());
    const text = lines.join(rand() < 0.5 ? '\r\n' : '\n');
    for (const [name, fn] of [['parseList', listing.parseList], ['parseMlsd', listing.parseMlsd], ['parseUnix', listing.parseUnix], ['parseDos', listing.parseDos], ['parseNlst', listing.parseNlst]]) {
      let entries;
      try {
        entries = fn(text, '/d', { now: NOW, keepDotEntries: rand() < 0.5 });
      } catch (err) {
        assert.fail(`seed ${SEED}, ${name} threw ${err && err.stack}`);
      }
      for (const e of entries) assertEntry(e, `seed ${SEED}, ${name}`);
    }
  });
});
