'use strict';
// A stand-in for FtpsClient with the whole surface the nodes, the pool and
// list() use (ListingClient, PoolClient, what the node handlers call), so
// production code needs no "is this method there?" checks for tests. Test
// files extend it and script what they need.
const { FtpError } = require('../../nodes/lib');

class FakeClient {
  constructor() {
    this.connected = true;
    this.hasStrayReply = false;
    this.closedReason = null;
    /** maxMemory for list(): unbounded unless a test sets it. */
    this.maxListingBytes = Number.MAX_SAFE_INTEGER;
    this.leftovers = [];
    this.lastReply = null;
    /** FEAT's features; MLST in it turns MLSD on for list(). */
    this.features = null;
    this.cwdAt = '/';
  }

  async quit() {
    this.connected = false;
  }

  close() {
    this.connected = false;
  }

  isEnabled(name) {
    return this.features?.has(name === 'MLSD' ? 'MLST' : name) ?? false;
  }

  whyDisabled(name) {
    return this.isEnabled(name) || name !== 'MLST' ? null : 'the server does not announce MLST in FEAT';
  }

  markUnsupported() {}

  async listRaw() {
    return '';
  }

  async quot() {
    return { code: 502, message: 'not scripted', lines: ['502 not scripted'] };
  }

  async pwd() {
    return this.cwdAt;
  }

  async cwd(dir) {
    throw new FtpError(`CWD ${dir}: 550 not scripted`, { kind: 'reply', code: 550, command: `CWD ${dir}` });
  }

  async delete(p) {
    return { code: 250, message: `${p} deleted`, lines: [] };
  }
}

module.exports = { FakeClient };
