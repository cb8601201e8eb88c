'use strict';
// Free-port allocation for test servers: each server gets a block of
// consecutive ports on 127.0.0.1 (control port + its own passive range), so
// servers running in parallel (also from other processes) do not clash.
// Blocks come from 20000-32767, below Linux's ephemeral range (32768-60999),
// so outgoing connections never take them; the start is random per process.

const net = require('net');

const LOW = 20000;
const HIGH = 32700;
let cursor = LOW + Math.floor(Math.random() * (HIGH - LOW));

function canBind(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** One free port (any). */
function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host }, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A block of `count` consecutive ports that are all free right now.
 * Resolves with the first port of the block.
 */
async function allocBlock(count) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (cursor + count > HIGH) cursor = LOW;
    const base = cursor;
    cursor += count;
    const ok = await Promise.all(Array.from({ length: count }, (_, i) => canBind(base + i)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error(`no free block of ${count} ports found in ${LOW}-${HIGH}`);
}

module.exports = { allocBlock, freePort, canBind };
