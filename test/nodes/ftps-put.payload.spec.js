'use strict';
// What ftps-put and ftps-xput upload from msg.payload (CONTRACT.md, ftps-put):
// a Buffer or a string as is; a number, boolean, object or array as its JSON
// text, as the core file node writes it. Against a real server (vsftpd,
// explicit TLS), read back from the server's own directory.
const assert = require('node:assert');
const fs = require('node:fs');
const { useServer, call } = require('./support/flow');

describe('nodes: msg.payload as the uploaded bytes (vsftpd, explicit)', function () {
  this.timeout(60000);
  const fx = useServer('vsftpd', 'explicit');

  const cases = [
    ['a Buffer, as is', Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a]), Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a])],
    ['a string, as UTF-8', 'grüße\n', Buffer.from('grüße\n', 'utf8')],
    ['an empty string, as an empty file', '', Buffer.alloc(0)],
    ['a number (the inject node\'s default timestamp)', 1733450000123, Buffer.from('1733450000123')],
    ['zero', 0, Buffer.from('0')],
    ['false', false, Buffer.from('false')],
    ['an object, as JSON text', { ok: true, n: [1, 2], s: 'ä' }, Buffer.from('{"ok":true,"n":[1,2],"s":"ä"}', 'utf8')],
    ['an array, as JSON text', [1, 'two', null], Buffer.from('[1,"two",null]')],
  ];
  for (const type of ['ftps-put', 'ftps-xput']) {
    for (const [label, payload, bytes] of cases) {
      it(`${type}: ${label}`, async () => {
        await fx.load([{ id: 'n1', type, mkdirs: true }]);
        const name = `payload/${type}-${cases.findIndex((c) => c[0] === label)}.dat`;
        const out = await call('n1', { filename: `/${name}`, payload });
        assert.strictEqual(out.ftps.bytes, bytes.length);
        assert.deepStrictEqual(fs.readFileSync(fx.file(name)), bytes);
        assert.strictEqual(out.payload, payload, 'msg.payload is passed on unchanged');
      });
    }
  }

  it('ftps-put: msg.payload null is an error and no file is made', async () => {
    await fx.load([{ id: 'n1', type: 'ftps-put', mkdirs: true }]);
    await assert.rejects(call('n1', { filename: '/payload/null.dat', payload: null }), /msg\.payload is empty/);
    assert.ok(!fs.existsSync(fx.file('payload/null.dat')));
  });
});
