'use strict';
// Bad input the nodes refuse before a connection is even opened: msg.payload
// put/xput cannot upload (nothing, or what has no JSON text), and local file names outside localRoot.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./support/red');

const ROOT = path.join(__dirname, '..', '..');
const TYPES = ['ftps-server', 'ftps-get', 'ftps-put', 'ftps-xput'];
const NODES = TYPES.map((t) => require(path.join(ROOT, 'nodes', `${t}.js`)));

function flow(nodes, serverExtra = {}) {
  return [
    { id: 'f1', type: 'tab', label: 'ftps' },
    // port 9 (discard) on loopback: nothing may ever try it, the checks come first
    { id: 's1', type: 'ftps-server', host: '127.0.0.1', port: 9, encryption: 'explicit', timeout: 5, ...serverExtra },
    ...nodes.map((n) => ({ z: 'f1', server: 's1', wires: [['out']], ...n })),
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'c1', z: 'f1', type: 'catch', scope: null, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];
}

function caughtFrom(id, msg) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('nothing reached the Catch node')), 5000);
    helper.getNode('out').once('input', () => reject(new Error('the message was output, not refused')));
    helper.getNode('caught').once('input', (m) => {
      clearTimeout(t);
      resolve(m);
    });
    helper.getNode(id).receive(msg);
  });
}

describe('nodes: bad input is refused before connecting', function () {
  afterEach(() => helper.unload());

  const payloads = [
    // objects, arrays, numbers and booleans go up as JSON text (payload.test.js)
    ['a function', () => 1, /not a function/],
    ['an object with a cycle', (() => { const o = {}; o.self = o; return o; })(), /JSON text.*circular/i],
    ['undefined', undefined, /msg\.payload is empty/],
    ['null', null, /msg\.payload is empty/],
  ];
  for (const type of ['ftps-put', 'ftps-xput']) {
    for (const [label, payload, re] of payloads) {
      it(`${type}: msg.payload ${label} is a clear error in the Catch node`, async () => {
        await helper.load(NODES, flow([{ id: 'n1', type }]));
        const m = await caughtFrom('n1', { filename: '/a.txt', payload });
        assert.match(m.error.message, re);
        assert.match(m.error.message, /msg\.payload/);
        assert.strictEqual(helper.getNode('s1').pool, null, 'no connection was attempted');
      });
    }
  }

  describe('localRoot', () => {
    let base;
    before(() => {
      base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-nodes-root-')));
      fs.mkdirSync(path.join(base, 'root'));
      fs.mkdirSync(path.join(base, 'outside'));
      fs.writeFileSync(path.join(base, 'outside', 'secret.txt'), 'secret');
      fs.symlinkSync(path.join(base, 'outside'), path.join(base, 'root', 'escape'));
    });
    after(() => fs.rmSync(base, { recursive: true, force: true }));

    const cases = [
      ['ftps-get', { output: 'file' }, '../outside/new.txt', /outside the server's local folder/],
      ['ftps-get', { output: 'file' }, 'escape/new.txt', /symbolic link/],
      ['ftps-put', { source: 'file' }, '/etc/passwd', /outside the server's local folder/],
      ['ftps-put', { source: 'file' }, 'escape/secret.txt', /symbolic link/],
      ['ftps-xput', { source: 'file' }, '../outside/secret.txt', /outside the server's local folder/],
    ];
    for (const [type, props, local, re] of cases) {
      it(`${type}: msg.localFilename ${JSON.stringify(local)} is refused, nothing is connected or written`, async () => {
        await helper.load(NODES, flow([{ id: 'n1', type, ...props }], { localRoot: path.join(base, 'root') }));
        const m = await caughtFrom('n1', { filename: '/a.txt', localFilename: local });
        assert.match(m.error.message, re);
        assert.strictEqual(helper.getNode('s1').pool, null, 'no connection was attempted');
        assert.deepStrictEqual(fs.readdirSync(path.join(base, 'outside')), ['secret.txt']);
      });
    }
  });
});
