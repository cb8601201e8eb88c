'use strict';
// The shape every listing entry must have, whatever the parser was given.
const assert = require('node:assert/strict');

/** Assert that `e` is a well-formed ListEntry; `context` says what produced it. */
function assertEntry(e, context) {
  const msg = `${context} -> ${JSON.stringify(e)}`;
  assert.ok(e !== null && typeof e === 'object', msg);
  assert.equal(typeof e.name, 'string', msg);
  assert.ok(e.name.length > 0, msg);
  assert.equal(typeof e.path, 'string', msg);
  assert.ok(['file', 'dir', 'link', 'other'].includes(e.type), msg);
  assert.ok(e.size === null || (Number.isSafeInteger(e.size) && e.size >= 0), msg);
  assert.ok(e.modified === null || (e.modified instanceof Date && !Number.isNaN(e.modified.getTime())), msg);
  assert.ok(e.permissions === null || typeof e.permissions === 'string', msg);
  assert.equal(typeof e.raw, 'string', msg);
  assert.ok(!e.raw.includes('\n'), msg);
  assert.ok(e.target === undefined || typeof e.target === 'string', msg);
  assert.ok(e.owner === undefined || typeof e.owner === 'string', msg);
  assert.ok(e.group === undefined || typeof e.group === 'string', msg);
  if (e.facts !== undefined) {
    for (const v of Object.values(e.facts)) assert.equal(typeof v, 'string', msg);
  }
}

module.exports = { assertEntry };
