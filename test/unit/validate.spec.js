'use strict';
const assert = require('node:assert/strict');
const { FtpError } = require('../../nodes/lib');
// not re-exported by the package index
const { assertSafeArgument, assertPath } = require('../../nodes/lib/validate');

const isInput = (e) => e instanceof FtpError && e.kind === 'input' && e.code === 0;

describe('validate: assertSafeArgument / assertPath', () => {
  for (const bad of ['a\r\nDELE b', 'a\nb', 'a\rb', 'a\0b', '\n', 'x\r', '\0']) {
    it(`assertSafeArgument refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => assertSafeArgument(bad, 'thing'), (e) => isInput(e) && /thing contains CR, LF or NUL/.test(e.message));
    });
    it(`assertPath refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => assertPath(bad), isInput);
    });
  }

  it('the message shows the refused value escaped, on one line', () => {
    try {
      assertSafeArgument('a\r\nDELE b', 'path');
      assert.fail('no throw');
    } catch (e) {
      assert.ok(isInput(e));
      assert.ok(e.message.includes(JSON.stringify('a\r\nDELE b')));
      assert.doesNotMatch(e.message, /[\r\n]/);
    }
  });

  for (const ok of ['a', 'dir/file name.txt', ' spaces ', 'ünï/日本', '\t tab']) {
    it(`accepts ${JSON.stringify(ok)}`, () => {
      assert.doesNotThrow(() => assertSafeArgument(ok, 'x'));
      assert.doesNotThrow(() => assertPath(ok));
    });
  }

  it('assertSafeArgument accepts the empty string, assertPath does not', () => {
    assert.doesNotThrow(() => assertSafeArgument('', 'x'));
    assert.throws(() => assertPath('', 'remote path'), (e) => isInput(e) && /remote path is empty/.test(e.message));
  });

  for (const v of [undefined, null, 42, {}, ['a'], Buffer.from('a')]) {
    it(`refuses a non-string (${Buffer.isBuffer(v) ? 'Buffer' : JSON.stringify(v)})`, () => {
      assert.throws(() => assertSafeArgument(v, 'x'), (e) => isInput(e) && /x must be a string/.test(e.message));
      assert.throws(() => assertPath(v, 'x'), isInput);
    });
  }
});
