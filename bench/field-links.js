'use strict';
// Field links (issue 17), through the nodes in Node-RED (node-red-node-test-helper)
// against a real ProFTPD (explicit FTPS, PROT P) on loopback:
//
// 1. resume: a 1 GiB ftps-get to a file whose data connection a fault proxy
//    (test/support/fault-proxy.js) resets at 512 MiB; the node retries and
//    continues with REST. Reports the REST offset ProFTPD logged, the bytes
//    the second data connection carried, the time, the sha256 of both ends
//    and the process's RSS (sampled every 20 ms: baseline before, peak during).
// 2. fleet: 50 targets (msg.ftpsServer, allowMsgOverride) with maxConnections 1
//    and maxTargets 16, one message each, all sent at once. The 50 targets are
//    one server reached at 50 loopback addresses (127.0.0.10-59), each a fault
//    proxy without faults, so each is a target key of its own; the proxies
//    count the control connections open at once. Reports the total time, that
//    peak (bound: maxTargets x maxConnections) and how many messages succeeded.
//
//   npm run bench:field            (FIELD_GIB=0.25 for a quicker run)
// Needs root and the servers of .ci/install-servers.sh, like the tests.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('../test/nodes/support/red');
const { NODES, flowFor } = require('../test/nodes/support/flow');
const { FaultProxy } = require('../test/support/fault-proxy');
const h = require('../test/harness');

const MiB = 1024 * 1024;
const SIZE = Math.round(Number(process.env.FIELD_GIB || 1) * 1024) * MiB;
const TARGETS = 50;
const MAX_TARGETS = 16;

/** Send msg into node `id`; resolves with the output msg, rejects with the Catch node's error. */
function call(id, msg) {
  return new Promise((resolve, reject) => {
    const out = helper.getNode('out');
    const caught = helper.getNode('caught');
    const ours = (m) => m._msgid === msg._msgid;
    const onOut = (m) => ours(m) && finish(resolve, m);
    const onCaught = (m) => ours(m) && finish(reject, new Error(m.error.message));
    function finish(fn, v) {
      out.removeListener('input', onOut);
      caught.removeListener('input', onCaught);
      fn(v);
    }
    out.on('input', onOut);
    caught.on('input', onCaught);
    helper.getNode(id).receive(msg);
  });
}

let msgId = 0;
const withId = (m) => ({ _msgid: `field-${msgId++}`, ...m });

/** A SIZE-byte file of random data at `file`, written in 16 MiB blocks; resolves with its sha256. */
function writeRandom(file, size) {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.allocUnsafe(16 * MiB);
  for (let at = 0; at < size; at += block.length) {
    const n = Math.min(block.length, size - at);
    crypto.randomFillSync(block, 0, n);
    fs.writeSync(fd, block, 0, n);
    hash.update(block.subarray(0, n));
  }
  fs.closeSync(fd);
  return hash.digest('hex');
}

function sha256File(file) {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file, { highWaterMark: 4 * MiB })
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** RSS sampled every 20 ms until stop(): { peak } in MiB. */
function sampleRss() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(t);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / MiB);
    },
  };
}

async function resume(s, caFile, localDir) {
  const proxy = await FaultProxy.start({ host: '127.0.0.2', controlPort: s.port, dataPorts: s.pasvRange });
  const down = [];
  proxy.on('bytes', ({ pair, kind, dir, chunk }) => {
    if (kind !== 'data' || dir !== 'down') return;
    if (pair.n === undefined) pair.n = down.push(0) - 1;
    down[pair.n] += chunk.length;
  });
  try {
    const remote = path.join(s.root, 'big.bin');
    const sourceSha = writeRandom(remote, SIZE);
    s.own(remote);
    await helper.load(
      NODES,
      flowFor(s, caFile, [{ id: 'g1', type: 'ftps-get', output: 'file' }], { host: '127.0.0.2', epsv: 'always', timeout: 30, retries: 2, retryDelay: 0.1 }, { servername: 'localhost' }),
      { s1: { user: s.user, password: s.password } },
    );
    const restsBefore = [...s.log().matchAll(/"REST (\d+)"/g)].length;
    proxy.inject({ conn: 'data', dir: 'down', after: SIZE / 2, action: 'reset' });
    const local = path.join(localDir, 'big.bin');
    if (global.gc) global.gc();
    const baseline = Math.round(process.memoryUsage().rss / MiB);
    const rss = sampleRss();
    const t0 = process.hrtime.bigint();
    const r = await call('g1', withId({ filename: '/big.bin', localFilename: local }));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const peak = rss.stop();
    const rests = [...s.log().matchAll(/"REST (\d+)"/g)].slice(restsBefore).map((m) => Number(m[1]));
    const localSha = await sha256File(local);
    await helper.unload();
    fs.rmSync(local, { force: true });
    fs.rmSync(remote, { force: true });
    return {
      mib: SIZE / MiB,
      faults: proxy.fired.length,
      rest: rests,
      dataConnectionsMiB: down.map((n) => Math.round((n / MiB) * 10) / 10),
      seconds: Math.round(ms / 100) / 10,
      sameSha256: localSha === sourceSha,
      sha256: localSha,
      bytes: r.ftps.bytes,
      rssBaselineMiB: baseline,
      rssPeakMiB: peak,
      leftInLocalDir: fs.readdirSync(localDir),
    };
  } finally {
    await proxy.close();
  }
}

/**
 * Sessions open at once as the client sees them: from connect() until
 * close() or the end of quit(), whichever comes first; the nodes load the
 * same FtpsClient module, so its prototype is the one to count on.
 */
function countSessions() {
  const { FtpsClient } = require('../nodes/lib/client');
  const live = new WeakSet();
  const c = { open: 0, peak: 0 };
  const orig = { connect: FtpsClient.prototype.connect, quit: FtpsClient.prototype.quit, close: FtpsClient.prototype.close };
  const ended = (client) => {
    if (live.delete(client)) c.open -= 1;
  };
  FtpsClient.prototype.connect = function (...a) {
    if (!live.has(this)) {
      live.add(this);
      c.open += 1;
      c.peak = Math.max(c.peak, c.open);
    }
    return orig.connect.apply(this, a);
  };
  FtpsClient.prototype.quit = function (...a) {
    return orig.quit.apply(this, a).finally(() => ended(this));
  };
  FtpsClient.prototype.close = function (...a) {
    ended(this);
    return orig.close.apply(this, a);
  };
  c.restore = () => Object.assign(FtpsClient.prototype, orig);
  return c;
}

async function fleet(s, caFile) {
  const proxies = [];
  // control connections the proxies (the server side) had open at once, until both ends closed
  let open = 0;
  let peak = 0;
  const sessions = countSessions();
  try {
    for (let i = 0; i < TARGETS; i += 1) {
      const p = await FaultProxy.start({ host: `127.0.0.${10 + i}`, controlPort: s.port, dataPorts: s.pasvRange });
      p.on('connection', ({ kind }) => {
        if (kind !== 'control') return;
        open += 1;
        peak = Math.max(peak, open);
      });
      p.on('close', ({ kind }) => {
        if (kind === 'control') open -= 1;
      });
      proxies.push(p);
    }
    s.put('fleet/reading.csv', crypto.randomBytes(64 * 1024));
    // certificate checks follow the config node: off here, as the harness certificate names 127.0.0.1 and localhost only
    await helper.load(
      NODES,
      flowFor(s, caFile, [{ id: 'g1', type: 'ftps-get', output: 'buffer' }], { allowMsgOverride: true, maxConnections: 1, maxTargets: MAX_TARGETS, idleTimeout: 60, timeout: 30, epsv: 'always' }, { verifyservercert: false }),
      { s1: { user: s.user, password: s.password } },
    );
    const t0 = process.hrtime.bigint();
    const results = await Promise.allSettled(
      proxies.map((p) => call('g1', withId({ filename: '/fleet/reading.csv', ftpsServer: { host: p.host, user: s.user, password: s.password } }))),
    );
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const ok = results.filter((x) => x.status === 'fulfilled' && x.value.payload.length === 64 * 1024).length;
    const errors = [...new Set(results.filter((x) => x.status === 'rejected').map((x) => x.reason.message))];
    await helper.unload();
    return {
      targets: TARGETS,
      maxConnections: 1,
      maxTargets: MAX_TARGETS,
      bound: MAX_TARGETS,
      seconds: Math.round(ms / 100) / 10,
      peakSessionsOpen: sessions.peak,
      peakControlConnectionsAtServerSide: peak,
      ok,
      errors,
    };
  } finally {
    sessions.restore();
    await Promise.all(proxies.map((p) => p.close()));
  }
}

async function main() {
  if (!h.available('proftpd')) throw new Error(`ProFTPD is needed: ${h.unavailableReason('proftpd')}`);
  const s = await h.startServer('proftpd', { mode: 'explicit' });
  const caFile = (await h.certs()).files.caCert;
  const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-field-'));
  try {
    const out = { node: process.version, cpus: os.cpus().length, resume: await resume(s, caFile, localDir), fleet: await fleet(s, caFile) };
    console.log(JSON.stringify(out, null, 2));
    const bad = [];
    if (!out.resume.sameSha256) bad.push('resume: sha256 differs');
    if (out.resume.rest.length !== 1 || !(out.resume.rest[0] > 0)) bad.push('resume: no REST on the retry');
    if (out.fleet.peakSessionsOpen > out.fleet.bound) bad.push('fleet: more sessions than the bound');
    if (out.fleet.ok !== TARGETS) bad.push('fleet: not every message succeeded');
    if (bad.length) {
      console.error(bad.join('\n'));
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(localDir, { recursive: true, force: true });
    await s.stop();
  }
}

main().then(
  () => process.exit(),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
