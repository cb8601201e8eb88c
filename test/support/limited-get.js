'use strict';
// Run by transfers.local-write-failure.spec.js under `ulimit -f` (a file size limit
// for this process): downloads a file larger than the limit, then a small
// one on the same session, and prints what happened as one JSON line.
const fs = require('node:fs');
const path = require('node:path');
const { FtpsClient } = require('../../nodes/lib');

async function main() {
  const o = JSON.parse(process.argv[2]);
  const c = new FtpsClient({ host: o.host, port: o.port, encryption: o.mode, tls: { ca: o.ca }, timeout: 30 });
  await c.connect();
  await c.login(o.user, o.password);
  const out = {};
  try {
    await c.get(o.big, path.join(o.dir, 'big.bin'));
    out.big = 'completed';
  } catch (e) {
    out.big = { kind: e.kind, message: e.message };
  }
  out.afterBig = fs.readdirSync(o.dir);
  try {
    const r = await c.get(o.small, path.join(o.dir, 'small.bin'));
    out.small = r.bytes;
  } catch (e) {
    out.small = { kind: e.kind, message: e.message };
  }
  await c.quit();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
