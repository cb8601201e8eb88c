'use strict';
// A stand-in ftps-server node: the real session pool over scripted clients
// (test/support/fake-client.js), for the msg contract of the action nodes
// where no real server is needed. `world` is what the clients serve and
// what they were asked.
const { Writable } = require('node:stream');
const path = require('node:path');
const { helper } = require('./red');
const { FakeClient } = require('../../support/fake-client');
const { ROOT, actionNodes, delay } = require('./offline');

const { SessionPool } = require(path.join(ROOT, 'nodes', 'nodes', 'session-pool.js'));

const MLSD = [
  'type=file;size=12;modify=20240102030405;UNIX.mode=0644; a.csv',
  'type=file;size=7;modify=20240102030406.5;UNIX.mode=0600; b.txt',
  'type=dir;modify=20240101000000;UNIX.mode=0755; sub',
  'type=cdir;modify=20240101000000; .',
  '',
].join('\r\n');

class ScriptedClient extends FakeClient {
  constructor(world) {
    super();
    this.world = world;
    this.features = new Map([['MLST', 'type*;size*;modify*;']]);
  }
  async quot(line) {
    await delay(Math.floor(Math.random() * 8));
    const r = { code: line.startsWith('BAD') ? 500 : 200, message: `ok ${line}`, lines: [] };
    this.lastReply = r;
    return r;
  }
  async listRaw(verb, dir) {
    this.world.calls.push(`${verb} ${dir ?? ''}`);
    this.lastReply = { code: 226, message: 'Transfer complete', lines: [] };
    if (dir && dir.endsWith('sub')) return `type=file;size=1;modify=20240102030405; deep.csv\r\n${this.world.dotFile ? 'type=file;size=1;modify=20240102030405; .hidden.csv\r\n' : ''}`;
    return MLSD;
  }
  async get(remote, sink, opts) {
    const data = this.world.files[remote];
    if (!data) throw Object.assign(new Error(`RETR ${remote}: 550 No such file`), { kind: 'reply', code: 550 });
    opts.onProgress?.({ bytes: 0, total: data.length });
    for (let i = 0; i < data.length; i += 1000) {
      const chunk = data.subarray(i, i + 1000);
      await new Promise((r) => sink.write(chunk, r));
      opts.onProgress?.({ bytes: i + chunk.length, total: data.length });
    }
    await new Promise((r) => sink.end(r));
    const reply = { code: 226, message: 'Transfer complete', lines: [] };
    return { bytes: data.length, ms: 3, reply, remotePath: remote };
  }
  async fetch(remote, opts) {
    const parts = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        parts.push(chunk);
        cb();
      },
    });
    const r = await this.get(remote, sink, opts);
    return { ...r, data: Buffer.concat(parts) };
  }
}

function fakeServerModule(world) {
  return function (RED) {
    function FakeServer(def) {
      RED.nodes.createNode(this, def);
      const pool = new SessionPool({
        create: () => new ScriptedClient(world),
        open: async () => {
          await delay(5);
        },
        maxConnections: Number(def.maxConnections) || 1,
        idleTimeout: 0,
      });
      const users = new Map();
      this.run = (job, opts) => pool.run(job, opts);
      this.register = (u) => users.set(u.id, u);
      this.deregister = (u) => users.delete(u.id);
      this.on('close', (_removed, done) => {
        pool.close().then(done, done);
      });
    }
    RED.nodes.registerType('ftps-server', FakeServer, { credentials: { user: { type: 'text' }, password: { type: 'password' } } });
  };
}

function flowWith(node, maxConnections = 1) {
  return [
    { id: 'f1', type: 'tab', label: 'ftps' },
    { id: 's1', type: 'ftps-server', host: 'fake', maxConnections },
    { id: 'n1', z: 'f1', server: 's1', wires: [['out']], ...node },
    { id: 'c1', z: 'f1', type: 'catch', scope: null, wires: [['caught']] },
    { id: 'out', z: 'f1', type: 'helper' },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];
}

/**
 * Mocha hooks for a describe of scripted-server tests: `sc.world` is fresh
 * for each test (calls, files, dotFile), `sc.load(node, maxConnections)`
 * loads node "n1" on the fake server, the flow is unloaded after each test.
 */
function useScriptedServer() {
  const sc = {
    world: null,
    load: (node, maxConnections) => helper.load([fakeServerModule(sc.world), ...actionNodes], flowWith(node, maxConnections)),
  };
  beforeEach(() => {
    sc.world = { calls: [], files: {} };
  });
  afterEach(async () => {
    await helper.unload();
  });
  return sc;
}

module.exports = { ScriptedClient, useScriptedServer };
