'use strict';
// ftps-put: input checks (CR/LF, payloads it cannot upload, localRoot) and
// uploads on the real servers, with the msg.type override. What payloads go
// up as: ftps-put.payload.spec.js.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./support/red');
const { call } = require('./support/flow');
const { itRefusesCrLf, itRefusesPayloads, describeOffline } = require('./support/offline');
const { eachServer, logText } = require('./support/servers');
const { localRootRefusals } = require('./support/local-files');

describeOffline('ftps-put', () => {
  itRefusesCrLf('ftps-put', {}, { filename: 'a.txt\r\nDELE b.txt', payload: 'x' });

  itRefusesPayloads('ftps-put');
});

localRootRefusals([
  ['ftps-put', { source: 'file' }, '/etc/passwd', /outside the server's local folder/],
  ['ftps-put', { source: 'file' }, 'escape/secret.txt', /symbolic link/],
]);

eachServer('ftps-put', (fx) => {
  const { load, file } = fx;

  it('ftps-put: overwrite, append, unique, mkdirs, resume, local file source', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-put-'));
    try {
      const src = path.join(dir, 'src.txt');
      fs.writeFileSync(src, '0123456789');
      await load([
        { id: 'p1', type: 'ftps-put' },
        { id: 'p2', type: 'ftps-put', mode: 'append' },
        { id: 'p3', type: 'ftps-put', mode: 'unique', path: '/put/u', pathType: 'str' },
        { id: 'p4', type: 'ftps-put', mkdirs: true },
        { id: 'p5', type: 'ftps-put', source: 'file', resume: true },
      ]);
      fx.s.put('put/.keep', '');
      const m = await call('p1', { filename: '/put/a.txt', payload: 'hello', keep: 2 });
      assert.strictEqual(m.filename, '/put/a.txt');
      assert.strictEqual(m.payload, 'hello');
      assert.strictEqual(m.keep, 2);
      assert.strictEqual(m.ftps.bytes, 5);
      assert.ok(m.ftps.code >= 200 && m.ftps.code < 300, `final reply ${m.ftps.code}`);
      assert.strictEqual(fs.readFileSync(file('put/a.txt'), 'utf8'), 'hello');
      await call('p2', { filename: '/put/a.txt', payload: Buffer.from(' world') });
      assert.strictEqual(fs.readFileSync(file('put/a.txt'), 'utf8'), 'hello world');
      const u = await call('p3', { payload: 'unique' });
      const uname = path.basename(u.filename);
      const ufile = [path.join(fx.s.root, 'put', uname), path.join(fx.s.root, uname)].find((p) => fs.existsSync(p));
      assert.ok(ufile, `unique file ${u.filename}`);
      assert.strictEqual(fs.readFileSync(ufile, 'utf8'), 'unique');
      await call('p4', { filename: '/put/deep/er/x.json', payload: '{"a":1}' });
      assert.strictEqual(fs.readFileSync(file('put/deep/er/x.json'), 'utf8'), '{"a":1}');
      fx.s.put('put/r.txt', '01234');
      const r = await call('p5', { filename: '/put/r.txt', localFilename: src });
      assert.strictEqual(r.ftps.bytes, 5, 'only the missing part was sent');
      assert.strictEqual(fs.readFileSync(file('put/r.txt'), 'utf8'), '0123456789');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('msg.type "ascii" or "binary" overrides the node\'s transfer type, other values are ignored', async () => {
    await load(
      [
        { id: 'p1', type: 'ftps-put', transferType: 'binary' },
        { id: 'g1', type: 'ftps-get', output: 'utf8', transferType: 'binary' },
        { id: 'x1', type: 'ftps-xput', transferType: 'ascii' },
      ],
      { debug: 1 },
    );
    const text = 'line one\nline two\n\nlast\n';
    const crlf = text.replace(/\n/g, '\r\n');
    fx.s.put('ascii/.keep', '');
    helper.log().resetHistory();
    await call('p1', { filename: '/ascii/bin.txt', payload: text, type: 'text' });
    assert.doesNotMatch(logText(), /TYPE A/, 'msg.type other than binary/ascii is ignored');
    assert.strictEqual(fs.readFileSync(file('ascii/bin.txt'), 'utf8'), text, 'binary: stored byte for byte');
    const m = await call('p1', { filename: '/ascii/a.txt', payload: text, type: 'ascii' });
    assert.match(logText(), />>> TYPE A/);
    assert.strictEqual(m.type, 'ascii', 'the input msg is passed on');
    // all four servers store an ASCII upload with their own (Unix) line ends
    assert.strictEqual(fs.readFileSync(file('ascii/a.txt'), 'utf8'), text);
    await call('p1', { filename: '/ascii/dos-up.txt', payload: crlf, type: 'ascii' });
    assert.strictEqual(fs.readFileSync(file('ascii/dos-up.txt'), 'utf8'), text, 'CRLF sent in ASCII mode is stored as LF');
    await call('p1', { filename: '/ascii/dos-bin.txt', payload: crlf });
    assert.strictEqual(fs.readFileSync(file('ascii/dos-bin.txt'), 'utf8'), crlf, 'the same data in binary mode keeps CRLF');
    // a file with CRLF line ends: binary keeps them, ascii ends lines with LF
    fx.s.put('ascii/dos.txt', 'a\r\nb\r\n');
    assert.strictEqual((await call('g1', { filename: '/ascii/dos.txt' })).payload, 'a\r\nb\r\n');
    const back = await call('g1', { filename: '/ascii/a.txt', type: 'ascii' });
    assert.strictEqual(back.payload, text, 'put and get in ascii mode give the text back');
    // and the node's own setting is still binary for the next message
    assert.strictEqual((await call('g1', { filename: '/ascii/dos.txt' })).payload, 'a\r\nb\r\n');
    // msg.type "binary" overrides a node set to ascii
    helper.log().resetHistory();
    await call('x1', { filename: '/ascii/x.bin', payload: crlf, type: 'binary' });
    assert.doesNotMatch(logText(), /TYPE A/);
    assert.strictEqual(fs.readFileSync(file('ascii/x.bin'), 'utf8'), crlf);
  });
});
