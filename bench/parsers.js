'use strict';
// `npm run bench:parsers`: the wall-clock budget of every parser of server
// text (issue 15). Each parser gets long crafted lines, shaped to hurt a
// backtracking regular expression or a quadratic scan (long runs of digits,
// separators, spaces, near-misses of the pattern it looks for), at growing
// sizes. It prints the time per MiB and the worst single input; a linear
// parser keeps the time per MiB flat as the lines grow. Measured here, never
// asserted in a test (timing on a shared machine is noise, not a verdict).
//
// Environment: PARSERS_MAX_KIB=1024 (the largest line, KiB), PARSERS_ROUNDS=3.
const path = require('node:path');

const LIB = path.join(__dirname, '..', 'nodes', 'lib');
const { ReplyParser } = require(path.join(LIB, 'reply'));
const { parsePasv, parseEpsv } = require(path.join(LIB, 'passive'));
const { parseFeat, parseHelp } = require(path.join(LIB, 'features'));
const { parseFtpTime } = require(path.join(LIB, 'timefmt'));
const { parseSizeHint, parseUniqueName, parseQuotedPath } = require(path.join(LIB, 'server-text'));
const { parseUnix } = require(path.join(LIB, 'listing', 'unix'));
const { parseMlsd, parseMlstReply } = require(path.join(LIB, 'listing', 'mlsd'));
const { parseNlst } = require(path.join(LIB, 'listing', 'nlst'));
const { parseDos } = require(path.join(LIB, 'listing', 'dos'));
const { parseList } = require(path.join(LIB, 'listing'));

const MAX_KIB = Number(process.env.PARSERS_MAX_KIB || 1024);
const ROUNDS = Number(process.env.PARSERS_ROUNDS || 3);
const SIZES = [16, 64, 256, 1024, 4096].filter((k) => k <= MAX_KIB);

/** `unit` repeated to n bytes, then `tail`. */
const fill = (unit, n, tail = '') => unit.repeat(Math.ceil(Math.max(0, n - tail.length) / unit.length)).slice(0, Math.max(0, n - tail.length)) + tail;
const reply = (code, text) => ({ code, message: text, lines: [`${code} ${text}`] });
const multi = (code, body) => ({ code, message: body, lines: [`${code}-x`, ...body.split('\n'), `${code} end`] });
/** A parser of server text that may reject input: an exception is a result, not a crash of the bench. */
const safely = (fn) => (s) => {
  try {
    fn(s);
  } catch {
    /* refused: as fast as accepted is what counts here */
  }
};

// [parser, shape, make(n bytes) -> input, run(input)]
const CASES = [
  ['reply', 'one line of digits (no CRLF until the end)', (n) => Buffer.from(`${fill('1', n - 2)}\r\n`), safely((b) => new ReplyParser(() => {}).feed(b))],
  ['reply', 'multi-line reply, "220-" lines', (n) => Buffer.from(fill('220-aaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n', n, '220 end\r\n')), safely((b) => new ReplyParser(() => {}).feed(b))],
  ['reply', 'byte-by-byte "2"s (a line that never ends)', (n) => Buffer.from(fill('2', n)), safely((b) => { const p = new ReplyParser(() => {}); for (let i = 0; i < b.length; i += 1024) p.feed(b.subarray(i, i + 1024)); })],
  ['PASV 227', 'digits and commas, no closing parenthesis', (n) => reply(227, `Entering Passive Mode (${fill('1,', n)}`), safely(parsePasv)],
  ['PASV 227', 'many "(" with near-miss tuples', (n) => reply(227, fill('(1,2,3,4,5,', n, '(127,0,0,1,4,1)')), safely(parsePasv)],
  ['EPSV 229', 'many "(|||" with no port', (n) => reply(229, fill('(|||', n, '(|||2121|)')), safely(parseEpsv)],
  ['150 size', 'digits, spaces and "(" without "bytes)"', (n) => reply(150, fill('(1234 ', n)), safely((r) => parseSizeHint(r.message))],
  ['150 size', '"(123 byte" near misses', (n) => reply(150, fill('(123 byte ', n, '(99 bytes)')), safely((r) => parseSizeHint(r.message))],
  ['STOU 150', '"FILE:" and "unique name" near misses', (n) => reply(150, fill('unique file name unique ', n)), safely(parseUniqueName)],
  ['STOU 150', 'one long name', (n) => reply(150, `FILE: ${fill('a', n)}`), safely(parseUniqueName)],
  ['PWD 257', 'doubled quotes without end', (n) => reply(257, `"${fill('""', n)}`), safely((r) => parseQuotedPath(r.message))],
  ['FEAT', 'many feature lines', (n) => multi(211, fill(' MLST type*;size*;modify*;\n', n)), safely(parseFeat)],
  ['FEAT', 'one long feature line of spaces', (n) => multi(211, ` ${fill(' ', n)}x`), safely(parseFeat)],
  ['HELP', 'many command words', (n) => multi(214, fill(' USER PASS ACCT CWD  CDUP SMNT\n', n)), safely(parseHelp)],
  ['MDTM', 'digits without end', (n) => fill('2', n), safely(parseFtpTime)],
  ['MDTM', 'digits and a long fraction', (n) => `20240101120000.${fill('9', n)}`, safely(parseFtpTime)],
  ['LIST unix', 'lines of long spaces between fields', (n) => fill(`-rw-r--r--${' '.repeat(200)}1 u g 5 Jan  1 00:00 f\r\n`, n), safely((t) => parseUnix(t))],
  ['LIST unix', 'one line of permission-like tokens', (n) => fill('-rw-r--r-- ', n), safely((t) => parseUnix(t))],
  ['LIST unix', 'a symlink line with many " -> "', (n) => `lrwxrwxrwx 1 u g 5 Jan  1 00:00 ${fill('a -> ', n)}`, safely((t) => parseUnix(t))],
  ['LIST auto', 'lines no parser knows', (n) => fill('?? ?? ?? ?? ?? ?? ?? ??\r\n', n), safely((t) => parseList(t))],
  ['MLSD', 'many facts on one line', (n) => `${fill('size=1;', n)} name`, safely((t) => parseMlsd(t))],
  ['MLSD', 'facts without "=" or ";"', (n) => fill('type', n), safely((t) => parseMlsd(t))],
  ['MLST 250', 'a long fact line', (n) => ` ${fill('modify=20240101120000.123;', n)} x`, safely(parseMlstReply)],
  ['NLST', 'many short names', (n) => fill('a\r\n', n), safely((t) => parseNlst(t))],
  ['NLST', 'one long name of slashes', (n) => fill('/', n), safely((t) => parseNlst(t))],
  ['LIST dos', 'lines of long spaces', (n) => fill(`01-01-24  12:00PM${' '.repeat(300)}<DIR>  a\r\n`, n), safely((t) => parseDos(t))],
  ['LIST dos', 'one line of date-like tokens', (n) => fill('01-01-24 ', n), safely((t) => parseDos(t))],
];

function time(run, input) {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r += 1) {
    const t0 = process.hrtime.bigint();
    run(input);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

const rows = [];
for (const [parser, shape, make, run] of CASES) {
  const perMib = [];
  let worst = { ms: 0, kib: 0 };
  for (const kib of SIZES) {
    const input = make(kib * 1024);
    const ms = time(run, input);
    perMib.push(ms / (kib / 1024));
    if (ms > worst.ms) worst = { ms, kib };
  }
  // linear: the time per MiB at the largest size is no more than a few times that at the smallest
  rows.push({ parser, shape, perMib, worst, growth: perMib[perMib.length - 1] / Math.max(perMib[0], 1e-3) });
}

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
console.log(`Parsers of server text, best of ${ROUNDS}; ms per MiB at line sizes ${SIZES.map((k) => `${k} KiB`).join(', ')}`);
console.log(`Node.js ${process.version}\n`);
console.log('| parser | crafted input | ms/MiB by size | worst input | growth |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.parser} | ${r.shape} | ${r.perMib.map(fmt).join(' / ')} | ${fmt(r.worst.ms)} ms (${r.worst.kib} KiB) | ${r.growth.toFixed(1)}x |`);
}
const worst = rows.reduce((a, b) => (b.worst.ms > a.worst.ms ? b : a));
console.log(`\nworst case: ${worst.parser} (${worst.shape}): ${fmt(worst.worst.ms)} ms for ${worst.worst.kib} KiB`);
