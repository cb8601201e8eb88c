'use strict';
// The peers the bench compares against, fetched on demand outside the
// package tree (basic-ftp into .bench/, lftp from apt when root), and the
// command-line peers' runners. A peer that cannot be had is skipped with
// the reason printed.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const BENCH_DIR = path.join(__dirname, '..', '.bench');

function have(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

/** Path of basic-ftp's entry in .bench/, installing it there when missing; or { reason }. */
function basicFtp() {
  const entry = path.join(BENCH_DIR, 'node_modules', 'basic-ftp');
  if (!fs.existsSync(entry)) {
    fs.mkdirSync(BENCH_DIR, { recursive: true });
    console.log('installing basic-ftp into .bench/ (bench only, not a dependency)');
    const r = spawnSync('npm', ['install', '--prefix', BENCH_DIR, '--no-audit', '--no-fund', '--no-save', 'basic-ftp'], { encoding: 'utf8' });
    if (r.status !== 0 || !fs.existsSync(entry)) return { reason: `npm install basic-ftp failed: ${(r.stderr || '').trim().split('\n').pop()}` };
  }
  const version = JSON.parse(fs.readFileSync(path.join(entry, 'package.json'), 'utf8')).version;
  return { path: entry, version };
}

function lftp() {
  if (!have('lftp')) {
    if (process.getuid && process.getuid() === 0 && have('apt-get', ['--version'])) {
      console.log('installing lftp (apt-get)');
      spawnSync('apt-get', ['install', '-y', '-q', 'lftp'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
    if (!have('lftp')) return { reason: 'lftp is not installed (and cannot be: not root or no apt-get)' };
  }
  const v = spawnSync('lftp', ['--version'], { encoding: 'utf8' }).stdout.match(/Version ([\d.]+)/);
  return { version: v ? v[1] : '?' };
}

function curl() {
  if (!have('curl')) return { reason: 'curl is not installed' };
  const v = spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout.match(/curl ([\d.]+)/);
  return { version: v ? v[1] : '?' };
}

const hasTime = fs.existsSync('/usr/bin/time');

/** Run a command under /usr/bin/time -f %M; returns { stdout, wallMs, maxRssMiB }. */
function timed(cmd, args) {
  const full = hasTime ? ['/usr/bin/time', ['-f', '@@RSS %M', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /@@RSS (\d+)/.exec(r.stderr || '');
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${(r.stderr || '').replace(/@@RSS \d+/, '').trim().slice(0, 300)}`);
  return { stdout: r.stdout, wallMs, maxRssMiB: m ? Number(m[1]) / 1024 : null };
}

function curlBase(srv) {
  return ['-s', '-S', '--ssl-reqd', '--cacert', srv.caFile, '-u', `${srv.user}:${srv.password}`];
}

const url = (srv, remote) => `ftp://${srv.host}:${srv.port}/${remote}`;

/** curl's own clock: login excluded, transfer and final reply included. */
function curlLarge(srv, op, local, remote) {
  const args = [...curlBase(srv), '-w', '%{time_pretransfer} %{time_total}'];
  if (op === 'get') args.push('-o', local, url(srv, remote));
  else args.push('-T', local, url(srv, remote));
  const r = timed('curl', args);
  const [pre, total] = r.stdout.trim().split(' ').map(Number);
  return { ms: (total - pre) * 1000, maxRssMiB: r.maxRssMiB };
}

/** Many URLs in one curl run reuse the control connection; the first one's login is left out. */
function curlSmall(srv, files, remoteDir, localDir, cfgFile) {
  const lines = [];
  for (const name of files) lines.push(`url = "${url(srv, `${remoteDir}/${name}`)}"`, `output = "${path.join(localDir, name)}"`);
  fs.writeFileSync(cfgFile, `${lines.join('\n')}\n`);
  const r = timed('curl', [...curlBase(srv), '-w', '%{time_pretransfer} %{time_total}\n', '-K', cfgFile]);
  const rows = r.stdout.trim().split('\n').map((l) => l.split(' ').map(Number));
  let s = rows[0][1] - rows[0][0];
  for (let i = 1; i < rows.length; i++) s += rows[i][1];
  return { ms: s * 1000, count: files.length, maxRssMiB: r.maxRssMiB };
}

function lftpScript(srv, body) {
  return [
    `set ssl:ca-file "${srv.caFile}"`,
    'set ftp:ssl-force true',
    'set ftp:ssl-protect-data true',
    'set ftp:ssl-protect-list true',
    'set xfer:clobber true',
    'set net:max-retries 1',
    'set cmd:fail-exit true',
    `open -u "${srv.user}","${srv.password}" -p ${srv.port} ${srv.host}`,
    ...body,
    'bye',
  ].join('\n');
}

/** lftp has no transfer clock of its own: its wall time minus that of a login-only run. */
function lftpRun(srv, body, scriptFile) {
  fs.writeFileSync(scriptFile, lftpScript(srv, body));
  return timed('lftp', ['-f', scriptFile]);
}

function lftpLoginMs(srv, scriptFile) {
  const xs = [0, 1, 2].map(() => lftpRun(srv, ['quote NOOP'], scriptFile).wallMs);
  return Math.min(...xs);
}

/**
 * lftp's login time varies by more than a short transfer takes: a round whose
 * wall time is hardly above the login-only time measured that noise, not the
 * transfer (once 1 ms for 128 MiB), so it is dropped rather than counted.
 */
function lftpTransferMs(r, loginMs) {
  const ms = r.wallMs - loginMs;
  if (ms < 0.25 * r.wallMs) throw new Error(`lftp: ${Math.round(r.wallMs)} ms in all against ${Math.round(loginMs)} ms to log in; the transfer time is lost in that noise, round dropped`);
  return ms;
}

function lftpLarge(srv, op, local, remote, scriptFile, loginMs) {
  const r = lftpRun(srv, [op === 'get' ? `get "${remote}" -o "${local}"` : `put "${local}" -o "${remote}"`], scriptFile);
  return { ms: lftpTransferMs(r, loginMs), maxRssMiB: r.maxRssMiB };
}

function lftpSmall(srv, files, remoteDir, localDir, parallel, scriptFile, loginMs) {
  const r = lftpRun(srv, [`cd "${remoteDir}"`, `mget ${parallel > 1 ? `-P ${parallel} ` : ''}-O "${localDir}" ${files.join(' ')}`], scriptFile);
  return { ms: lftpTransferMs(r, loginMs), count: files.length, maxRssMiB: r.maxRssMiB };
}

module.exports = { basicFtp, lftp, curl, curlLarge, curlSmall, lftpLoginMs, lftpLarge, lftpSmall };
