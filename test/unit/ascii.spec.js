'use strict';
const assert = require('node:assert/strict');
const { LfToCrlf, CrlfToLf } = require('../../nodes/lib');

/** Push `chunks` through a new transform of class T; resolves with the output. */
function run(T, chunks) {
  return new Promise((resolve, reject) => {
    const t = new T();
    const out = [];
    t.on('data', (d) => out.push(d));
    t.on('end', () => resolve(Buffer.concat(out).toString('latin1')));
    t.on('error', reject);
    for (const c of chunks) t.write(Buffer.from(c, 'latin1'));
    t.end();
  });
}

// Reference conversions
const lfToCrlf = (s) => s.replace(/(?<!\r)\n/g, '\r\n');
const crlfToLf = (s) => s.replace(/\r\n/g, '\n');

const SAMPLES = {
  'LF only': 'one\ntwo\n\nthree\n',
  'CRLF already': 'one\r\ntwo\r\n\r\nthree\r\n',
  mixed: 'a\nb\r\nc\n\r\nd',
  'lone CR': 'a\rb\r\rc\r',
  'CR CR LF': 'x\r\r\ny',
  'LF CR': 'x\n\ry\n\r',
  'starts with LF': '\n\nx',
  'starts with CR LF': '\r\nx',
  'only CR': '\r',
  'only LF': '\n',
  'no line ends': 'plain text',
  empty: '',
};

/** Every way to cut s into two and three pieces (three: a sample of positions). */
function* splits(s) {
  yield [s];
  for (let i = 0; i <= s.length; i++) yield [s.slice(0, i), s.slice(i)];
  for (let i = 0; i <= s.length; i++) {
    for (let j = i; j <= s.length; j++) yield [s.slice(0, i), s.slice(i, j), s.slice(j)];
  }
  yield [...s]; // one byte per chunk
}

describe('ascii: LfToCrlf', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`${name}: same output for every chunk split`, async () => {
      const expected = lfToCrlf(text);
      for (const parts of splits(text)) {
        assert.equal(await run(LfToCrlf, parts), expected, JSON.stringify(parts));
      }
    });
  }

  it('LF becomes CRLF, an existing CRLF is left alone, a lone CR is kept', async () => {
    assert.equal(await run(LfToCrlf, ['a\nb\r\nc\rd']), 'a\r\nb\r\nc\rd');
  });

  it('a CR at the end of one chunk and the LF at the start of the next stay one CRLF', async () => {
    assert.equal(await run(LfToCrlf, ['a\r', '\nb']), 'a\r\nb');
  });

  it('empty chunks in between do not break a CRLF across chunks', async () => {
    assert.equal(await run(LfToCrlf, ['a\r', '', '', '\nb', '', '\n']), 'a\r\nb\r\n');
  });

  it('an empty chunk between text and LF does not make an LF look preceded by CR', async () => {
    assert.equal(await run(LfToCrlf, ['a', '', '\n']), 'a\r\n');
  });
});

describe('ascii: CrlfToLf', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`${name}: same output for every chunk split (empty chunks only at the ends)`, async () => {
      const expected = crlfToLf(text);
      for (const parts of splits(text)) {
        // an empty chunk between a CR and its LF hits the bug below; the rest stays covered
        if (parts.some((p, i) => p === '' && i > 0 && i < parts.length - 1)) continue;
        assert.equal(await run(CrlfToLf, parts), expected, JSON.stringify(parts));
      }
    });
  }

  // BUG: see below; this is the same property with empty chunks anywhere.
  // Fails e.g. for "\r\nx" split as ["\r", "", "\nx"] → "\r\nx".
  it('same output for every chunk split, empty chunks included', async () => {
    for (const text of Object.values(SAMPLES)) {
      for (const parts of splits(text)) {
        assert.equal(await run(CrlfToLf, parts), crlfToLf(text), JSON.stringify(parts));
      }
    }
  });

  it('CRLF becomes LF, lone CR and lone LF are kept', async () => {
    assert.equal(await run(CrlfToLf, ['a\r\nb\rc\nd']), 'a\nb\rc\nd');
  });

  it('a CR at a chunk end is held until the next chunk shows an LF', async () => {
    assert.equal(await run(CrlfToLf, ['a\r', '\nb']), 'a\nb');
    assert.equal(await run(CrlfToLf, ['a\r', 'b']), 'a\rb');
  });

  it('a CR at the very end of the stream is flushed', async () => {
    assert.equal(await run(CrlfToLf, ['a\r']), 'a\r');
    assert.equal(await run(CrlfToLf, ['a', '\r']), 'a\r');
  });

  // BUG: CrlfToLf emits a held CR as soon as an EMPTY chunk arrives
  // (`if (chunk.length === 0 || chunk[0] !== LF) out[o++] = CR`), so
  // chunks ["a\r", "", "\nb"] give "a\r\nb" instead of "a\nb": the CRLF
  // split across the empty chunk is not converted. Empty chunks do reach
  // _transform (Writable passes them on).
  it('an empty chunk between CR and LF does not stop CRLF → LF', async () => {
    assert.equal(await run(CrlfToLf, ['a\r', '', '\nb']), 'a\nb');
  });

  it('empty chunks elsewhere change nothing', async () => {
    assert.equal(await run(CrlfToLf, ['', 'a\r\n', '', 'b', '']), 'a\nb');
  });
});

describe('ascii: round trip', () => {
  for (const text of ['one\ntwo\n', '\n\n\n', 'no newline', 'x\ny', '', 'ünï\n日本\n'.replace(/[^\x00-\xff]/g, '?')]) {
    it(`LF → CRLF → LF is the identity for LF-only text ${JSON.stringify(text)}, at every split`, async () => {
      for (const parts of splits(text)) {
        const wire = await run(LfToCrlf, parts);
        assert.doesNotMatch(wire.replace(/\r\n/g, ''), /\n/, 'every LF on the wire has its CR');
        // split the wire text at a different place than the input
        const mid = Math.floor(wire.length / 2);
        assert.equal(await run(CrlfToLf, [wire.slice(0, mid), wire.slice(mid)]), text, JSON.stringify(parts));
      }
    });
  }

  it('works on binary data containing every byte value except CR and LF unchanged', async () => {
    const bytes = [];
    for (let b = 0; b < 256; b++) if (b !== 10 && b !== 13) bytes.push(b);
    const s = Buffer.from(bytes).toString('latin1');
    assert.equal(await run(LfToCrlf, [s]), s);
    assert.equal(await run(CrlfToLf, [s]), s);
  });
});
