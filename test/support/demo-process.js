'use strict';
// Starts `node demo/start.js` (what `npm start` runs after the build) as a
// child process with its own user directory and free ports, and reads its
// stdout until it prints the editor's address.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

/**
 * @returns {Promise<{ child, url, ftp: { host, port, user, password, cert }, userDir, output: () => string, exited: Promise<{code, signal}>, stop: () => Promise<{code, signal}> }>}
 */
function startDemo({ timeoutMs = 60000, userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-demo-')) } = {}) {
  const child = spawn(process.execPath, [path.join(ROOT, 'demo', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', FTP_PORT: '0', FTPS_DEMO_DIR: userDir, FTPS_DEMO_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no editor address within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d) => {
      out += d;
      const m = /Node-RED editor: (http:\/\/\S+?)\/? /.exec(out);
      const f = /FTPS server: ftp:\/\/([\d.]+):(\d+) /.exec(out);
      if (m && f) {
        clearTimeout(timer);
        resolve({ url: m[1], host: f[1], port: Number(f[2]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { out += d; });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code ?? signal}) before printing its address:\n${out}`));
    });
  });
  return ready.then(({ url, host, port }) => {
    const ftpDir = path.join(userDir, 'ftp');
    const account = JSON.parse(fs.readFileSync(path.join(ftpDir, 'account.json'), 'utf8'));
    return {
      child,
      url,
      userDir,
      ftp: { host, port, user: account.user, password: account.password, cert: fs.readFileSync(path.join(ftpDir, 'cert.pem'), 'utf8'), root: path.join(ftpDir, 'files') },
      output: () => out,
      exited,
      stop(signal = 'SIGINT') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
      cleanup() {
        fs.rmSync(userDir, { recursive: true, force: true });
      },
    };
  }, (e) => {
    child.kill('SIGKILL');
    fs.rmSync(userDir, { recursive: true, force: true });
    throw e;
  });
}

module.exports = { startDemo, ROOT };
