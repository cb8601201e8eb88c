'use strict';
// Every parser of server reply text against long crafted lines (64 KiB, the
// longest line the reply parser lets through): no backtracking blow-up. CPU
// time (not wall-clock), as the listing parsers' checks do; the budget is
// generous (a quadratic regex takes seconds on these lines, linear code a
// millisecond or two).
const assert = require('node:assert/strict');
const lib = require('../../nodes/lib');
const { parseQuotedPath, parseSizeHint, parseUniqueName } = require('../../nodes/lib/server-text');
const { parseMlstReply } = require('../../nodes/lib/listing');
const { withCpuMs } = require('../support/cpu-time');

const N = 64 * 1024 - 16;
const reply = (code, message) => ({ code, message, lines: message.split('\n').map((l) => `${code} ${l}`) });
const fill = (unit, prefix = '', suffix = '') => prefix + unit.repeat(Math.floor((N - prefix.length - suffix.length) / unit.length)) + suffix;

const CRAFTED = [
  fill(' ', 'FILE:a', 'x'),
  fill(' ', 'FILE: ', ''),
  fill('\t ', 'FILE:x'),
  fill('FILE: a '),
  fill('(1', ''),
  fill('(', '', '1 bytes'),
  fill('9', '(', ' byte'),
  fill('1, '),
  fill('1,   ', '', 'x'),
  fill('255,', ''),
  fill('|'),
  fill('(|||1'),
  fill('"'),
  fill('""', '"'),
  fill('a"', '"'),
  fill('unique '),
  fill(' ', 'unique file name:', '"'),
  fill('unique name '),
  fill('9'),
  fill('20240102030405.'),
  fill(';', 'type=file'),
  fill('a=b;'),
  fill(' '),
  fill('\u00e9'),
];

const PARSERS = {
  parsePasv: (t) => lib.parsePasv(reply(227, t)),
  parseEpsv: (t) => lib.parseEpsv(reply(229, t)),
  parseQuotedPath: (t) => parseQuotedPath(t),
  parseSizeHint: (t) => parseSizeHint(t),
  parseUniqueName: (t) => parseUniqueName(reply(150, t)),
  parseFeat: (t) => lib.parseFeat({ code: 211, message: t, lines: ['211-Features:', ` ${t}`, '211 End'] }),
  parseHelp: (t) => lib.parseHelp(reply(214, t)),
  parseFtpTime: (t) => lib.parseFtpTime(t),
  parseMlstReply: (t) => parseMlstReply(`250-Listing\n ${t}\n250 End`),
};

describe('server text: linear-time parsers (crafted 64 KiB lines)', function () {
  this.timeout(60000);
  for (const [name, run] of Object.entries(PARSERS)) {
    it(`${name}: no crafted line costs more than 250 ms of CPU, none throws anything but an FtpError`, () => {
      for (const line of CRAFTED) {
        const [, ms] = withCpuMs(() => {
          try {
            return run(line);
          } catch (e) {
            assert.ok(e instanceof lib.FtpError, `${name} threw ${e && e.stack}`);
            return null;
          }
        });
        assert.ok(ms < 250, `${name} on ${JSON.stringify(line.slice(0, 24))}... took ${ms} ms of CPU`);
      }
    });
  }

  it('parseUniqueName reads the forms servers send', () => {
    const u = (t) => parseUniqueName(reply(150, t));
    assert.equal(u('FILE: abc.1'), 'abc.1');
    assert.equal(u('file:   spaced name  '), 'spaced name');
    assert.equal(u('Opening BINARY mode data connection for unique file name: "x.0"'), 'x.0');
    assert.equal(u('Opening data connection (unique name u123)'), 'u123');
    assert.equal(u('Ok to send data.'), null);
    assert.equal(u('FILE:   '), null);
  });

  it('parseSizeHint and parseQuotedPath read what the regular expressions read', () => {
    assert.equal(parseSizeHint('Opening BINARY mode data connection for x (1234 bytes).'), 1234);
    assert.equal(parseSizeHint('(x) (12 BYTES)'), 12);
    assert.equal(parseSizeHint('(12 bytes'), null);
    assert.equal(parseQuotedPath('"/a ""quoted"" dir" created'), '/a "quoted" dir');
    assert.equal(parseQuotedPath('"" is it'), '');
    assert.equal(parseQuotedPath('no quotes'), null);
    assert.equal(parseQuotedPath('"unterminated'), null);
  });
});
