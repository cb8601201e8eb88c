'use strict';
// Seeded fuzzing of the reply parser and of the parsers that read reply
// texts (227, 229, 257, FEAT, HELP, MDTM times): random bytes, streams built
// from reply-like tokens, and mutated real replies, fed in random chunks.
// Nothing may throw except the documented errors, every reply must be
// well-formed, and the same bytes must give the same replies however they
// are chunked. No timers: input sizes bound the time per case.
// Replay a failure with REPLY_FUZZ_SEED=<seed printed in the message>.
const assert = require('node:assert/strict');
const lib = require('../../nodes/lib');
const { ReplyParser, FtpError, parsePasv, parseEpsv, parseFeat, parseHelp, parseQuotedPath, parseFtpTime } = lib;
const { ReplyParserError } = require('../../nodes/lib/reply');

const { mulberry32, seedFrom } = require('../support/random');

const SEED = seedFrom('REPLY_FUZZ_SEED');
const CASES = 2000; // per generator

const REAL = [
  '220 ProFTPD Server (ftps test) [127.0.0.1]\r\n',
  '220-Welcome\r\n220-multi\r\n220 ready\r\n',
  '211-Features:\r\n MDTM\r\n MLST type*;size*;modify*;\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n EPSV\r\n211 End\r\n',
  '214-The following commands are recognized:\r\n ABOR ACCT ALLO APPE CDUP CWD DELE EPRT EPSV\r\n214 Help OK.\r\n',
  '227 Entering Passive Mode (127,0,0,1,117,48).\r\n',
  '229 Entering Extended Passive Mode (|||30000|)\r\n',
  '257 "/some ""quoted"" dir" is the current directory\r\n',
  '213 20240102030405\r\n',
  '213 20240102030405.123\r\n',
  '150 Opening BINARY mode data connection\r\n226 Transfer complete\r\n',
  '421 Idle timeout (600 seconds): closing control connection\r\n',
  '123-First line\r\nSecond line\r\n 234 A line beginning with numbers\r\n123 The last line\r\n',
];
const TOKENS = [
  '220', '221', '226', '227', '229', '257', '213', '211', '214', '421', '550', '999', '000', '12', '1234',
  ' ', '-', '\r\n', '\n', '\r', '\0', '(', ')', '|', '|||', ',', '"', '""', '.',
  '127', '0', '255', '256', '65535', '65536', '99999', 'Entering Passive Mode', 'End', 'Features:',
  ' MDTM', ' MLST type*;size*;', ' AUTH TLS', ' UTF8', '20240102030405', '99991399999999', '.123456789',
  'é', '日本', '😀', '\ud800', '\xff',
];
const RAW_BYTES = [0x00, 0x0a, 0x0d, 0x20, 0x2d, 0x30, 0x35, 0x39, 0x7f, 0x80, 0xc3, 0xe2, 0xf0, 0xff];

function generators(rand) {
  const int = (n) => Math.floor(rand() * n);
  const pick = (l) => l[int(l.length)];
  return {
    randomBytes() {
      const n = rand() < 0.02 ? 70000 + int(5000) : int(600);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = rand() < 0.5 ? pick(RAW_BYTES) : int(256);
      return b;
    },
    tokens() {
      const n = 1 + int(80);
      let s = '';
      for (let i = 0; i < n; i++) s += pick(TOKENS);
      return Buffer.from(s, 'utf8');
    },
    mutated() {
      const b = Buffer.from(pick(REAL) + (rand() < 0.5 ? pick(REAL) : ''), 'utf8');
      const edits = 1 + int(6);
      let out = b;
      for (let i = 0; i < edits; i++) {
        const at = int(out.length + 1);
        const op = int(4);
        if (op === 0 && out.length) out[int(out.length)] = int(256);
        else if (op === 1) out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + int(8)))]);
        else if (op === 2) out = Buffer.concat([out.subarray(0, at), Buffer.from(pick(TOKENS), 'utf8'), out.subarray(at)]);
        else out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + int(40)), out.subarray(at)]);
      }
      return out;
    },
  };
}

/** Feed `bytes` to a new parser in the given chunk sizes; the replies, or the ReplyParserError's message. */
function parse(bytes, cuts) {
  const replies = [];
  const p = new ReplyParser((r) => replies.push(r));
  let at = 0;
  try {
    for (const n of cuts) {
      p.feed(bytes.subarray(at, at + n));
      at += n;
    }
    if (at < bytes.length) p.feed(bytes.subarray(at));
  } catch (e) {
    if (!(e instanceof ReplyParserError)) throw e;
    return { replies, error: e.message, midReply: true };
  }
  return { replies, midReply: p.midReply };
}

function checkReply(r) {
  assert.ok(Number.isInteger(r.code) && r.code >= 0 && r.code <= 999, `code ${r.code}`);
  assert.strictEqual(typeof r.message, 'string');
  assert.ok(Array.isArray(r.lines) && r.lines.length >= 1 && r.lines.every((l) => typeof l === 'string'));
  assert.ok(r.lines.every((l) => !l.includes('\n')), 'no LF inside a line');
}

/** Run the text parsers over a reply: each returns a well-formed value or throws an FtpError of kind protocol. */
function checkTextParsers(r) {
  for (const [name, fn] of [['parsePasv', parsePasv], ['parseEpsv', parseEpsv]]) {
    try {
      const v = fn(r);
      if (name === 'parsePasv') {
        assert.match(v.host, /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
        assert.ok(v.host.split('.').every((x) => Number(x) <= 255));
        assert.ok(v.port > 0 && v.port < 65536);
      } else {
        assert.ok(Number.isInteger(v) && v > 0 && v < 65536);
      }
    } catch (e) {
      if (!(e instanceof FtpError) || e.kind !== 'protocol') throw e;
    }
  }
  const feat = parseFeat(r);
  assert.ok(feat instanceof Map);
  for (const [k, v] of feat) assert.ok(typeof k === 'string' && typeof v === 'string');
  const help = parseHelp(r);
  assert.ok(help instanceof Set);
  const q = parseQuotedPath(r.message);
  assert.ok(q === null || typeof q === 'string');
  const t = parseFtpTime(r.message);
  assert.ok(t === null || (t instanceof Date && !Number.isNaN(t.getTime())));
}

describe('reply fuzzer (seeded; replay with REPLY_FUZZ_SEED)', function () {
  this.timeout(120000);

  for (const kind of ['randomBytes', 'tokens', 'mutated']) {
    it(`${kind}: ${CASES} streams, each parsed whole and in random chunks; same replies, no unexpected throw`, () => {
      const seed = (SEED ^ kind.length * 0x9e3779b9) >>> 0;
      const rand = mulberry32(seed);
      const gen = generators(rand)[kind];
      let replies = 0;
      for (let i = 0; i < CASES; i++) {
        const bytes = gen();
        const cuts = [];
        for (let left = bytes.length; left > 0;) {
          const n = 1 + Math.floor(rand() * Math.min(left, 64));
          cuts.push(n);
          left -= n;
        }
        try {
          const whole = parse(bytes, [bytes.length]);
          const chunked = parse(bytes, cuts);
          // a too-long line is refused either way; otherwise chunking changes nothing
          assert.strictEqual(chunked.error === undefined, whole.error === undefined, 'chunked and whole agree on refusal');
          if (whole.error === undefined) assert.deepStrictEqual(chunked.replies, whole.replies);
          for (const r of whole.replies) {
            checkReply(r);
            checkTextParsers(r);
          }
          replies += whole.replies.length;
        } catch (e) {
          e.message = `${e.message}\n  seed ${SEED} (${kind} seed ${seed}), case ${i}, input ${JSON.stringify(bytes.subarray(0, 300).toString('latin1'))}`;
          throw e;
        }
      }
      assert.ok(kind === 'randomBytes' || replies > CASES / 4, `the generator produced replies (${replies})`);
    });
  }

  it('a reply built from many inner lines ends at the right line whatever comes between', () => {
    const rand = mulberry32(SEED);
    for (let i = 0; i < 200; i++) {
      const inner = [];
      for (let j = Math.floor(rand() * 50); j > 0; j--) inner.push(rand() < 0.3 ? `211-${j}` : rand() < 0.5 ? `2110 ${j}` : ` x ${j}`);
      const text = `211-Start\r\n${inner.join('\r\n')}${inner.length ? '\r\n' : ''}211 End\r\n200 next\r\n`;
      const { replies } = parse(Buffer.from(text), [text.length]);
      assert.deepStrictEqual(replies.map((r) => r.code), [211, 200], `seed ${SEED} case ${i}`);
      assert.strictEqual(replies[0].lines.length, inner.length + 2);
    }
  });
});
