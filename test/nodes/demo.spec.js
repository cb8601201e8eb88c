'use strict';
// `npm start`'s demo as a newcomer meets it: one process that prints the
// editor's address, serves FTPS with its own certificate on 127.0.0.1, and
// stops cleanly on Ctrl-C (SIGINT) or SIGTERM, leaving both ports free.
const assert = require('node:assert');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { FtpsClient } = require('../../nodes/lib');
const { startDemo } = require('../support/demo-process');

function refused(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', (e) => resolve(e.code === 'ECONNREFUSED'));
  });
}

/** Resolves when `file` exists with content matching `re`, checked at each change in its directory. */
function fileMatching(file, re, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const check = () => {
      let text = null;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        return;
      }
      if (re.test(text)) {
        watcher.close();
        clearTimeout(timer);
        resolve(text);
      }
    };
    const watcher = fs.watch(path.dirname(file), check);
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${file} never matched ${re}`));
    }, timeoutMs);
  });
}

/** Child processes of pid (Linux /proc); the demo must not leave any behind. */
function childrenOf(pid) {
  if (!fs.existsSync('/proc')) return [];
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      return fs.readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1] === String(pid);
    } catch {
      return false;
    }
  });
}

describe('demo (npm start)', function () {
  this.timeout(90000);

  it('keeps the user\'s own tabs and the demo account across a restart, and rewrites the demo tab', async () => {
    let demo = await startDemo();
    const { userDir } = demo;
    try {
      const headers = { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2' };
      const flows = await (await fetch(`${demo.url}/flows`, { headers })).json();
      const mine = [{ id: 'my-tab', type: 'tab', label: 'mine' }, { id: 'my-comment', type: 'comment', z: 'my-tab', name: 'my own flow', x: 100, y: 40, wires: [] }];
      const put = await fetch(`${demo.url}/flows`, { method: 'POST', headers, body: JSON.stringify({ flows: flows.flows.concat(mine), rev: flows.rev }) });
      assert.strictEqual(put.status, 200);
      const { password, port: firstPort } = demo.ftp;
      assert.strictEqual((await demo.stop()).code, 0);

      demo = await startDemo({ userDir });
      assert.strictEqual(demo.ftp.password, password, 'the account survives a restart');
      const after = (await (await fetch(`${demo.url}/flows`, { headers })).json()).flows;
      assert.ok(after.some((n) => n.id === 'my-comment' && n.z === 'my-tab'), 'own tab kept');
      assert.strictEqual(after.filter((n) => n.id === 'ftps-demo-tab').length, 1, 'one demo tab');
      assert.strictEqual(after.find((n) => n.id === 'ftps-demo-server').port, String(demo.ftp.port), `server node follows the new port (was ${firstPort})`);
      // the demo flow runs with the credentials set at this start: its put arrives
      const arrived = fileMatching(path.join(demo.ftp.root, 'hello.txt'), /^Hello from Node-RED over FTPS at \S+Z$/);
      const inject = await fetch(`${demo.url}/inject/ftps-demo-inject`, { method: 'POST' });
      assert.strictEqual(inject.status, 200, `POST /inject: ${inject.status}; demo output:\n${demo.output()}`);
      await arrived;
    } finally {
      await demo.stop('SIGKILL');
      demo.cleanup();
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM']) {
    it(`serves the editor and FTPS with the demo account, and stops on ${signal} with both ports free`, async () => {
      const demo = await startDemo();
      try {
        const uiPort = Number(new URL(demo.url).port);
        const page = await fetch(`${demo.url}/`);
        assert.strictEqual(page.status, 200);
        assert.match(await page.text(), /<title>node-red-contrib-ftps demo<\/title>/);
        const flows = await (await fetch(`${demo.url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } })).json();
        const types = flows.flows.map((n) => n.type);
        for (const t of ['inject', 'ftps-put', 'ftps-list', 'ftps-get', 'debug', 'ftps-server', 'tls-config']) assert.ok(types.includes(t), `demo flow has ${t}`);
        const tlsNode = flows.flows.find((n) => n.type === 'tls-config');
        assert.strictEqual(tlsNode.verifyservercert, true);
        assert.strictEqual(fs.readFileSync(tlsNode.ca, 'utf8'), demo.ftp.cert, 'the tls-config CA is exactly the server certificate');
        assert.ok(!JSON.stringify(flows).includes(demo.ftp.password), 'the password is not in the flows');
        assert.ok(!fs.readFileSync(path.join(demo.userDir, 'flows.json'), 'utf8').includes(demo.ftp.password));

        // the embedded server: AUTH TLS, PROT P, verified against its certificate only
        const c = new FtpsClient({ host: demo.ftp.host, port: demo.ftp.port, encryption: 'explicit', dataProtection: 'private', tls: { ca: demo.ftp.cert } });
        await c.connect();
        await c.login(demo.ftp.user, demo.ftp.password);
        await c.put(Buffer.from('demo test'), 'probe.txt');
        assert.strictEqual((await c.getBuffer('probe.txt')).toString(), 'demo test');
        await c.quit();
        // logins in a row (ftp-srv's own AUTH TLS lost more than half of them
        // to a race), and PASV data connections under PROT P
        for (let i = 0; i < 15; i++) {
          const again = new FtpsClient({ host: demo.ftp.host, port: demo.ftp.port, encryption: 'explicit', tls: { ca: demo.ftp.cert }, epsv: i % 2 ? 'never' : 'auto' });
          await again.connect();
          await again.login(demo.ftp.user, demo.ftp.password);
          assert.strictEqual((await again.getBuffer('probe.txt')).toString(), 'demo test', `login ${i}`);
          await again.quit();
        }
        const untrusted = new FtpsClient({ host: demo.ftp.host, port: demo.ftp.port, encryption: 'explicit' });
        await assert.rejects(untrusted.connect(), /self-signed|self signed/i);
        untrusted.close();

        assert.deepStrictEqual(childrenOf(demo.child.pid), [], 'the demo runs in one process');
        const { code, signal: sig } = await demo.stop(signal);
        assert.strictEqual(code, 0, `exit code (signal ${sig}); output:\n${demo.output()}`);
        assert.match(demo.output(), /stopped/);
        assert.strictEqual(await refused(demo.ftp.port), true, 'FTP port free');
        assert.strictEqual(await refused(uiPort), true, 'editor port free');
      } finally {
        await demo.stop('SIGKILL');
        demo.cleanup();
      }
    });
  }
});
