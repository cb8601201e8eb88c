'use strict';
// `npm run bench`: this client, its Node-RED nodes and the peers (basic-ftp,
// curl, lftp) side by side on the same servers (vsftpd, ProFTPD; explicit
// FTPS, PROT P) in the same run, client order rotated every round, each
// measurement in a process of its own (peak RSS per client). Prints the
// tables with ratios and the targets of issue 6; writes bench/results/ and
// the chart docs/bench.svg. Speed is measured here, never asserted in tests.
//
// Environment:
//   BENCH_QUICK=1        smoke run: 16 MiB, 100 small files, 100 gets, 1 round
//   BENCH_MIB=128,1024   large-file sizes in MiB (default 128,1024)
//   BENCH_FILES=1000     small files (4 KiB each)
//   BENCH_GETS=1000      1 KiB gets for the latency percentiles
//   BENCH_ROUNDS=3       rounds (the best round counts)
//   BENCH_SERVERS=vsftpd,proftpd
//   BENCH_WORKLOADS=large,small,latency   (the Node-RED layer runs each of them)
//   BENCH_CLIENTS=ours,nodes,basic-ftp,curl,lftp
//   BENCH_CHART=docs/bench.svg   where the chart goes ('' for none)
//   BENCH_BEFORE=/path/to/old/checkout/nodes/lib   adds client 'before': an older
//                        build of this client, measured like 'ours' (before/after)
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../test/harness');
const peers = require('./peers');
const { renderChart } = require('./chart');

const QUICK = process.env.BENCH_QUICK === '1';
const list = (v, d) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : d);
const SIZES = list(process.env.BENCH_MIB, QUICK ? ['16'] : ['128', '1024']).map(Number);
const FILES = Number(process.env.BENCH_FILES) || (QUICK ? 100 : 1000);
const GETS = Number(process.env.BENCH_GETS) || (QUICK ? 100 : 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS) || (QUICK ? 1 : 3);
const SERVERS = list(process.env.BENCH_SERVERS, ['vsftpd', 'proftpd']);
const WORKLOADS = new Set(list(process.env.BENCH_WORKLOADS, ['large', 'small', 'latency']));
const BEFORE = process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : null;
const CLIENTS = list(process.env.BENCH_CLIENTS, ['ours', 'nodes', 'basic-ftp', 'curl', 'lftp']).concat(BEFORE ? ['before'] : []);
const CHART = process.env.BENCH_CHART ?? path.join('docs', 'bench.svg');
const POOL = 4;
// measured on this setup: curl -K with many URLs reuses the control connection but waits ~200 ms per file
const CURL_SMALL = 'curl waits ~200 ms per file when it reuses an FTPS connection for many URLs here, which measures that wait, not FTP';
const ROOT = path.join(__dirname, '..');

const skipped = new Map(); // client -> reason
const versions = {};
function peer(name, probe) {
  if (!CLIENTS.includes(name)) return false;
  const p = probe();
  if (p.reason) {
    skipped.set(name, p.reason);
    console.log(`SKIPPED peer ${name}: ${p.reason}`);
    return false;
  }
  versions[name] = p.version;
  return p;
}

function nodeWorker(script, spec) {
  const r = spawnSync(process.execPath, [path.join(__dirname, script), JSON.stringify(spec)], { encoding: 'utf8', cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} ${spec.client ?? ''} ${spec.workload}: ${(r.stderr || '').trim().split('\n').slice(0, 3).join(' / ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function writeRandom(file, bytes) {
  const fd = fs.openSync(file, 'w');
  const chunk = 1024 * 1024;
  for (let left = bytes; left > 0; left -= chunk) fs.writeSync(fd, crypto.randomBytes(Math.min(chunk, left)));
  fs.closeSync(fd);
}

const best = (xs, key) => xs.reduce((a, b) => (b[key] < a[key] ? b : a));

async function main() {
  if (WORKLOADS.has('small') && CLIENTS.includes('curl')) console.log(`SKIPPED curl for the small files: ${CURL_SMALL}`);
  const basic = peer('basic-ftp', peers.basicFtp);
  const hasCurl = peer('curl', peers.curl);
  const hasLftp = peer('lftp', peers.lftp);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-bench-'));
  const results = [];
  const errors = [];
  // one failing client (a peer that cannot talk to a server) must not end the run
  const attempt = (label, fn) => {
    try {
      return fn();
    } catch (e) {
      errors.push(`${label}: ${e.message}`);
      console.log(`  ! ${label}: ${e.message}`);
      return null;
    }
  };
  for (const kind of SERVERS) {
    if (!h.available(kind)) {
      console.log(`SKIPPED: ${kind} not installed (run .ci/install-servers.sh)`);
      continue;
    }
    const s = await h.startServer(kind, { mode: 'explicit' });
    const caFile = path.join(dir, `ca-${kind}.pem`);
    fs.writeFileSync(caFile, s.ca);
    const srv = { host: s.host, port: s.port, user: s.user, password: s.password, caFile };
    const base = { ...srv, basicFtpPath: basic ? basic.path : null, beforeLib: BEFORE };
    const lftpScript = path.join(dir, 'lftp.cmd');
    const loginMs = hasLftp ? attempt(`${kind} lftp login`, () => peers.lftpLoginMs(srv, lftpScript)) : null;
    const clients = CLIENTS.filter((c) => !skipped.has(c) && (c !== 'lftp' || loginMs !== null));
    const rotate = (xs, r) => xs.map((_, i) => xs[(i + r) % xs.length]);
    const record = (row) => {
      results.push(row);
      console.log(`  ${kind} ${row.workload}${row.mib ? ` ${row.mib} MiB` : ''} ${row.client}: ${row.ms.toFixed(0)} ms${row.maxRssMiB ? `, RSS ${row.maxRssMiB.toFixed(0)} MiB` : ''}`);
    };
    fs.writeFileSync(path.join(s.root, 'k.bin'), crypto.randomBytes(1024));

    if (WORKLOADS.has('large')) {
      for (const mib of SIZES) {
        const src = path.join(dir, `src-${mib}.bin`);
        if (!fs.existsSync(src)) writeRandom(src, mib * 1024 * 1024);
        const remote = `big-${mib}.bin`;
        fs.copyFileSync(src, path.join(s.root, remote));
        s.own();
        const local = path.join(dir, 'down.bin');
        for (const op of ['get', 'put']) {
          for (let r = 0; r < ROUNDS; r++) {
            for (const client of rotate(clients, r)) {
              const upName = `up-${client}.bin`;
              fs.rmSync(op === 'get' ? local : path.join(s.root, upName), { force: true });
              const spec = { ...base, client, workload: op, local: op === 'get' ? local : src, remote: op === 'get' ? remote : upName, warmRemote: 'k.bin' };
              const m = attempt(`${kind} ${op} ${mib} MiB ${client}`, () => {
                if (client === 'ours' || client === 'basic-ftp' || client === 'before') return nodeWorker('worker.js', spec);
                if (client === 'nodes') return nodeWorker('nodered.js', spec);
                if (client === 'curl') return peers.curlLarge(srv, op, spec.local, spec.remote);
                return peers.lftpLarge(srv, op, spec.local, spec.remote, lftpScript, loginMs);
              });
              if (m) record({ server: kind, workload: op, mib, client, round: r, ms: m.ms, mbps: (mib * 1024 * 1024) / 1e6 / (m.ms / 1000), maxRssMiB: m.maxRssMiB });
            }
          }
          for (const c of fs.readdirSync(s.root)) if (c.startsWith('up-')) fs.rmSync(path.join(s.root, c), { force: true });
        }
        fs.rmSync(path.join(s.root, remote), { force: true });
        fs.rmSync(local, { force: true });
      }
    }

    if (WORKLOADS.has('small')) {
      const remoteDir = 'small';
      fs.mkdirSync(path.join(s.root, remoteDir), { recursive: true });
      const files = Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(4, '0')}.bin`);
      for (const f of files) fs.writeFileSync(path.join(s.root, remoteDir, f), crypto.randomBytes(4096));
      s.own();
      for (const mode of ['small-seq', 'small-pool']) {
        for (let r = 0; r < ROUNDS; r++) {
          for (const client of rotate(clients, r)) {
            if (client === 'curl') continue; // see CURL_SMALL below
            // lftp spends ~45 ms a file: one round of it is enough to place it
            if (client === 'lftp' && r > 0) continue;
            const localDir = fs.mkdtempSync(path.join(dir, 'small-'));
            const spec = { ...base, client, workload: mode, files, remoteDir, localDir, connections: POOL, warmRemote: 'k.bin' };
            const m = attempt(`${kind} ${mode} ${client}`, () => {
              if (client === 'ours' || client === 'basic-ftp' || client === 'before') return nodeWorker('worker.js', spec);
              if (client === 'nodes') return nodeWorker('nodered.js', spec);
              if (client === 'curl') return peers.curlSmall(srv, files, remoteDir, localDir, path.join(dir, 'curl.cfg'));
              return peers.lftpSmall(srv, files, remoteDir, localDir, mode === 'small-pool' ? POOL : 1, lftpScript, loginMs);
            });
            fs.rmSync(localDir, { recursive: true, force: true });
            if (m) record({ server: kind, workload: mode, client, round: r, ms: m.ms, filesPerS: m.count / (m.ms / 1000), maxRssMiB: m.maxRssMiB });
          }
        }
      }
    }

    if (WORKLOADS.has('latency')) {
      for (let r = 0; r < ROUNDS; r++) {
        for (const client of rotate(clients, r)) {
          if (client === 'curl' || client === 'lftp') continue; // a process per get measures process start, not the client
          const spec = { ...base, client, workload: 'latency', remote: 'k.bin', n: GETS, warmRemote: 'k.bin' };
          const m = attempt(`${kind} latency ${client}`, () => nodeWorker(client === 'nodes' ? 'nodered.js' : 'worker.js', spec));
          if (m) record({ server: kind, workload: 'latency', client, round: r, ms: m.ms, p50: m.lat.p50, p99: m.lat.p99, maxRssMiB: m.maxRssMiB });
        }
      }
    }
    await s.stop();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  report(results, errors);
}

/** Best round per (server, workload, size, client); peak RSS is the largest seen. */
function summarize(results) {
  const groups = new Map();
  for (const r of results) {
    const k = [r.server, r.workload, r.mib ?? '', r.client].join('|');
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const out = [];
  for (const rows of groups.values()) {
    const b = rows[0].workload === 'latency' ? best(rows, 'p50') : best(rows, 'ms');
    out.push({ ...b, maxRssMiB: Math.max(...rows.map((r) => r.maxRssMiB ?? 0)) || null, rounds: rows.length });
  }
  return out;
}

const fmt = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(d));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a');

function report(results, errors) {
  const sum = summarize(results);
  const get = (server, workload, client, mib) => sum.find((r) => r.server === server && r.workload === workload && r.client === client && (mib === undefined || r.mib === mib));
  const servers = [...new Set(sum.map((r) => r.server))];
  const lines = [];
  const say = (l = '') => lines.push(l);
  say(`Explicit FTPS, PROT P, loopback; best of ${ROUNDS} rounds, client order rotated each round; ${os.cpus().length} CPUs, Node ${process.version}; peers: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`);
  say('');
  const targets = [];
  const check = (what, value, goal, fmtv) => targets.push({ what, value, goal, ok: value !== null && value !== undefined && value >= goal, fmtv });
  const nodeCost = (oursV, nodesV, lowerIsBetter) => (oursV && nodesV ? (lowerIsBetter ? nodesV / oursV - 1 : oursV / nodesV - 1) : null);
  const cost = (c) => (c === null ? 'n/a' : `${(c * 100).toFixed(0)}%`);

  if (sum.some((r) => r.mib)) {
    say('Large file, MB/s (peak RSS MiB):');
    say('');
    say('| server | size | op | ours | nodes | basic-ftp | curl | lftp | ours/basic-ftp | ours/curl | ours/lftp | node layer cost |');
    say('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const server of servers) {
      for (const mib of SIZES) {
        for (const op of ['get', 'put']) {
          const c = (n) => get(server, op, n, mib);
          if (!c('ours')) continue;
          const cell = (n) => (c(n) ? `${fmt(c(n).mbps)} (${fmt(c(n).maxRssMiB)})` : 'n/a');
          const nc = nodeCost(c('ours').mbps, c('nodes')?.mbps, false);
          say(`| ${server} | ${mib} MiB | ${op} | ${cell('ours')} | ${cell('nodes')} | ${cell('basic-ftp')} | ${cell('curl')} | ${cell('lftp')} | ${ratio(c('ours').mbps, c('basic-ftp')?.mbps)} | ${ratio(c('ours').mbps, c('curl')?.mbps)} | ${ratio(c('ours').mbps, c('lftp')?.mbps)} | ${cost(nc)} |`);
          if (op === 'get') {
            if (c('basic-ftp')) check(`${server} ${mib} MiB get vs basic-ftp`, c('ours').mbps / c('basic-ftp').mbps, 1.5, 'x');
            if (c('curl')) check(`${server} ${mib} MiB get vs curl`, c('ours').mbps / c('curl').mbps, 0.9, 'x');
          } else if (c('curl')) check(`${server} ${mib} MiB put vs curl`, c('ours').mbps / c('curl').mbps, 1.0, 'x');
          if (c('ours').maxRssMiB) check(`${server} ${mib} MiB ${op} peak RSS under 80 MB (MB)`, 80 - (c('ours').maxRssMiB * 1.048576), 0, 'rss');
          if (nc !== null) check(`${server} ${mib} MiB ${op} node layer cost`, 0.1 - nc, 0, 'cost');
        }
      }
    }
    say('');
  }
  if (sum.some((r) => r.workload.startsWith('small'))) {
    say(`${FILES} files of 4 KiB, files/s (peak RSS MiB); pool: ${POOL} connections (basic-ftp: ${POOL} clients, lftp: mget -P ${POOL}):`);
    say('');
    say('| server | mode | ours | nodes | basic-ftp | curl | lftp | ours/basic-ftp seq | ours/curl | ours/lftp | node layer cost |');
    say('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const server of servers) {
      const bseq = get(server, 'small-seq', 'basic-ftp')?.filesPerS;
      for (const mode of ['small-seq', 'small-pool']) {
        const c = (n) => get(server, mode, n);
        if (!c('ours')) continue;
        const cell = (n) => (c(n) ? `${fmt(c(n).filesPerS)} (${fmt(c(n).maxRssMiB)})` : 'n/a');
        const nc = nodeCost(c('ours').filesPerS, c('nodes')?.filesPerS, false);
        say(`| ${server} | ${mode === 'small-seq' ? 'sequential' : `pool of ${POOL}`} | ${cell('ours')} | ${cell('nodes')} | ${cell('basic-ftp')} | ${cell('curl')} | ${cell('lftp')} | ${ratio(c('ours').filesPerS, bseq)} | ${ratio(c('ours').filesPerS, c('curl')?.filesPerS)} | ${ratio(c('ours').filesPerS, c('lftp')?.filesPerS)} | ${cost(nc)} |`);
        if (bseq) check(`${server} small files ${mode === 'small-seq' ? 'sequential' : 'pool'} vs basic-ftp sequential`, c('ours').filesPerS / bseq, mode === 'small-seq' ? 1.0 : 3.0, 'x');
        if (nc !== null) check(`${server} small files ${mode} node layer cost`, 0.1 - nc, 0, 'cost');
      }
    }
    say('');
  }
  if (sum.some((r) => r.workload === 'latency')) {
    say(`1 KiB get into a Buffer on a warm session, ${GETS} gets, ms p50 / p99:`);
    say('');
    say('| server | ours | nodes | basic-ftp | ours/basic-ftp (p50, lower is better) | node layer cost (p50) |');
    say('|---|---|---|---|---|---|');
    for (const server of servers) {
      const c = (n) => get(server, 'latency', n);
      if (!c('ours')) continue;
      const cell = (n) => (c(n) ? `${fmt(c(n).p50, 2)} / ${fmt(c(n).p99, 2)}` : 'n/a');
      const nc = nodeCost(c('ours').p50, c('nodes')?.p50, true);
      say(`| ${server} | ${cell('ours')} | ${cell('nodes')} | ${cell('basic-ftp')} | ${ratio(c('ours').p50, c('basic-ftp')?.p50)} | ${cost(nc)} |`);
      if (nc !== null) check(`${server} latency node layer cost`, 0.1 - nc, 0, 'cost');
    }
    say('');
  }
  if (BEFORE) {
    say(`Before/after: 'before' is the build in ${BEFORE}, measured in the same run:`);
    say('');
    say('| server | workload | before | ours | ours/before |');
    say('|---|---|---|---|---|');
    for (const o of sum.filter((r) => r.client === 'ours')) {
      const b = get(o.server, o.workload, 'before', o.mib);
      if (!b) continue;
      const key = o.workload === 'latency' ? 'p50' : o.mib ? 'mbps' : 'filesPerS';
      const unit = o.workload === 'latency' ? 'ms p50' : o.mib ? 'MB/s' : 'files/s';
      const r = key === 'p50' ? b.p50 / o.p50 : o[key] / b[key];
      say(`| ${o.server} | ${o.workload}${o.mib ? ` ${o.mib} MiB` : ''} | ${fmt(b[key], key === 'p50' ? 2 : 0)} ${unit} | ${fmt(o[key], key === 'p50' ? 2 : 0)} ${unit} | ${r.toFixed(2)}x |`);
    }
    say('');
  }
  if (targets.length) {
    say('Targets:');
    say('');
    for (const t of targets) {
      const v = t.fmtv === 'x' ? `${t.value.toFixed(2)}x (goal ${t.goal}x)` : t.fmtv === 'rss' ? `${(80 - t.value).toFixed(0)} MB` : `${((0.1 - t.value) * 100).toFixed(0)}% (goal < 10%)`;
      say(`- ${t.ok ? 'HOLDS' : 'MISSED'}: ${t.what}: ${v}`);
    }
    say('');
  }
  for (const [k, v] of skipped) say(`Skipped ${k}: ${v}`);
  if (WORKLOADS.has('small') && CLIENTS.includes('curl')) say(`Small files without curl: ${CURL_SMALL}.`);
  for (const e of errors) say(`Failed: ${e}`);
  const text = lines.join('\n');
  console.log(`\n${text}`);
  const resDir = path.join(__dirname, 'results');
  fs.mkdirSync(resDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(resDir, `${stamp}.json`), JSON.stringify({ config: { SIZES, FILES, GETS, ROUNDS, QUICK }, versions, results, summary: sum, targets, errors }, null, 1));
  fs.writeFileSync(path.join(resDir, 'latest.md'), `${text}\n`);
  if (CHART) {
    const svg = renderChart(sum, { sizes: SIZES, files: FILES, gets: GETS, pool: POOL, rounds: ROUNDS });
    fs.mkdirSync(path.dirname(path.resolve(ROOT, CHART)), { recursive: true });
    fs.writeFileSync(path.resolve(ROOT, CHART), svg);
    console.log(`chart: ${CHART}; results: bench/results/${stamp}.json, bench/results/latest.md`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
