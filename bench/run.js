'use strict';
// `npm run bench`: this client and curl side by side on the same server in
// the same run, alternating A/B, reported as ratios. A first slice of the
// benchmark suite: one large file, get and put, vsftpd and ProFTPD,
// explicit FTPS with PROT P. Speed is measured here, never asserted in tests.
const { execFileSync, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../test/harness');
const { FtpsClient } = require('../nodes/lib');

const SIZE_MIB = Number(process.env.BENCH_MIB) || 256;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 3;
const hasCurl = spawnSync('curl', ['--version']).status === 0;

function mbps(bytes, ms) {
  return bytes / 1e6 / (ms / 1000);
}

async function ours(srv, op, local, remote) {
  const c = new FtpsClient({ host: srv.host, port: srv.port, tls: { ca: srv.ca } });
  await c.connect();
  await c.login(srv.user, srv.password);
  const t0 = process.hrtime.bigint();
  if (op === 'get') await c.get(remote, local);
  else await c.put(local, remote);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await c.quit();
  return ms;
}

function curl(srv, op, local, remote, caFile) {
  const url = `ftp://${srv.host}:${srv.port}/${remote}`;
  const args = ['-s', '--ssl-reqd', '--cacert', caFile, '-u', `${srv.user}:${srv.password}`, '-w', '%{time_pretransfer} %{time_total}'];
  if (op === 'get') args.push('-o', local, url);
  else args.push('-T', local, url);
  const out = execFileSync('curl', args, { encoding: 'utf8' });
  const [pre, total] = out.trim().split(' ').map(Number);
  // the same span as ours: login excluded, transfer and final reply included
  return (total - pre) * 1000;
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-bench-'));
  const src = path.join(dir, 'src.bin');
  const fd = fs.openSync(src, 'w');
  for (let i = 0; i < SIZE_MIB; i++) fs.writeSync(fd, crypto.randomBytes(1024 * 1024));
  fs.closeSync(fd);
  const bytes = SIZE_MIB * 1024 * 1024;
  const rows = [];
  for (const kind of ['vsftpd', 'proftpd']) {
    if (!h.available(kind)) {
      console.log(`SKIPPED: ${kind} not installed (run .ci/install-servers.sh)`);
      continue;
    }
    const srv = await h.startServer(kind, { mode: 'explicit' });
    const caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, srv.ca);
    for (const op of ['get', 'put']) {
      const a = [];
      const b = [];
      fs.copyFileSync(src, path.join(srv.root, 'bench.bin'));
      if (srv.own) srv.own();
      for (let r = 0; r < ROUNDS; r++) {
        const local = path.join(dir, `out-${op}.bin`);
        a.push(await ours(srv, op, op === 'get' ? local : src, op === 'get' ? 'bench.bin' : 'up-ours.bin'));
        if (hasCurl) b.push(curl(srv, op, op === 'get' ? local : src, op === 'get' ? 'bench.bin' : 'up-curl.bin', caFile));
      }
      const best = (xs) => Math.min(...xs);
      const row = { server: kind, op, mib: SIZE_MIB, ours: mbps(bytes, best(a)), curl: b.length ? mbps(bytes, best(b)) : null };
      row.ratio = row.curl ? row.ours / row.curl : null;
      rows.push(row);
    }
    await srv.stop();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`\n${SIZE_MIB} MiB, explicit FTPS, PROT P, best of ${ROUNDS} (MB/s), alternating A/B:`);
  console.log('| server | op | ours | curl | ours/curl |\n|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.server} | ${r.op} | ${r.ours.toFixed(0)} | ${r.curl ? r.curl.toFixed(0) : 'n/a'} | ${r.ratio ? r.ratio.toFixed(2) + 'x' : 'n/a'} |`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
