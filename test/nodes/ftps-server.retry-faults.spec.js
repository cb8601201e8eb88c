'use strict';
// Retries with backoff through the nodes: faults injected between the nodes
// and a real ProFTPD by test/support/fault-proxy.js; the node retries on its
// own, shows "retry n/m in x s", and leaves no partial or scratch file.
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./support/red');
const { call } = require('./support/flow');
const { sha, useFaultProxy } = require('./support/fault-setup');

describe('retries with backoff through the nodes (ProFTPD behind a fault proxy)', function () {
  this.timeout(60000);
  const fx = useFaultProxy('proftpd', { timeout: 5, retries: 2, retryDelay: 0.05 });
  let s;
  let proxy;
  let localDir;

  before(() => {
    ({ s, proxy } = fx);
  });
  beforeEach(() => {
    localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-retry-'));
    proxy.clearFaults();
  });
  afterEach(async () => {
    await helper.unload();
    fs.rmSync(localDir, { recursive: true, force: true });
  });

  const load = (nodes, serverExtra) => fx.load(nodes, serverExtra);
  /** The statuses node `id` shows, recorded from now on. */
  const statuses = (id) => {
    const seen = [];
    const n = helper.getNode(id);
    const orig = n.status.bind(n);
    n.status = (st) => {
      seen.push(st.text || '');
      return orig(st);
    };
    return seen;
  };

  it('a data connection cut mid-RETR: retried after the backoff, the file arrives byte-exact, no scratch file, status "retry 1/2 in 0.1 s"', async () => {
    const data = crypto.randomBytes(2 * 1024 * 1024);
    s.put('retry/retr.bin', data);
    await load([{ id: 'g1', type: 'ftps-get', output: 'file' }], { retryDelay: 0.1 });
    const seen = statuses('g1');
    const local = path.join(localDir, 'retr.bin');
    const f0 = proxy.fired.length;
    proxy.inject({ conn: 'data', dir: 'down', after: 300 * 1024, action: 'reset' });
    const r = await call('g1', { filename: '/retry/retr.bin', localFilename: local });
    assert.deepStrictEqual(proxy.fired.slice(f0), [{ kind: 'data', action: 'reset' }], 'the fault happened');
    assert.strictEqual(sha(fs.readFileSync(local)), sha(data));
    assert.deepStrictEqual(fs.readdirSync(localDir), ['retr.bin'], 'no scratch file left');
    assert.strictEqual(r.payload, local);
    assert.ok(seen.includes('retry 1/2 in 0.1 s'), `status showed the retry: ${JSON.stringify(seen)}`);
  });

  it('a data connection cut mid-STOR of an xput: retried, the remote file byte-exact, no scratch file left', async () => {
    const data = crypto.randomBytes(3 * 1024 * 1024);
    await load([{ id: 'x1', type: 'ftps-xput' }]);
    fs.mkdirSync(path.join(s.root, 'retry-up'), { recursive: true });
    s.own(path.join(s.root, 'retry-up'));
    const f0 = proxy.fired.length;
    proxy.inject({ conn: 'data', dir: 'up', after: 512 * 1024, action: 'reset' });
    await call('x1', { filename: '/retry-up/up.bin', payload: data });
    assert.strictEqual(proxy.fired.length - f0, 1, 'the fault happened');
    assert.strictEqual(sha(fs.readFileSync(path.join(s.root, 'retry-up', 'up.bin'))), sha(data));
    assert.deepStrictEqual(fs.readdirSync(path.join(s.root, 'retry-up')), ['up.bin'], 'no scratch file on the server');
  });

  it('a fault on every try: the Catch gets the error saying how many tries were made; no local file', async () => {
    s.put('retry/always.bin', crypto.randomBytes(1024 * 1024));
    await load([{ id: 'g1', type: 'ftps-get', output: 'file' }]);
    const f0 = proxy.fired.length;
    for (let i = 0; i < 3; i += 1) proxy.inject({ conn: 'data', dir: 'down', after: 64 * 1024, action: 'reset' });
    const local = path.join(localDir, 'always.bin');
    const e = await call('g1', { filename: '/retry/always.bin', localFilename: local }).then(
      () => assert.fail('expected a failure'),
      (x) => x,
    );
    assert.strictEqual(proxy.fired.length - f0, 3, 'three tries, each cut');
    assert.match(e.message, /\(3 tries\)$/);
    assert.strictEqual(typeof e.code, 'number');
    assert.deepStrictEqual(fs.readdirSync(localDir), []);
  });

  it('never retries an operation unsafe to repeat (put unique): a data connection cut, one try, the error as is', async () => {
    await load([{ id: 'u1', type: 'ftps-put', mode: 'unique' }]);
    fs.mkdirSync(path.join(s.root, 'retry-u'), { recursive: true });
    s.own(path.join(s.root, 'retry-u'));
    proxy.inject({ conn: 'data', dir: 'up', after: 256 * 1024, action: 'reset' });
    const d0 = proxy.counts.data;
    const e = await call('u1', { filename: '/retry-u/', payload: crypto.randomBytes(2 * 1024 * 1024) }).then(
      () => assert.fail('expected a failure'),
      (x) => x,
    );
    assert.strictEqual(proxy.counts.data - d0, 1, 'one data connection: no retry');
    assert.doesNotMatch(e.message, /tries\)$/);
  });
});
