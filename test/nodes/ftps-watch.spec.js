'use strict';
// ftps-watch in flows against the real servers (explicit FTPS, CA from a
// tls-config node). Polls are driven by input messages (the interval is an
// hour) and each poll's end is seen through a Complete node (or a Catch node
// when it fails), so nothing here waits on time.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper, core } = require('./support/red');
const { useServer } = require('./support/flow');
const h = require('../harness');

const ROOT = path.join(__dirname, '..', '..');
const NODES = [require(path.join(ROOT, 'nodes', 'ftps-server.js')), require(path.join(ROOT, 'nodes', 'ftps-watch.js')), core('network/05-tls.js')];
// MLSD (proftpd, pureftpd, pyftpdlib) and LIST only (vsftpd)
const KINDS = ['proftpd', 'vsftpd', 'pureftpd', 'pyftpdlib'];

/** A watch flow; `caFile` is the CA file its tls-config node reads. */
function flowFor(s, caFile, watch, extra = []) {
  return [
    { id: 'f1', type: 'tab', label: 'watch' },
    { id: 'tls1', type: 'tls-config', name: '', cert: '', key: '', ca: caFile, certname: '', keyname: '', caname: '', servername: '', verifyservercert: true, alpnprotocol: '' },
    { id: 's1', type: 'ftps-server', host: s.host, port: String(s.port), encryption: 'explicit', tls: 'tls1', timeout: 10, maxConnections: 1, idleTimeout: 60 },
    { id: 'w1', z: 'f1', type: 'ftps-watch', server: 's1', interval: 3600, wires: [['out']], ...watch },
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'c1', z: 'f1', type: 'catch', scope: ['w1'], uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
    { id: 'cp1', z: 'f1', type: 'complete', scope: ['w1'], uncaught: false, wires: [['polled']] },
    { id: 'polled', z: 'f1', type: 'helper' },
    ...extra,
  ];
}

/** Records what the watch sends and what Catch gets; poll() triggers one poll and waits for its end. */
function recorder() {
  const outs = [];
  const caught = [];
  const statuses = [];
  let seq = 0;
  helper.getNode('out').on('input', (m) => outs.push(m));
  helper.getNode('w1').on('call:status', (call) => statuses.push(call.args[0]));
  const waiters = new Map();
  helper.getNode('caught').on('input', (m) => {
    const w = waiters.get(m.pollId);
    if (w) w(m);
    else caught.push(m);
  });
  helper.getNode('polled').on('input', (m) => {
    const w = waiters.get(m.pollId);
    if (w) w(m);
  });
  return {
    outs,
    caught,
    statuses,
    /** One poll (after any running); resolves with { sent, errors, failed } for that poll. */
    poll(extra = {}, ms = 30000) {
      seq += 1;
      const id = seq;
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`poll ${id} did not finish within ${ms} ms`)), ms);
        waiters.set(id, (m) => {
          clearTimeout(t);
          waiters.delete(id);
          // the poll's own messages were sent before it finished
          resolve({ sent: outs.splice(0), errors: caught.splice(0), failed: m.error ? m.error : null });
        });
        helper.getNode('w1').receive({ pollId: id, ...extra });
      });
    },
  };
}

const names = (msgs) => msgs.map((m) => `${m.event} ${m.filename}`);

describe('ftps-watch (no server needed)', function () {
  this.timeout(20000);
  afterEach(async () => {
    await helper.unload();
  });
  // a port nothing listens on: any connection attempt fails
  const fake = { host: '127.0.0.1', port: 9 };

  it('"move" without a moveTo: red status, an input msg gets the error (Catch), nothing is polled', async () => {
    await helper.load(NODES, flowFor(fake, '', { path: '/in', afterEmit: 'move', moveTo: '' }), { s1: { user: 'u', password: 'p' } });
    const r = recorder();
    const p = await r.poll();
    assert.match(p.failed.message, /no moveTo directory/);
    assert.ok(r.statuses.every((st) => st.fill === 'red'));
  });

  it('refuses CR/LF in msg.path before anything is sent', async () => {
    await helper.load(NODES, flowFor(fake, '', { path: '/in' }), { s1: { user: 'u', password: 'p' } });
    const r = recorder();
    const p = await r.poll({ path: '/in\r\nDELE x' });
    assert.ok(p.failed);
    assert.match(p.failed.message, /CR|LF|line/i);
    assert.deepStrictEqual(p.sent, []);
  });
});

for (const kind of KINDS) {
  describe(`ftps-watch against ${kind} (${h.caps(kind).mlsd ? 'MLSD' : 'LIST only'})`, function () {
    this.timeout(60000);
    const fx = useServer(kind, 'explicit');
    const { file } = fx;
    const dir = (rel) => {
      fs.mkdirSync(file(rel), { recursive: true });
      fx.s.own(file(rel));
    };
    const load = (watch, extra) => helper.load(NODES, flowFor(fx.s, fx.caFile, watch, extra), fx.creds);

    it('a slow upload is sent once, only when complete; status shows the poll time and count', async () => {
      dir('slow');
      fx.s.put('slow/old.txt', 'there before');
      await load({ path: '/slow' });
      const r = recorder();
      assert.deepStrictEqual((await r.poll()).sent, [], 'the files there at start are the baseline');
      fx.s.put('slow/big.bin', Buffer.alloc(1000, 1));
      assert.deepStrictEqual((await r.poll()).sent, [], 'seen once');
      fs.appendFileSync(file('slow/big.bin'), Buffer.alloc(1000, 2));
      assert.deepStrictEqual((await r.poll()).sent, [], 'grew');
      fs.appendFileSync(file('slow/big.bin'), Buffer.alloc(500, 3));
      assert.deepStrictEqual((await r.poll()).sent, [], 'grew again');
      const { sent } = await r.poll();
      assert.deepStrictEqual(names(sent), ['add /slow/big.bin']);
      const m = sent[0];
      assert.strictEqual(m.entry.size, 2500);
      assert.strictEqual(m.entry.name, 'big.bin');
      assert.strictEqual(m.entry.type, 'file');
      assert.match(m.entry.modified, /^\d{4}-\d\d-\d\dT/);
      assert.deepStrictEqual(m.payload, m.entry);
      assert.deepStrictEqual((await r.poll()).sent, [], 'once only');
      const last = r.statuses[r.statuses.length - 1];
      assert.strictEqual(last.fill, 'green');
      assert.match(last.text, /^\d\d:\d\d:\d\d · 2 files$/);
    });

    it('a file renamed into place is sent; the pattern filters; download puts the content in msg.payload', async () => {
      dir('ren');
      await load({ path: '/ren', pattern: '*.csv', events: 'add', download: true });
      const r = recorder();
      await r.poll();
      fx.s.put('ren/data.csv.part', 'a,b\n1,2\n');
      await r.poll();
      await r.poll();
      fs.renameSync(file('ren/data.csv.part'), file('ren/data.csv'));
      assert.deepStrictEqual((await r.poll()).sent, []);
      const { sent } = await r.poll();
      assert.deepStrictEqual(names(sent), ['add /ren/data.csv']);
      assert.ok(Buffer.isBuffer(sent[0].payload));
      assert.strictEqual(sent[0].payload.toString(), 'a,b\n1,2\n');
      assert.strictEqual(sent[0].entry.size, 8);
    });

    it('events add,change,unlink: a change and a removal are sent; recursive with a pattern on the relative path', async () => {
      dir('ev/sub');
      fx.s.put('ev/sub/a.log', 'one');
      fx.s.put('ev/top.log', 'top');
      await load({ path: '/ev', events: 'add,change,unlink', recursive: true, pattern: 'sub/*.log' });
      const r = recorder();
      await r.poll();
      fs.appendFileSync(file('ev/sub/a.log'), ' two');
      fs.appendFileSync(file('ev/top.log'), ' more');
      await r.poll();
      assert.deepStrictEqual(names((await r.poll()).sent), ['change /ev/sub/a.log']);
      fs.rmSync(file('ev/sub/a.log'));
      const { sent } = await r.poll();
      assert.deepStrictEqual(names(sent), ['unlink /ev/sub/a.log']);
      assert.strictEqual(sent[0].entry.size, 7, 'the last entry seen');
      assert.deepStrictEqual((await r.poll()).sent, []);
    });

    // pyftpdlib lists dot names (vsftpd and Pure-FTPd hide them by default)
    (kind === 'pyftpdlib' ? it : it.skip)('the glob rule of ftps-list: "*.csv" matches at any depth, dot names only with dot on', async () => {
      dir('dt/sub');
      fx.s.put('dt/a.csv', 'a');
      fx.s.put('dt/.h.csv', 'h');
      fx.s.put('dt/sub/b.csv', 'b');
      fx.s.put('dt/sub/c.txt', 'c');
      await load({ path: '/dt', pattern: '*.csv', recursive: true, emitExisting: true });
      let r = recorder();
      assert.deepStrictEqual(names((await r.poll()).sent).sort(), ['add /dt/a.csv', 'add /dt/sub/b.csv'], 'start poll + this one');
      await helper.unload();
      await load({ path: '/dt', pattern: '*.csv', recursive: true, emitExisting: true, dot: true });
      r = recorder();
      assert.deepStrictEqual(names((await r.poll()).sent).sort(), ['add /dt/.h.csv', 'add /dt/a.csv', 'add /dt/sub/b.csv']);
    });

    it('move to done: a refused move reaches Catch and the file is offered again, until the move works', async () => {
      dir('mv');
      await load({ path: '/mv', download: true, afterEmit: 'move', moveTo: 'done' });
      const r = recorder();
      await r.poll();
      fx.s.put('mv/job.txt', 'job');
      await r.poll();
      let p = await r.poll();
      assert.deepStrictEqual(names(p.sent), ['add /mv/job.txt'], 'sent before the move');
      assert.strictEqual(p.errors.length, 1, 'the move failed: no done folder');
      assert.match(p.errors[0].error.message, /move to \/mv\/done\/job\.txt failed for \/mv\/job\.txt \(offered again at the next poll\)/);
      assert.strictEqual(p.errors[0].filename, '/mv/job.txt');
      assert.strictEqual(p.failed, null, 'the poll itself worked');
      p = await r.poll();
      assert.deepStrictEqual(names(p.sent), ['add /mv/job.txt'], 'offered again');
      assert.strictEqual(p.errors.length, 1);
      dir('mv/done');
      p = await r.poll();
      assert.deepStrictEqual(names(p.sent), ['add /mv/job.txt']);
      assert.deepStrictEqual(p.errors, []);
      assert.strictEqual(p.sent[0].payload.toString(), 'job');
      assert.ok(!fs.existsSync(file('mv/job.txt')));
      assert.strictEqual(fs.readFileSync(file('mv/done/job.txt'), 'utf8'), 'job');
      assert.deepStrictEqual((await r.poll()).sent, [], 'moved away: no unlink, no repeat');
    });

    it('a refused download reaches Catch, nothing is sent, and the file is offered again until it works', async function () {
      if (h.caps(kind).fileOwner === 'root') this.skip(); // pyftpdlib runs as root: it reads any file
      dir('dl');
      await load({ path: '/dl', download: true });
      const r = recorder();
      await r.poll();
      fx.s.put('dl/locked.bin', 'secret');
      fs.chmodSync(file('dl/locked.bin'), 0o000);
      await r.poll();
      let p = await r.poll();
      assert.deepStrictEqual(p.sent, [], 'nothing sent without the content');
      assert.strictEqual(p.errors.length, 1);
      assert.match(p.errors[0].error.message, /download failed for \/dl\/locked\.bin \(offered again/);
      assert.strictEqual(p.errors[0].error.code, 550);
      p = await r.poll();
      assert.strictEqual(p.errors.length, 1, 'tried again');
      fs.chmodSync(file('dl/locked.bin'), 0o644);
      p = await r.poll();
      assert.deepStrictEqual(p.errors, []);
      assert.deepStrictEqual(names(p.sent), ['add /dl/locked.bin']);
      assert.strictEqual(p.sent[0].payload.toString(), 'secret');
      assert.deepStrictEqual((await r.poll()).sent, []);
    });

    it('delete after emit (saving to a local folder): the file is removed and not reported as unlinked', async () => {
      dir('del');
      const local = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-watch-'));
      try {
        await load({ path: '/del', events: 'add,change,unlink', afterEmit: 'delete', localFolder: local });
        const r = recorder();
        await r.poll();
        fx.s.put('del/x.dat', 'xyz');
        await r.poll();
        const { sent, errors } = await r.poll();
        assert.deepStrictEqual(errors, []);
        assert.deepStrictEqual(names(sent), ['add /del/x.dat']);
        assert.strictEqual(sent[0].localFilename, path.join(local, 'x.dat'));
        assert.strictEqual(fs.readFileSync(path.join(local, 'x.dat'), 'utf8'), 'xyz');
        assert.deepStrictEqual(sent[0].payload, sent[0].entry, 'no download: the entry');
        assert.ok(!fs.existsSync(file('del/x.dat')));
        assert.deepStrictEqual((await r.poll()).sent, []);
      } finally {
        fs.rmSync(local, { recursive: true, force: true });
      }
    });

    it('msg.path switches the watched directory; emitExisting sends what is there', async () => {
      dir('one');
      dir('two');
      fx.s.put('one/1.txt', '1');
      fx.s.put('two/2.txt', '2');
      await load({ path: '/one', emitExisting: true });
      const r = recorder();
      assert.deepStrictEqual(names((await r.poll()).sent), ['add /one/1.txt'], 'start poll + this one');
      await r.poll({ path: '/two' });
      assert.deepStrictEqual(names((await r.poll()).sent), ['add /two/2.txt']);
    });
  });
}

/** helper.unload() without its context clean-up (which deletes the stored contexts of every node), then close the stores: what a runtime stop does. */
async function stopKeepingContext() {
  const clean = helper._context.clean;
  helper._context.clean = () => Promise.resolve();
  try {
    await helper.unload();
  } finally {
    helper._context.clean = clean;
  }
  await helper._context.close();
}

describe('ftps-watch: restart and outage (proftpd)', function () {
  this.timeout(60000);
  const kind = 'proftpd';
  let s;
  let root;
  let ctxDir;
  let caFile;

  before(async function () {
    h.requireServer(this, kind, 'explicit');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-watch-root-'));
    fs.chmodSync(root, 0o755);
    s = await h.startServer(kind, { mode: 'explicit', root });
    caFile = (await h.certs()).files.caCert;
  });
  after(async () => {
    if (s) await s.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a restart of Node-RED with a persistent context store sends nothing twice', async () => {
    ctxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-watch-ctx-'));
    // the helper never loads context stores: do what the runtime does at start
    const origLoadFlows = helper._redNodes.loadFlows;
    helper._redNodes.loadFlows = async function (...args) {
      await helper._context.load();
      return origLoadFlows.apply(this, args);
    };
    helper.settings({ contextStorage: { default: 'memory', memory: { module: 'memory' }, disk: { module: 'localfilesystem', config: { dir: ctxDir, cache: false } } } });
    const creds = { s1: { user: s.user, password: s.password } };
    const flow = flowFor(s, caFile, { path: '/r', store: 'disk' });
    try {
      fs.mkdirSync(path.join(root, 'r'));
      s.own(path.join(root, 'r'));
      await helper.load(NODES, flow, creds);
      let r = recorder();
      await r.poll();
      s.put('r/a.txt', 'a');
      await r.poll();
      assert.deepStrictEqual(names((await r.poll()).sent), ['add /r/a.txt']);
      s.put('r/b.txt', 'b');
      await r.poll(); // b seen once before the restart

      // restart: stop the flows, close the stores, then a fresh runtime state from disk
      await stopKeepingContext();
      assert.ok(fs.readdirSync(ctxDir, { recursive: true }).some((f) => String(f).endsWith('.json')), 'the state is on disk');
      await helper.load(NODES, flow, creds);
      r = recorder();
      // the start poll saw b a second time: this one sends it; a is not sent again
      assert.deepStrictEqual(names((await r.poll()).sent), ['add /r/b.txt']);
      assert.deepStrictEqual((await r.poll()).sent, []);

      // the memory store (the default) forgets: the same flow without the store starts over
      await stopKeepingContext();
      await helper.load(NODES, flowFor(s, caFile, { path: '/r', emitExisting: true }), creds);
      r = recorder();
      assert.deepStrictEqual(names((await r.poll()).sent).sort(), ['add /r/a.txt', 'add /r/b.txt'], 'the control: without the stored state both come again');
    } finally {
      helper._redNodes.loadFlows = origLoadFlows;
      await helper.unload();
      await helper._context.close();
      helper.settings({});
      fs.rmSync(ctxDir, { recursive: true, force: true });
    }
  });

  it('a redeploy of the watch sends nothing twice (no context store configured: Node-RED drops node context on redeploy)', async () => {
    fs.mkdirSync(path.join(root, 'rd'));
    s.own(path.join(root, 'rd'));
    const creds = { s1: { user: s.user, password: s.password } };
    // emitExisting: a node that forgot would send a.txt again
    const flow = flowFor(s, caFile, { path: '/rd', emitExisting: true });
    s.put('rd/a.txt', 'a');
    await helper.load(NODES, flow, creds);
    try {
      let r = recorder();
      assert.deepStrictEqual(names((await r.poll()).sent), ['add /rd/a.txt']);
      // a changed watch node: "modified nodes" deploy stops and recreates it
      const changed = flow.map((n) => (n.id === 'w1' ? { ...n, name: 'renamed' } : n));
      const started = new Promise((resolve) => {
        const on = () => {
          helper._events.off('flows:started', on);
          resolve();
        };
        helper._events.on('flows:started', on);
      });
      await helper._redNodes.setFlows(changed, creds, 'nodes');
      await started;
      assert.strictEqual(helper.getNode('w1').name, 'renamed', 'a new node');
      r = recorder();
      assert.deepStrictEqual((await r.poll()).sent, []);
      assert.deepStrictEqual((await r.poll()).sent, []);
    } finally {
      await helper.unload();
    }
  });

  it('polls on its own every interval (no input needed)', async () => {
    fs.mkdirSync(path.join(root, 't'));
    s.own(path.join(root, 't'));
    const flow = flowFor(s, caFile, { path: '/t', interval: 0.1 });
    await helper.load(NODES, flow, { s1: { user: s.user, password: s.password } });
    try {
      const got = new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no add from the timer polls within 20 s')), 20000);
        helper.getNode('out').on('input', (m) => {
          clearTimeout(t);
          resolve(m);
        });
      });
      // after the first poll (the baseline), so the file is new to the watch
      await new Promise((resolve) => {
        const w = helper.getNode('w1');
        const on = (call) => {
          if (call.args[0].fill !== 'green') return;
          w.removeListener('call:status', on);
          resolve();
        };
        w.on('call:status', on);
      });
      s.put('t/tick.txt', 'x');
      const m = await got;
      assert.strictEqual(m.event, 'add');
      assert.strictEqual(m.filename, '/t/tick.txt');
    } finally {
      await helper.unload();
    }
  });

  it('server down: the poll fails (Catch, red status); back on the same port: polling recovers without a redeploy', async () => {
    fs.mkdirSync(path.join(root, 'o'));
    s.own(path.join(root, 'o'));
    await helper.load(NODES, flowFor(s, caFile, { path: '/o' }), { s1: { user: s.user, password: s.password } });
    try {
      const r = recorder();
      await r.poll();
      const port = s.port;
      await s.stop();
      s = null;
      let p = await r.poll();
      assert.ok(p.failed, 'the poll failed');
      assert.match(p.failed.message, /ECONNREFUSED|connect|closed|421/i);
      const red = r.statuses.filter((st) => st.fill === 'red');
      assert.ok(red.length > 0, 'a red status');
      p = await r.poll();
      assert.ok(p.failed, 'still down');
      s = await h.startServer(kind, { mode: 'explicit', root, port });
      s.put('o/new.txt', 'n');
      p = await r.poll();
      assert.strictEqual(p.failed, null, 'works again');
      assert.match(r.statuses[r.statuses.length - 1].text, /· 1 file$/);
      assert.deepStrictEqual(names((await r.poll()).sent), ['add /o/new.txt']);
    } finally {
      await helper.unload();
    }
  });
});
