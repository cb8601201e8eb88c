'use strict';
// Real proxies on 127.0.0.1 for the proxy tests, from Debian packages:
// tinyproxy (HTTP CONNECT, to any port) and dante-server's danted (SOCKS5,
// optionally with a user name and password). Each runs in the foreground
// with its own config and log in a temp dir; .ci/install-proxies.sh installs them.
//
//   const p = await startProxy('tinyproxy');   // or 'danted', { auth: { user, password } }
//                                              // { bind: '127.0.0.3' }: connect out from that address
//   p.url            // 'http://127.0.0.1:PORT' or 'socks5://127.0.0.1:PORT'
//   p.log()          // its log so far (tinyproxy: CONNECT lines; danted: one line per connection)
//   await p.stop()
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { allocBlock } = require('./ports');

const BINARIES = { tinyproxy: '/usr/bin/tinyproxy', danted: '/usr/sbin/danted' };

function proxyUnavailable(kind) {
  const bin = BINARIES[kind];
  if (!bin || !fs.existsSync(bin)) return `${kind} not installed (run .ci/install-proxies.sh)`;
  if (process.getuid && process.getuid() !== 0) return `${kind} needs root here (it drops to nobody)`;
  return null;
}

/** In a mocha `before`: skip (fail under CI=true) when the proxy `kind` cannot run here. */
function requireProxy(ctx, kind) {
  const why = proxyUnavailable(kind);
  if (!why) return;
  if (process.env.CI === 'true') throw new Error(why);
  console.log(`      SKIPPED: ${why}`);
  ctx.skip();
}

function waitListening(port, child, out, ms = 10000) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`proxy exited (${child.exitCode}): ${out()}`));
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`proxy not listening on ${port}: ${out()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

async function startProxy(kind, opts = {}) {
  const why = proxyUnavailable(kind);
  if (why) throw new Error(why);
  const port = await allocBlock(1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ftps-${kind}-`));
  fs.chmodSync(dir, 0o777);
  const logFile = path.join(dir, `${kind}.log`);
  fs.writeFileSync(logFile, '');
  fs.chmodSync(logFile, 0o666);
  const conf = path.join(dir, `${kind}.conf`);
  let args;
  let url;
  if (kind === 'tinyproxy') {
    // no ConnectPort line: CONNECT to every port (FTP's control and passive ports)
    fs.writeFileSync(
      conf,
      [`User nobody`, `Group nogroup`, `Port ${port}`, `Listen 127.0.0.1`, `Timeout 600`, `LogFile "${logFile}"`, `LogLevel Connect`, `MaxClients 200`, `Allow 127.0.0.1`, `DisableViaHeader Yes`, ...(opts.bind ? [`Bind ${opts.bind}`] : []), ''].join('\n'),
    );
    args = ['-d', '-c', conf];
    url = `http://127.0.0.1:${port}`;
  } else {
    let method = 'none';
    if (opts.auth) {
      // danted checks user names and passwords against the system's (PAM-less "username" method)
      spawnSync('useradd', ['-M', '-s', '/usr/sbin/nologin', opts.auth.user]);
      spawnSync('chpasswd', [], { input: `${opts.auth.user}:${opts.auth.password}\n` });
      method = 'username';
    }
    fs.writeFileSync(
      conf,
      [
        `logoutput: ${logFile}`,
        `internal: 127.0.0.1 port = ${port}`,
        `external: ${opts.bind || '127.0.0.1'}`,
        'clientmethod: none',
        `socksmethod: ${method}`,
        'user.privileged: root',
        'user.unprivileged: nobody',
        'client pass {',
        '  from: 127.0.0.0/8 to: 0.0.0.0/0',
        '  log: connect disconnect',
        '}',
        'socks pass {',
        '  from: 127.0.0.0/8 to: 0.0.0.0/0',
        '  command: connect',
        '  log: connect disconnect',
        '}',
        '',
      ].join('\n'),
    );
    args = ['-f', conf, '-N', '1'];
    url = `socks5://127.0.0.1:${port}`;
  }
  let output = '';
  const child = spawn(BINARIES[kind], args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.on('data', (d) => (output = (output + d).slice(-20000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20000)));
  await waitListening(port, child, () => output + fs.readFileSync(logFile, 'utf8'));
  return {
    kind,
    port,
    url,
    pid: child.pid,
    log: () => fs.readFileSync(logFile, 'utf8') + output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startProxy, proxyUnavailable, requireProxy };
