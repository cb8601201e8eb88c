'use strict';
// "Test connection" (POST /ftps-server/test, the admin endpoint the server
// dialog calls) through node-red-node-test-helper's admin app, against real
// servers: what it reports on success, on an untrusted certificate (with
// the certificate to pin), with a pin, with saved credentials, and that the
// password never comes back.
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const h = require('../harness');
const { helper } = require('./support/red');

const ROOT = path.join(__dirname, '..', '..');
const serverNode = require(path.join(ROOT, 'nodes', 'ftps-server.js'));
const KIND = h.KINDS.find((k) => h.available(k));
const SECRET = 'T3st-conn3ction-S3cret';

describe('ftps-server "Test connection" endpoint: registration', () => {
  it("is a POST route behind Node-RED's admin permission ftps-server.write", () => {
    const routes = [];
    const guard = () => undefined;
    const asked = [];
    const RED = {
      httpAdmin: { post: (p, ...handlers) => routes.push({ p, handlers }) },
      auth: { needsPermission: (perm) => (asked.push(perm), guard) },
      nodes: { registerType: () => undefined, createNode: () => undefined, getNode: () => null, getCredentials: () => undefined },
      _: (k) => k,
    };
    serverNode(RED);
    assert.deepStrictEqual(asked, ['ftps-server.write']);
    assert.strictEqual(routes.length, 1);
    assert.strictEqual(routes[0].p, '/ftps-server/test');
    assert.strictEqual(routes[0].handlers[0], guard, 'the permission check runs first');
  });
});

describe('ftps-server "Test connection" endpoint', function () {
  this.timeout(60000);
  let ca;
  let self;
  before(async function () {
    if (!KIND) this.skip();
    h.requireServer(this, KIND);
    [ca, self] = await Promise.all([h.startServer(KIND, { mode: 'explicit' }), h.startServer(KIND, { mode: 'explicit', cert: 'self' })]);
  });
  after(async () => {
    await ca?.stop();
    await self?.stop();
  });
  beforeEach(async () => {
    // the endpoint is registered with the node type; a flow with one saved server node
    await helper.load([serverNode], [{ id: 'saved', type: 'ftps-server', host: self.host, port: String(self.port) }], { saved: { user: self.user, password: self.password } });
  });
  afterEach(() => helper.unload());

  const post = (body) => helper.request().post('/ftps-server/test').send(body).expect(200).then((r) => r.body);

  it('an untrusted certificate: the error names it, the hint says how to trust it, the certificate is offered for pinning', async () => {
    const r = await post({ config: { host: self.host, port: String(self.port), encryption: 'explicit', rejectUnauthorized: true }, credentials: { user: self.user, password: SECRET } });
    assert.strictEqual(r.ok, false);
    assert.strictEqual(r.step, 'connect');
    assert.match(r.error, /self-signed/);
    assert.match(r.hint, /Pin exactly this certificate/);
    const fp = new crypto.X509Certificate(fs.readFileSync((await h.certs()).files.selfSignedCert)).fingerprint256;
    assert.strictEqual(r.certificate.fingerprint256, fp);
    assert.match(r.certificate.subject, /CN=127\.0\.0\.1/);
    assert.ok(!JSON.stringify(r).includes(SECRET), 'password not returned');
  });

  it('pinned: greeting, TLS version, certificate subject and FEAT; the unchanged password placeholder uses the saved credentials', async () => {
    const fp = new crypto.X509Certificate(fs.readFileSync((await h.certs()).files.selfSignedCert)).fingerprint256;
    const r = await post({ id: 'saved', config: { host: self.host, port: String(self.port), encryption: 'explicit', fingerprint: fp.replace(/:/g, '').toLowerCase() }, credentials: { user: self.user, password: '__PWRD__' } });
    assert.strictEqual(r.ok, true, JSON.stringify(r));
    assert.strictEqual(r.step, 'done');
    assert.match(r.greeting, /^220 /);
    assert.match(r.tls.protocol, /^TLSv1\.[23]$/);
    assert.strictEqual(r.tls.certificate.fingerprint256, fp);
    assert.ok(Array.isArray(r.feat) && r.feat.some((f) => /^(AUTH|PBSZ|PROT|UTF8|MDTM|SIZE|EPSV)/.test(f)), JSON.stringify(r.feat));
    assert.strictEqual(typeof r.entries, 'number');
    assert.ok(!JSON.stringify(r).includes(self.password), 'saved password not returned');
  });

  it('a wrong password: login fails with the hint, and the password is not in the answer', async () => {
    const r = await post({ config: { host: ca.host, port: String(ca.port), encryption: 'explicit', rejectUnauthorized: false }, credentials: { user: ca.user, password: SECRET } });
    assert.strictEqual(r.ok, false);
    assert.strictEqual(r.step, 'login');
    assert.match(r.hint, /refused the user or password/);
    assert.ok(!JSON.stringify(r).includes(SECRET));
  });

  it('implicit FTPS against an explicit port: the hint names the port mix-up', async () => {
    const r = await post({ config: { host: ca.host, port: String(ca.port), encryption: 'implicit', rejectUnauthorized: false, timeout: 3 }, credentials: {} });
    assert.strictEqual(r.ok, false);
    assert.strictEqual(r.step, 'connect');
    assert.match(r.hint, /Implicit FTPS starts TLS at once, usually on port 990/);
  });

  it('a server announcing another PASV address: the test lists through the control host and says so', async function () {
    const kind = h.KINDS.find((k) => h.available(k) && h.caps(k).pasvAddress);
    if (!kind) this.skip();
    const nat = await h.startServer(kind, { mode: 'explicit', pasvAddress: '127.0.0.9' });
    try {
      const r = await post({ config: { host: nat.host, port: String(nat.port), encryption: 'explicit', rejectUnauthorized: false, epsv: 'never' }, credentials: { user: nat.user, password: nat.password } });
      assert.strictEqual(r.ok, true, JSON.stringify(r));
      assert.ok(r.notes.some((n) => /PASV named 127\.0\.0\.9/.test(n)), JSON.stringify(r.notes));
    } finally {
      await nat.stop();
    }
  });

  it('no host: a settings error, nothing contacted', async () => {
    const r = await post({ config: { host: '' } });
    assert.deepStrictEqual([r.ok, r.step], [false, 'settings']);
  });
});
