'use strict';
// One flow for a fleet: msg.ftpsServer picks the target per message
// (allowMsgOverride), through the nodes against three real servers: the
// config node's own ProFTPD, and a vsftpd and a pyftpdlib named by messages.
const assert = require('node:assert');
const { helper } = require('./support/red');
const { NODES, flowFor, call } = require('./support/flow');
const { resolveTarget, takeMsgTarget, maskSecret, TargetPools } = require('../../nodes/nodes/targets');
const h = require('../harness');

describe('per-message targets: resolveTarget, takeMsgTarget, TargetPools', () => {
  const base = { host: 'own.example', encryption: 'explicit', dataProtection: 'private', tls: { rejectUnauthorized: true, servername: 'own.example' } };
  const creds = { user: 'owner', password: 'own-secret' };

  it('the config node credentials go only to its own host and port', () => {
    const own = resolveTarget(base, creds, { host: 'OWN.example' });
    assert.strictEqual(own.own, true);
    assert.strictEqual(own.password, 'own-secret');
    const other = resolveTarget(base, creds, { host: 'device-7.example' });
    assert.deepStrictEqual([other.own, other.user, other.password], [false, 'anonymous', '']);
    const otherPort = resolveTarget(base, creds, { port: 2121 });
    assert.deepStrictEqual([otherPort.own, otherPort.user, otherPort.password], [false, 'anonymous', '']);
    const userOnly = resolveTarget(base, creds, { host: 'device-7.example', user: 'plc' });
    assert.deepStrictEqual([userOnly.user, userOnly.password], ['plc', '']);
    assert.ok(!JSON.stringify(other.key).includes('own-secret') && !userOnly.key.includes('own-secret'));
  });

  it('certificate checks follow the config node; its servername stays with its own host', () => {
    const other = resolveTarget({ ...base, tls: { rejectUnauthorized: true, servername: 'own.example', ca: 'CA' } }, creds, { host: 'd.example', encryption: 'implicit' });
    assert.strictEqual(other.client.tls.rejectUnauthorized, true);
    assert.strictEqual(other.client.tls.ca, 'CA');
    assert.strictEqual(other.client.tls.servername, undefined);
    assert.strictEqual(other.client.port, 990, 'implicit without a port: 990');
    const pinned = resolveTarget({ ...base, fingerprint: 'AB:CD', pasvHost: '10.0.0.1' }, creds, { host: 'd.example' });
    assert.strictEqual(pinned.client.fingerprint, undefined, 'the pin stays with the config host');
    assert.strictEqual(pinned.client.pasvHost, undefined);
    assert.strictEqual(resolveTarget({ ...base, fingerprint: 'AB:CD' }, creds, {}).client.fingerprint, 'AB:CD');
    assert.strictEqual(resolveTarget(base, creds, { host: 'd', encryption: 'clear', dataProt: 'private' }).client.dataProtection, 'clear');
  });

  it('pools are per host, port, user, encryption (and password digest)', () => {
    const k = (m) => resolveTarget(base, creds, m).key;
    assert.strictEqual(k({ host: 'a', user: 'u', password: 'p' }), k({ host: 'A', user: 'u', password: 'p' }));
    assert.notStrictEqual(k({ host: 'a', user: 'u', password: 'p' }), k({ host: 'a', user: 'u', password: 'q' }));
    assert.notStrictEqual(k({ host: 'a' }), k({ host: 'a', port: 2121 }));
    assert.notStrictEqual(k({ host: 'a' }), k({ host: 'a', encryption: 'implicit' }));
  });

  it('takeMsgTarget removes the password from the msg and refuses bad fields', () => {
    const msg = { ftpsServer: { host: 'd.example', user: 'u', password: 'p4ss', port: '2121' } };
    const t = takeMsgTarget(msg);
    assert.deepStrictEqual(t, { host: 'd.example', user: 'u', password: 'p4ss', port: 2121 });
    assert.ok(!('password' in msg.ftpsServer));
    assert.throws(() => takeMsgTarget({ ftpsServer: { host: 'a\r\nb' } }), /line break/);
    assert.throws(() => takeMsgTarget({ ftpsServer: { port: 70000 } }), /port/);
    assert.throws(() => takeMsgTarget({ ftpsServer: { encryption: 'none' } }), /encryption/);
    assert.throws(() => takeMsgTarget({ ftpsServer: 'host' }), /object/);
    assert.strictEqual(takeMsgTarget({}), undefined);
  });

  it('maskSecret hides a password a server echoed', () => {
    assert.strictEqual(maskSecret(new Error('530 bad password dev1ce-pw'), 'dev1ce-pw').message, '530 bad password ****');
  });

  it('TargetPools: at most max pools; a new target waits for an idle one, the least recently used is closed first', async () => {
    const closed = [];
    const pools = new TargetPools(2, (key) => ({ key, close: async () => void closed.push(key) }));
    let release;
    const gate = new Promise((r) => (release = r));
    const a = pools.run('a', () => gate);
    await pools.run('b', async () => 'b');
    await pools.run('c', async () => 'c'); // b is idle and least recently used: closed
    assert.deepStrictEqual(closed, ['b']);
    const d = pools.run('d', async () => 'd'); // a busy, c idle: c closed
    assert.strictEqual(await d, 'd');
    assert.deepStrictEqual(closed, ['b', 'c']);
    let eDone = false;
    const e = pools.run('e', async () => { eDone = true; }); // a busy and d... d idle: closed
    await e;
    assert.ok(eDone);
    assert.ok(pools.size <= 2);
    release('a');
    assert.strictEqual(await a, 'a');
    await pools.close();
  });
});

describe('per-message targets through the nodes (ProFTPD own, vsftpd and pyftpdlib by msg.ftpsServer)', function () {
  this.timeout(60000);
  let own;
  let b;
  let c;
  let caFile;

  before(async function () {
    h.requireServer(this, 'proftpd', 'explicit');
    h.requireServer(this, 'vsftpd', 'explicit');
    h.requireServer(this, 'pyftpdlib', 'explicit');
    [own, b, c] = await Promise.all([h.startServer('proftpd', { mode: 'explicit' }), h.startServer('vsftpd', { mode: 'explicit' }), h.startServer('pyftpdlib', { mode: 'explicit' })]);
    caFile = (await h.certs()).files.caCert;
    own.put('where.txt', 'own');
    b.put('where.txt', 'vsftpd');
    c.put('where.txt', 'pyftpdlib');
  });
  after(async () => {
    await Promise.all([own, b, c].filter(Boolean).map((s) => s.stop()));
  });
  afterEach(async () => {
    await helper.unload();
  });

  const load = (extra) =>
    helper.load(NODES, flowFor(own, caFile, [{ id: 'g1', type: 'ftps-get', output: 'utf8' }], { retries: 0, ...extra }), { s1: { user: own.user, password: own.password } });
  const target = (s, withCreds = true) => ({ host: s.host, port: s.port, ...(withCreds ? { user: s.user, password: s.password } : {}) });

  it('without allowMsgOverride, msg.ftpsServer is an error naming allowMsgOverride; nothing is connected; no password in the Catch msg', async () => {
    await load({});
    const e = await call('g1', { filename: '/where.txt', ftpsServer: target(b) }).then(() => assert.fail('expected a failure'), (x) => x);
    assert.match(e.message, /allowMsgOverride/);
    assert.strictEqual(helper.getNode('s1').pool, null, 'no connection to the configured host either');
    assert.ok(!('password' in e.msg.ftpsServer));
    assert.ok(!JSON.stringify(e.msg).includes(b.password));
  });

  it('with allowMsgOverride each message goes to its target; the password is gone from the output msg; a msg without it goes to the config host', async () => {
    await load({ allowMsgOverride: true });
    const r1 = await call('g1', { filename: '/where.txt', ftpsServer: target(b) });
    assert.strictEqual(r1.payload, 'vsftpd');
    assert.deepStrictEqual(r1.ftpsServer, { host: b.host, port: b.port, user: b.user });
    const r2 = await call('g1', { filename: '/where.txt', ftpsServer: target(c) });
    assert.strictEqual(r2.payload, 'pyftpdlib');
    const r3 = await call('g1', { filename: '/where.txt' });
    assert.strictEqual(r3.payload, 'own');
    const r4 = await call('g1', { filename: '/where.txt', ftpsServer: { host: own.host, port: own.port } });
    assert.strictEqual(r4.payload, 'own', 'its own host and port: the config node credentials');
    assert.strictEqual(helper.getNode('s1').targets.size, 2, 'one pool per named target');
  });

  it('another host without credentials logs in as anonymous, never with the config node credentials', async () => {
    await load({ allowMsgOverride: true });
    const from = b.log().length;
    const e = await call('g1', { filename: '/where.txt', ftpsServer: target(b, false) }).then(() => assert.fail('expected a failure'), (x) => x);
    assert.ok(e.code >= 500, e.message);
    const log = b.log().slice(from);
    assert.match(log, /USER anonymous/);
    assert.ok(!log.includes(`USER ${own.user}`), 'the config node user was not sent');
  });

  it('maxTargets 1: messages to two targets, all at once, all succeed with at most one target pool open', async () => {
    await load({ allowMsgOverride: true, maxTargets: 1 });
    const node = helper.getNode('s1');
    let most = 0;
    const msgs = [];
    for (let i = 0; i < 6; i += 1) msgs.push({ filename: '/where.txt', ftpsServer: target(i % 2 ? c : b), i });
    const got = [];
    const done = new Promise((resolve, reject) => {
      helper.getNode('out').on('input', (m) => {
        most = Math.max(most, node.targets.size);
        got.push(m);
        if (got.length === msgs.length) resolve();
      });
      helper.getNode('caught').on('input', (m) => reject(new Error(m.error.message)));
    });
    for (const m of msgs) helper.getNode('g1').receive(m);
    await done;
    assert.strictEqual(most, 1);
    for (const m of got) assert.strictEqual(m.payload, m.i % 2 ? 'pyftpdlib' : 'vsftpd');
  });
});
