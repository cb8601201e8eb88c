'use strict';
// Reliability: faults injected between the nodes and each real server
// (vsftpd, ProFTPD, Pure-FTPd, pyftpdlib; explicit FTPS) by
// test/support/fault-proxy.js. For each fault: the failure reaches the Catch
// node with a message and a code, nothing partial appears under a final name,
// a retry completes the file byte-exact, the next message gets a working
// session without a redeploy, and no socket, timer or file handle is left open.
// Where the servers genuinely differ, EXPECT says how (and why).
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./support/red');
const { call: baseCall } = require('./support/flow');
const { pattern, sha, useFaultProxy, failure } = require('./support/fault-setup');
const { resources, grownSince } = require('../support/resources');
const h = require('../harness');

const call = (id, msg) => baseCall(id, msg, 30000);

// Where the servers genuinely differ (each seen on the real server), the outcomes
// allowed: [code, message] pairs.
const EXPECT = {
  // A RETR whose TLS data connection the proxy ends with a bare FIN (no close_notify):
  // the servers mostly answer 226 for what they sent (Pure-FTPd and pyftpdlib announce no size
  // in their 150, so only the missing close_notify tells), and the client fails it with
  // 426; ProFTPD at times takes the FIN as the end of the whole session (421).
  finDownload: {
    // vsftpd at times notices the closed connection while still sending: its own 426
    vsftpd: [[426, /incomplete|Failure writing network stream/]],
    proftpd: [[426, /incomplete/], [421, /closed by the server|lost/]],
    // or, at times, it never answers the RETR (the reply times out: 421)
    pureftpd: [[426, /incomplete/], [421, /timed out/]],
    // or it notices the closed connection while still sending: its own 426
    pyftpdlib: [[426, /incomplete|Transfer aborted/]],
  },
  // A STOR whose data connection the proxy ends with a bare FIN. vsftpd fails it itself
  // (426 "Failure reading network stream"); ProFTPD and Pure-FTPd answer 226 for what
  // they got and the client's SIZE check says 426 "incomplete"; pyftpdlib does that too,
  // or at times never answers the STOR at all (the reply times out: 421).
  finUpload: {
    vsftpd: [[426, /Failure reading network stream/]],
    proftpd: [[426, /incomplete/]],
    pureftpd: [[426, /incomplete/]],
    pyftpdlib: [[426, /incomplete/], [421, /timed out/]],
  },
};

/** `e` is one of the outcomes EXPECT[what] allows for `kind`. */
function expected(what, kind, e) {
  const ok = EXPECT[what][kind].some(([code, re]) => e.code === code && re.test(e.message));
  assert.ok(ok, `${kind}: ${e.code} ${e.message} is not one of ${EXPECT[what][kind].map(([c, r]) => `${c} ${r}`).join(', ')}`);
}

for (const kind of h.KINDS) {
  describe(`reliability: faults injected by a proxy between the nodes and ${kind}`, function () {
    this.timeout(60000);
    const fx = useFaultProxy(kind, { timeout: 5, retries: 0 });
    let s;
    let proxy;
    let localDir;
    let before0;

    before(() => {
      ({ s, proxy } = fx);
    });
    // async, as afterEach is: mocha runs its hook timeout timer in both (once the hook
    // has returned its promise), so the counts compare like with like
    beforeEach(async () => {
      localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-faults-'));
      await new Promise((r) => setImmediate(r));
      before0 = resources();
      proxy.clearFaults();
    });
    afterEach(async function () {
      const pool = helper.getNode('s1')?.pool;
      await helper.unload();
      if (pool) assert.strictEqual(pool.status().sessions, 0, 'the pool has no session left');
      await proxy.drained();
      // every socket, TLS stream, timer and file handle the test opened is closed again
      // (a destroyed handle counts until its close callback runs: grownSince waits for that)
      assert.deepStrictEqual(await grownSince(before0), [], this.currentTest.title);
      fs.rmSync(localDir, { recursive: true, force: true });
    });

    const load = (nodes, serverExtra) => fx.load(nodes, serverExtra);
    const remote = (rel) => path.join(s.root, rel);
    const scratchFiles = (dir) => fs.readdirSync(dir).filter((n) => n.startsWith('_tmp.') || n.includes('.tmp'));

    it('the data connection cut mid-RETR: Catch, no local file (final or scratch), resume retry byte-exact, next message works', async () => {
      const data = pattern(2 * 1024 * 1024, 1);
      s.put('faults/retr.bin', data);
      await load([{ id: 'g1', type: 'ftps-get', output: 'file' }, { id: 'g2', type: 'ftps-get', output: 'file', resume: true }]);
      const local = path.join(localDir, 'retr.bin');
      proxy.inject({ conn: 'data', dir: 'down', after: 300 * 1024, action: 'reset' });
      const e = await failure('g1', { filename: '/faults/retr.bin', localFilename: local });
      assert.deepStrictEqual(proxy.fired, [{ kind: 'data', action: 'reset' }]);
      assert.deepStrictEqual(fs.readdirSync(localDir), [], `nothing under the final or a scratch name (${e.message})`);
      const r = await call('g2', { filename: '/faults/retr.bin', localFilename: local });
      assert.strictEqual(r.payload, local);
      assert.strictEqual(sha(fs.readFileSync(local)), sha(data));
      assert.deepStrictEqual(fs.readdirSync(localDir), ['retr.bin']);
    });

    it('the data connection ended by a plain FIN mid-RETR (no TLS close_notify): not taken as complete (EXPECT.finDownload), no local file', async () => {
      const data = pattern(1024 * 1024, 8);
      s.put('faults/fin.bin', data);
      await load([{ id: 'g1', type: 'ftps-get', output: 'file' }, { id: 'g2', type: 'ftps-get' }]);
      const local = path.join(localDir, 'fin.bin');
      proxy.inject({ conn: 'data', dir: 'down', after: 200 * 1024, action: 'fin' });
      expected('finDownload', kind, await failure('g1', { filename: '/faults/fin.bin', localFilename: local }));
      assert.deepStrictEqual(fs.readdirSync(localDir), [], 'nothing under the final or a scratch name');
      proxy.inject({ conn: 'data', dir: 'down', after: 300 * 1024, action: 'fin' });
      expected('finDownload', kind, await failure('g2', { filename: '/faults/fin.bin' }));
      assert.ok((await call('g2', { filename: '/faults/fin.bin' })).payload.equals(data));
    });

    for (const action of ['reset', 'fin']) {
      const how = action === 'fin' ? 'ended by a plain FIN (no close_notify: not taken as complete, EXPECT.finDownload)' : 'cut (RST)';
      it(`the data connection of a resumed get ${how} mid-RETR: the part kept, the retry completes it byte-exact`, async () => {
        const data = pattern(1024 * 1024, action === 'fin' ? 11 : 2);
        s.put(`faults/resume-${action}.bin`, data);
        const local = path.join(localDir, `resume-${action}.bin`);
        fs.writeFileSync(local, data.subarray(0, 100 * 1024));
        await load([{ id: 'g2', type: 'ftps-get', output: 'file', resume: true }]);
        proxy.inject({ conn: 'data', dir: 'down', after: 200 * 1024, action });
        const e = await failure('g2', { filename: `/faults/resume-${action}.bin`, localFilename: local });
        if (action === 'fin') expected('finDownload', kind, e);
        const kept = fs.readFileSync(local);
        assert.ok(kept.length >= 100 * 1024 && kept.length < data.length, `a prefix is kept (${kept.length})`);
        assert.ok(kept.equals(data.subarray(0, kept.length)), 'the kept part is a true prefix');
        const r = await call('g2', { filename: `/faults/resume-${action}.bin`, localFilename: local });
        assert.strictEqual(r.ftps.bytes, data.length - kept.length, 'only the rest was fetched');
        assert.strictEqual(sha(fs.readFileSync(local)), sha(data));
      });
    }

    it('the data connection cut mid-STOR of an xput: Catch, no remote file (final or scratch), the retry is byte-exact', async () => {
      const data = pattern(2 * 1024 * 1024, 3);
      await load([{ id: 'x1', type: 'ftps-xput', mkdirs: true }]);
      proxy.inject({ conn: 'data', dir: 'up', after: 400 * 1024, action: 'reset' });
      await failure('x1', { filename: '/faults/stor/x.bin', payload: data });
      assert.deepStrictEqual(fs.readdirSync(remote('faults/stor')), [], 'no final file, the scratch file was removed');
      const r = await call('x1', { filename: '/faults/stor/x.bin', payload: data });
      assert.strictEqual(r.ftps.bytes, data.length);
      assert.strictEqual(sha(fs.readFileSync(remote('faults/stor/x.bin'))), sha(data));
      assert.deepStrictEqual(fs.readdirSync(remote('faults/stor')), ['x.bin']);
    });

    it('the data connection cut mid-STOR of a put from a local file: a put with resume completes it byte-exact', async () => {
      const data = pattern(2 * 1024 * 1024, 4);
      const src = path.join(localDir, 'src.bin');
      fs.writeFileSync(src, data);
      s.put('faults/put/.keep', '');
      await load([{ id: 'p1', type: 'ftps-put', source: 'file' }, { id: 'p2', type: 'ftps-put', source: 'file', resume: true }]);
      proxy.inject({ conn: 'data', dir: 'up', after: 500 * 1024, action: 'reset' });
      await failure('p1', { filename: '/faults/put/p.bin', localFilename: src });
      const part = fs.existsSync(remote('faults/put/p.bin')) ? fs.statSync(remote('faults/put/p.bin')).size : 0;
      assert.ok(part < data.length, `the remote file is incomplete (${part})`);
      const r = await call('p2', { filename: '/faults/put/p.bin', localFilename: src });
      assert.strictEqual(r.ftps.bytes, data.length - part, 'only the missing part was sent');
      assert.strictEqual(sha(fs.readFileSync(remote('faults/put/p.bin'))), sha(data));
    });

    it('a small upload whose data connection is reset after the last write: a clean failure, not an uncaught error', async () => {
      s.put('faults/small/.keep', '');
      await load([{ id: 'p1', type: 'ftps-put' }]);
      const data = pattern(40 * 1024, 9);
      proxy.inject({ conn: 'data', dir: 'up', after: 20 * 1024, action: 'reset' });
      await failure('p1', { filename: '/faults/small/s.bin', payload: data });
      await call('p1', { filename: '/faults/small/s.bin', payload: data });
      assert.strictEqual(sha(fs.readFileSync(remote('faults/small/s.bin'))), sha(data));
    });

    it('an upload ended by a plain FIN: put and xput fail (EXPECT.finUpload), xput leaves nothing', async () => {
      s.put('faults/fin-up/.keep', '');
      await load([{ id: 'p1', type: 'ftps-put' }, { id: 'x1', type: 'ftps-xput' }]);
      const data = pattern(200 * 1024, 10);
      const f0 = proxy.fired.length;
      proxy.inject({ conn: 'data', dir: 'up', after: 64 * 1024, action: 'fin' });
      expected('finUpload', kind, await failure('p1', { filename: '/faults/fin-up/p.bin', payload: data }));
      assert.strictEqual(proxy.fired.length - f0, 1, `the put's data connection was cut ${JSON.stringify(proxy.fired.slice(f0))}`);
      proxy.inject({ conn: 'data', dir: 'up', after: 64 * 1024, action: 'fin' });
      const e2 = await failure('x1', { filename: '/faults/fin-up/x.bin', payload: data });
      expected('finUpload', kind, e2);
      assert.strictEqual(proxy.fired.length - f0, 2, `the xput's data connection was cut ${JSON.stringify(proxy.fired.slice(f0))}`);
      // (the put's partial p.bin may be there or not: vsftpd removes a failed upload; after a 421
      // the xput's scratch file waits for the next session to delete it, as tested above)
      const left = fs.readdirSync(remote('faults/fin-up')).filter((n) => n !== 'p.bin' && !(e2.code === 421 && n.startsWith('_tmp.')));
      assert.deepStrictEqual(left.sort(), ['.keep'], 'no xput file, final or scratch');
      // The next uploads, up to three tries (what the node's retries would do): right after such
      // a cut, vsftpd has failed the next STOR with its 426 "Failure reading network stream", and
      // pyftpdlib, once a STOR of it went unanswered (its 421 above), stores later TLS uploads only
      // in part (112 of 200 KiB, again and again) and answers 226. The client's SIZE check fails
      // each of those (426 incomplete); what must hold then is that no upload is taken as whole
      // when it is not, and that nothing partial is under the final name.
      let whole = false;
      for (let i = 0; i < 3 && !whole; i += 1) {
        try {
          await call('x1', { filename: '/faults/fin-up/x.bin', payload: data });
          whole = true;
        } catch (e) {
          assert.strictEqual(e.code, 426, e.message);
          assert.ok(kind === 'pyftpdlib' || kind === 'vsftpd', `${kind}: ${e.message}`);
        }
      }
      // (vsftpd has also been seen, on a loaded CI machine, to fail all three with its 426)
      if (whole) assert.strictEqual(sha(fs.readFileSync(remote('faults/fin-up/x.bin'))), sha(data));
      else assert.ok(!fs.existsSync(remote('faults/fin-up/x.bin')), `${kind} kept failing: nothing under the final name`);
    });

    it('the control connection cut mid-transfer (xput): Catch with 421; the scratch file is deleted by the next session', async () => {
      const data = pattern(3 * 1024 * 1024, 5);
      s.put('faults/ctl/.keep', '');
      await load([{ id: 'x1', type: 'ftps-xput' }, { id: 'q1', type: 'ftps-quot' }]);
      proxy.inject({ conn: 'data', dir: 'up', after: 256 * 1024, action: 'reset-control' });
      const e = await failure('x1', { filename: '/faults/ctl/x.bin', payload: data });
      assert.strictEqual(e.code, 421, e.message);
      assert.ok(!fs.existsSync(remote('faults/ctl/x.bin')), 'nothing under the final name');
      // the scratch file could not be deleted on the dead session; the server may still be writing it
      await proxy.drained();
      const left = scratchFiles(remote('faults/ctl'));
      assert.strictEqual(left.length, 1, `the lost session left its scratch file (${left})`);
      const ok = await call('q1', { payload: 'NOOP' });
      assert.strictEqual(ok.ftps.code, 200, 'the next message works without a redeploy');
      assert.deepStrictEqual(scratchFiles(remote('faults/ctl')), [], 'the next session deleted the scratch file');
      // Up to three tries on pyftpdlib: after a session of it was cut mid-STOR, it has been seen
      // (CI) to store the next TLS upload only in part and answer 226, as in the FIN test below;
      // the client's SIZE check must fail each such try and leave nothing under the final name.
      let r;
      for (let i = 0; i < 3 && !r; i += 1) {
        try {
          r = await call('x1', { filename: '/faults/ctl/x.bin', payload: data });
        } catch (err) {
          assert.ok(kind === 'pyftpdlib' && err.code === 426 && /incomplete/.test(err.message), `${kind}: ${err.code} ${err.message}`);
          assert.ok(!fs.existsSync(remote('faults/ctl/x.bin')), 'nothing partial under the final name');
        }
      }
      if (!r) return assert.ok(!fs.existsSync(remote('faults/ctl/x.bin')), 'pyftpdlib kept truncating: nothing under the final name');
      assert.strictEqual(sha(fs.readFileSync(remote('faults/ctl/x.bin'))), sha(data));
      assert.strictEqual(r.ftps.bytes, data.length);
    });

    it('the control connection cut mid-RETR: Catch with 421, no local file, the next message works', async () => {
      const data = pattern(2 * 1024 * 1024, 6);
      s.put('faults/ctl/r.bin', data);
      await load([{ id: 'g1', type: 'ftps-get', output: 'file' }]);
      const local = path.join(localDir, 'r.bin');
      proxy.inject({ conn: 'data', dir: 'down', after: 256 * 1024, action: 'reset-control' });
      const e = await failure('g1', { filename: '/faults/ctl/r.bin', localFilename: local });
      assert.strictEqual(e.code, 421, e.message);
      assert.deepStrictEqual(fs.readdirSync(localDir), []);
      await call('g1', { filename: '/faults/ctl/r.bin', localFilename: local });
      assert.strictEqual(sha(fs.readFileSync(local)), sha(data));
    });

    it('a server that stalls mid-RETR past the timeout: Catch with a timeout error (421), no local file, the next message works', async () => {
      const data = pattern(1024 * 1024, 7);
      s.put('faults/stall.bin', data);
      // 3 s, not 1: the same timeout covers the login and the TLS handshakes before the stall,
      // and a loaded CI machine has been seen to pause a handshake for over a second
      await load([{ id: 'g1', type: 'ftps-get', output: 'file' }], { timeout: 3 });
      const local = path.join(localDir, 'stall.bin');
      proxy.inject({ conn: 'data', dir: 'down', after: 100 * 1024, action: 'stall' });
      const e = await failure('g1', { filename: '/faults/stall.bin', localFilename: local });
      assert.match(e.message, /no data moved on the data connection for 3 s/);
      assert.strictEqual(e.code, 421);
      assert.deepStrictEqual(fs.readdirSync(localDir), []);
      await call('g1', { filename: '/faults/stall.bin', localFilename: local });
      assert.strictEqual(sha(fs.readFileSync(local)), sha(data));
    });

    it('a server that stalls on the control connection (no reply) past the timeout: Catch, the next message works', async () => {
      // 3 s: the retry's login and handshake run under the same timeout (see above)
      await load([{ id: 'q1', type: 'ftps-quot' }], { timeout: 3 });
      proxy.inject({ conn: 'control', dir: 'down', after: 0, action: 'stall' });
      const e = await failure('q1', { payload: 'NOOP' });
      assert.match(e.message, /time|greeting/i);
      assert.strictEqual((await call('q1', { payload: 'NOOP' })).ftps.code, 200);
    });

    it('the TLS handshake aborted (control reset right after AUTH TLS): Catch with a TLS/connection error, the next message works', async () => {
      await load([{ id: 'q1', type: 'ftps-quot' }]);
      // "AUTH TLS\r\n" is 10 bytes; the ClientHello follows
      proxy.inject({ conn: 'control', dir: 'up', after: 10, action: 'reset' });
      const e = await failure('q1', { payload: 'NOOP' });
      assert.match(e.message, /TLS|closed|reset|handshake|socket/i);
      assert.strictEqual((await call('q1', { payload: 'NOOP' })).ftps.code, 200);
    });

    it('the data TLS handshake aborted: Catch, the next message works', async () => {
      s.put('faults/hs.txt', 'handshake');
      await load([{ id: 'g1', type: 'ftps-get', output: 'utf8' }]);
      proxy.inject({ conn: 'data', dir: 'up', after: 0, action: 'reset' });
      // A reset in a data handshake begun before the 1xx is taken for pyftpdlib's refusal of
      // an early ClientHello and the transfer repeated on a new data connection (data-channel.ts,
      // EarlyTlsReset): when the reset comes before the 150 is read, the message can succeed.
      const first = await call('g1', { filename: '/faults/hs.txt' }).then(
        (m) => m,
        (e) => e,
      );
      if (first instanceof Error) {
        assert.ok(first.caught, first.message);
        assert.strictEqual(typeof first.code, 'number', first.message);
      } else {
        assert.strictEqual(first.payload, 'handshake');
      }
      assert.strictEqual((await call('g1', { filename: '/faults/hs.txt' })).payload, 'handshake');
    });

    it('the server restarts between two messages: the second gets a new session without a redeploy', async () => {
      s.put('faults/restart.txt', 'before');
      await load([{ id: 'g1', type: 'ftps-get', output: 'utf8' }, { id: 'p1', type: 'ftps-put' }]);
      assert.strictEqual((await call('g1', { filename: '/faults/restart.txt' })).payload, 'before');
      const closed = proxy.nextServerClose('control');
      await s.restart();
      await closed;
      await call('p1', { filename: '/faults/restart.txt', payload: 'after' });
      assert.strictEqual((await call('g1', { filename: '/faults/restart.txt' })).payload, 'after');
    });
  });
}

// Pure-FTPd's idle timeout (-I) counts whole minutes: its case waits one. The pool's own
// idleTimeout is set above the server's so that the server is the one to close.
for (const kind of h.KINDS) {
  const idle = kind === 'pureftpd' ? 60 : 3;
  describe(`reliability: a server that answers 421 to an idle session (${kind})`, function () {
    this.timeout(idle * 1000 + 60000);
    const fx = useFaultProxy(kind, { timeout: 5, retries: 0, idleTimeout: 600 }, { idleTimeout: idle });
    afterEach(() => helper.unload());

    it('the session the server closed is replaced: the next message succeeds, nothing reaches the Catch node', async () => {
      const { proxy } = fx;
      await fx.load([{ id: 'q1', type: 'ftps-quot' }]);
      // the server's 421 and the close of the connection, seen by the proxy (listening from the start:
      // on a busy machine the second can pass before the first message's output arrives). Either
      // side may look like the closer: our client closes as soon as it reads the 421, at times
      // before the proxy has read the server's own FIN.
      const closed = proxy.nextClose('control');
      assert.strictEqual((await call('q1', { payload: 'NOOP' })).ftps.code, 200);
      const pool = helper.getNode('s1').pool;
      await closed;
      const m = await call('q1', { payload: 'PWD' });
      assert.strictEqual(m.ftps.code, 257);
      assert.strictEqual(proxy.counts.control, 2, 'a second session was opened');
      assert.strictEqual(pool.status().sessions, 1);
    });
  });
}
