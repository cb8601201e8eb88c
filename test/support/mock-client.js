'use strict';
// The client side of the mock-server tests: clear-mode clients logged in as
// the mock server expects, closed after each test, and the checks they share.
const assert = require('node:assert/strict');
const { FtpsClient, FtpError } = require('../../nodes/lib');

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

module.exports = { LOGIN, isFtp, MockClients };
