'use strict';
// The client side of the mock-server tests: clear-mode clients logged in as
// the mock server expects, closed after each test, and the checks they share.
const assert = require('node:assert/strict');
const { FtpsClient, FtpError } = require('../../nodes/lib');
const { MockFtpServer } = require('./mock-server');

/** What a client sends to log in to the mock server (its FEAT lists no MLST, so no OPTS). */
const LOGIN = ['USER user', 'PASS pw', 'FEAT', 'TYPE I'];

/** An assert.rejects validator: an FtpError of this kind (and reply code, when given). */
const isFtp = (kind, code) => (e) => {
  assert.ok(e instanceof FtpError, `expected an FtpError, got ${e}`);
  assert.equal(e.kind, kind, `kind of: ${e.message}`);
  if (code !== undefined) assert.equal(e.code, code, `code of: ${e.message}`);
  return true;
};

/** Clients of one test file: made for a mock server, all closed by closeAll() in afterEach. */
class MockClients {
  constructor(defaults = {}) {
    this.defaults = defaults;
    this.open = [];
  }

  create(server, extra = {}) {
    const c = new FtpsClient({ host: '127.0.0.1', port: server.port, encryption: 'clear', ...this.defaults, ...extra });
    this.open.push(c);
    return c;
  }

  async loggedIn(server, extra) {
    const c = this.create(server, extra);
    await c.connect();
    await c.login('user', 'pw');
    return c;
  }

  closeAll() {
    for (const c of this.open.splice(0)) c.close();
  }
}

/**
 * Mocha hooks for a describe whose tests each start a mock server:
 * `startServer(opts)` sets `mock.server`, `newClient`/`loggedIn` make clients
 * for it that log into `mock.log`, and `afterLogin()` is what the first
 * session received after the login. After each test the clients are closed
 * and the server stopped, and its handlers must have run without errors.
 */
function useMockServer() {
  const mock = {
    server: undefined,
    log: [],
    clients: null,
    async startServer(opts) {
      mock.server = await MockFtpServer.start(opts);
      return mock.server;
    },
    newClient: (extra) => mock.clients.create(mock.server, extra),
    loggedIn: (extra) => mock.clients.loggedIn(mock.server, extra),
    afterLogin() {
      const lines = mock.server.sessions[0].lines;
      assert.deepEqual(lines.slice(0, LOGIN.length), LOGIN);
      return lines.slice(LOGIN.length);
    },
  };
  beforeEach(() => {
    mock.server = undefined;
    mock.log = [];
    mock.clients = new MockClients({ logger: (l) => mock.log.push(l) });
  });
  afterEach(async () => {
    mock.clients.closeAll();
    if (mock.server) {
      await mock.server.close();
      assert.deepEqual(mock.server.errors, [], 'mock handlers ran without errors');
    }
  });
  return mock;
}

/** A promise with its resolve function, for handing things from a mock handler to the test. */
function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

module.exports = { LOGIN, isFtp, MockClients, useMockServer, deferred };
