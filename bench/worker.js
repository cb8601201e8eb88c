'use strict';
// One measurement of one Node client (ours or basic-ftp), in a process of its
// own so that its peak RSS is its own. argv[2] is a JSON spec (see run.js);
// prints one JSON line: { ms, count, lat?, maxRssMiB }.
const fs = require('node:fs');
const path = require('node:path');
const { Writable } = require('node:stream');

const spec = JSON.parse(process.argv[2]);
const ca = fs.readFileSync(spec.caFile, 'utf8');

function memorySink() {
  return new Writable({ write: (_c, _e, cb) => cb() });
}

function ours() {
  // 'before': an older build of this client (BENCH_BEFORE), for before/after in one run
  const { FtpsClient } = require(spec.client === 'before' ? spec.beforeLib : '../nodes/lib');
  return {
    async open() {
      const c = new FtpsClient({ host: spec.host, port: spec.port, tls: { ca } });
      await c.connect();
      await c.login(spec.user, spec.password);
      return c;
    },
    get: (c, remote, local) => c.get(remote, local),
    put: (c, local, remote) => c.put(local, remote),
    getBuffer: (c, remote) => c.getBuffer(remote),
    close: (c) => c.quit(),
  };
}

function basicFtp() {
  const ftp = require(spec.basicFtpPath);
  return {
    async open() {
      const c = new ftp.Client(0);
      await c.access({ host: spec.host, port: spec.port, user: spec.user, password: spec.password, secure: true, secureOptions: { ca, servername: 'localhost' } });
      return c;
    },
    get: (c, remote, local) => c.downloadTo(local, remote),
    put: (c, local, remote) => c.uploadFrom(local, remote),
    getBuffer: (c, remote) => c.downloadTo(memorySink(), remote),
    close: async (c) => c.close(),
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const api = spec.client === 'basic-ftp' ? basicFtp() : ours();
  const out = {};
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  if (spec.workload === 'get' || spec.workload === 'put') {
    const c = await api.open();
    const t0 = now();
    if (spec.workload === 'get') await api.get(c, spec.remote, spec.local);
    else await api.put(c, spec.local, spec.remote);
    out.ms = now() - t0;
    await api.close(c);
  } else if (spec.workload === 'small-seq') {
    const c = await api.open();
    const t0 = now();
    for (const name of spec.files) await api.get(c, `${spec.remoteDir}/${name}`, path.join(spec.localDir, name));
    out.ms = now() - t0;
    out.count = spec.files.length;
    await api.close(c);
  } else if (spec.workload === 'small-pool') {
    // four sessions logged in before the clock starts, as a warm pool would be
    const clients = await Promise.all(Array.from({ length: spec.connections }, () => api.open()));
    const queue = [...spec.files];
    const t0 = now();
    if (spec.client !== 'basic-ftp') {
      const { SessionPool } = require('../nodes/nodes/session-pool');
      const idle = [...clients];
      const pool = new SessionPool({ create: () => idle.pop(), open: async () => {}, maxConnections: spec.connections, idleTimeout: 0 });
      await Promise.all(queue.map((name) => pool.run((c) => api.get(c, `${spec.remoteDir}/${name}`, path.join(spec.localDir, name)))));
      out.ms = now() - t0;
      await pool.close();
    } else {
      await Promise.all(
        clients.map(async (c) => {
          for (let name = queue.shift(); name !== undefined; name = queue.shift()) await api.get(c, `${spec.remoteDir}/${name}`, path.join(spec.localDir, name));
        }),
      );
      out.ms = now() - t0;
      await Promise.all(clients.map((c) => api.close(c)));
    }
    out.count = spec.files.length;
  } else if (spec.workload === 'latency') {
    const c = await api.open();
    for (let i = 0; i < 10; i++) await api.getBuffer(c, spec.remote); // warm-up
    const lat = [];
    const t0 = now();
    for (let i = 0; i < spec.n; i++) {
      const t = now();
      await api.getBuffer(c, spec.remote);
      lat.push(now() - t);
    }
    out.ms = now() - t0;
    out.count = spec.n;
    lat.sort((a, b) => a - b);
    out.lat = { p50: percentile(lat, 50), p99: percentile(lat, 99) };
    await api.close(c);
  } else {
    throw new Error(`unknown workload ${spec.workload}`);
  }
  out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
