'use strict';
// A fault-injecting TCP proxy for the reliability tests. It listens on
// another loopback address (127.0.0.2 by default) on the server's control
// port and on every port of its passive range, and forwards to the real
// server on 127.0.0.1. The client connects to the proxy with TLS server name
// "localhost" (the harness certificate has DNS:localhost); EPSV replies carry
// only a port, so data connections come to the proxy as well. TLS passes
// through untouched: faults are chosen by connection kind and byte counts,
// never by content.
//
//   const p = await FaultProxy.start({ controlPort: s.port, dataPorts: s.pasvRange });
//   p.inject({ conn: 'data', dir: 'down', after: 65536, action: 'reset' });
//
// A fault is one-shot: the next connection of that kind takes it. Actions:
//   reset        RST both sides once `after` bytes went in direction `dir`
//   fin          close both sides with a plain FIN (no TLS close_notify: a truncation)
//   stall        stop forwarding anything in either direction from then on
//   reset-control reset every open control connection (the data one goes on)
// `dir` is 'down' (server to client) or 'up'. `proxy.open` counts the
// connection pairs still open; `await proxy.drained()` resolves when it is 0.
// Every chunk forwarded is also emitted as 'bytes' ({ pair, kind, dir, chunk }).
const net = require('node:net');
const { EventEmitter } = require('node:events');

class FaultProxy extends EventEmitter {
  static async start(opts) {
    const p = new FaultProxy(opts);
    await p.listen();
    return p;
  }

  constructor({ host = '127.0.0.2', target = '127.0.0.1', controlPort, dataPorts }) {
    super();
    this.host = host;
    this.target = target;
    this.controlPort = controlPort;
    const [lo, hi] = dataPorts;
    this.ports = [controlPort];
    for (let p = lo; p <= hi; p += 1) this.ports.push(p);
    this.servers = [];
    this.pairs = new Set();
    this.faults = [];
    this.counts = { control: 0, data: 0 };
    this.fired = [];
  }

  get open() {
    return this.pairs.size;
  }

  async listen() {
    for (const port of this.ports) {
      const srv = net.createServer((c) => this.accept(c, port));
      await new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, this.host, resolve);
      });
      this.servers.push(srv);
    }
  }

  /** Queue a one-shot fault for the next connection of kind `conn`. */
  inject(fault) {
    this.faults.push({ dir: 'down', after: 0, ...fault });
  }

  /** Forget the faults no connection has taken yet. */
  clearFaults() {
    this.faults = [];
  }

  accept(client, port) {
    const kind = port === this.controlPort ? 'control' : 'data';
    this.counts[kind] += 1;
    const i = this.faults.findIndex((f) => f.conn === kind);
    const fault = i >= 0 ? this.faults.splice(i, 1)[0] : null;
    const server = net.connect({ host: this.target, port });
    const pair = { kind, client, server, bytes: { up: 0, down: 0 }, stalled: false, closedBy: null };
    this.pairs.add(pair);
    this.emit('connection', { kind, port });

    const fire = () => {
      this.fired.push({ kind, action: fault.action });
      this.emit('fault', { kind, action: fault.action });
      if (fault.action === 'reset') {
        pair.dead = true;
        resetBoth(pair);
      } else if (fault.action === 'fin') {
        pair.dead = true;
        pair.client.end();
        pair.server.end();
      } else if (fault.action === 'stall') {
        pair.stalled = true;
      } else if (fault.action === 'reset-control') {
        for (const p of this.pairs) if (p.kind === 'control') resetBoth(p);
      }
    };
    const pipe = (from, to, dir) => {
      from.on('data', (chunk) => {
        if (pair.stalled || pair.dead) return;
        this.emit('bytes', { pair, kind, dir, chunk });
        if (fault && !pair.fired && fault.dir === dir && pair.bytes[dir] + chunk.length > fault.after) {
          pair.fired = true;
          const keep = fault.after - pair.bytes[dir];
          if (keep > 0) to.write(chunk.subarray(0, keep));
          pair.bytes[dir] += Math.max(0, keep);
          fire();
          if (fault.action !== 'reset-control') return;
          chunk = chunk.subarray(Math.max(0, keep));
        }
        pair.bytes[dir] += chunk.length;
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => {
        if (!pair.stalled && !pair.dead) to.end();
      });
    };
    pipe(client, server, 'up');
    pipe(server, client, 'down');
    const done = (by) => {
      if (!pair.closedBy) pair.closedBy = by;
      if (client.destroyed && server.destroyed && this.pairs.delete(pair)) {
        this.emit('close', { kind, by: pair.closedBy });
        if (this.pairs.size === 0) this.emit('drained');
      }
    };
    // who ended first: the first FIN (or close) seen, whichever side it came from
    client.once('end', () => done('client'));
    server.once('end', () => done('server'));
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
    client.on('close', () => {
      server.destroy();
      done('client');
    });
    server.on('close', () => {
      // a stalled connection stays silent towards the client until the client gives up
      if (!pair.stalled) client.destroy();
      done('server');
    });
  }

  /** Resolves once no proxied connection is open. */
  drained() {
    if (this.pairs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.once('drained', resolve));
  }

  /** Resolves on the next close of a `kind` connection that the server side ended. */
  nextServerClose(kind) {
    return this.nextClose(kind, 'server');
  }

  /** Resolves on the next close of a `kind` connection (ended by `by`, or by either side). */
  nextClose(kind, by) {
    return new Promise((resolve) => {
      const on = (e) => {
        if (e.kind === kind && (!by || e.by === by)) {
          this.removeListener('close', on);
          resolve(e);
        }
      };
      this.on('close', on);
    });
  }

  async close() {
    for (const p of this.pairs) resetBoth(p);
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
    this.servers = [];
  }
}

function resetBoth(pair) {
  for (const s of [pair.client, pair.server]) {
    if (s.destroyed) continue;
    if (typeof s.resetAndDestroy === 'function' && s._handle) s.resetAndDestroy();
    else s.destroy();
  }
}

module.exports = { FaultProxy };
