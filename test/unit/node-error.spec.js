'use strict';
// toNodeError: a client error as the error a node reports (msg.error.code).
const assert = require('node:assert');
const { toNodeError } = require('../../nodes/nodes/node-error.js');

describe('toNodeError', () => {
  it('toNodeError: the reply code of a client error becomes msg.error.code', () => {
    const e = toNodeError(Object.assign(new Error('STOR a: 553 not allowed'), { code: 553, kind: 'reply', command: 'STOR a' }));
    assert.strictEqual(e.code, 553);
    assert.strictEqual(e.kind, 'reply');
    assert.strictEqual(String(e), 'STOR a: 553 not allowed');
    assert.strictEqual(toNodeError(new Error('ECONNREFUSED')).code, undefined);
  });
});
