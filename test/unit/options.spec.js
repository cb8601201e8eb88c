'use strict';
// The nodes' option readers: the msg.type override of the transfer type.
const assert = require('node:assert');
const { transferTypeOf } = require('../../nodes/nodes/options.js');

describe('transferTypeOf', () => {
  it('transferTypeOf: msg.type overrides only when it is exactly "binary" or "ascii"', () => {
    assert.strictEqual(transferTypeOf({ type: 'ascii' }, 'binary'), 'ascii');
    assert.strictEqual(transferTypeOf({ type: 'binary' }, 'ascii'), 'binary');
    for (const t of [undefined, null, '', 'ASCII', 'A', 'text', 'I', 1, true, { a: 1 }]) {
      assert.strictEqual(transferTypeOf({ type: t }, 'binary'), 'binary', `msg.type ${JSON.stringify(t)}`);
      assert.strictEqual(transferTypeOf({ type: t }, 'ascii'), 'ascii', `msg.type ${JSON.stringify(t)}`);
    }
    assert.strictEqual(transferTypeOf({}, 'ascii'), 'ascii');
  });
});
