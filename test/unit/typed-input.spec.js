'use strict';
// typedField: the <field>/<field>Type pairs of the nodes' TypedInputs and
// their defaults.
const assert = require('node:assert');
const { typedField } = require('../../nodes/nodes/typed-input.js');

describe('typedField', () => {
  it('typedField: the stored <field>/<field>Type pair, or the default when the flow lacks it', () => {
    assert.deepStrictEqual(typedField({}, 'path', 'filename', 'msg'), { value: 'filename', type: 'msg' });
    assert.deepStrictEqual(typedField({ path: '' }, 'path', 'filename', 'msg'), { value: 'filename', type: 'msg' });
    assert.deepStrictEqual(typedField({ path: null, pathType: '' }, 'path', 'filename', 'msg'), { value: 'filename', type: 'msg' });
    // a value without its type (hand-written flows): a plain string, as core nodes read it
    assert.deepStrictEqual(typedField({ path: '/in/a.txt' }, 'path', 'filename', 'msg'), { value: '/in/a.txt', type: 'str' });
    assert.deepStrictEqual(typedField({ path: 'file', pathType: 'flow' }, 'path', 'filename', 'msg'), { value: 'file', type: 'flow' });
    assert.deepStrictEqual(typedField({ to: 'dst', toType: 'msg' }, 'to', 'newFilename', 'msg'), { value: 'dst', type: 'msg' });
    // a type without a value: the default msg property
    assert.deepStrictEqual(typedField({ pathType: 'msg' }, 'path', 'filename', 'msg'), { value: 'filename', type: 'msg' });
    assert.deepStrictEqual(typedField({ command: '', commandType: 'msg' }, 'command', 'payload', 'msg'), { value: 'payload', type: 'msg' });
    // an explicitly empty string field stays empty (ftps-list: the current directory)
    assert.deepStrictEqual(typedField({ path: '', pathType: 'str' }, 'path', 'filename', 'msg'), { value: '', type: 'str' });
  });
});
