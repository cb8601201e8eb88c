'use strict';
// A stand-in for FtpsClient with its whole public surface (test/unit/
// fake-client.spec.js compares the two), so production code needs no "is
// this method there?" checks for tests and a fake can go wherever a client
// goes. Test files extend it or assign what they script; everything not
// scripted answers as a server that knows nothing: commands get a 502 reply
// error, transfers fail the same way, and nothing touches the network.
const { FtpError } = require('../../nodes/lib');
const { list } = require('../../nodes/lib/tree');

function notScripted(command) {
  return Promise.reject(new FtpError(`${command}: 502 not scripted`, { kind: 'reply', code: 502, command }));
}

class FakeClient {
  constructor(options = {}) {
    this.options = { host: '127.0.0.1', ...options };
    this.welcome = null;
    this.connected = true;
    this.isLoggedIn = true;
    this.hasStrayReply = false;
    this.closedReason = null;
    this.encryption = this.options.encryption ?? 'explicit';
    this.port = this.options.port ?? 21;
    this.commandChannelCleared = false;
    this.controlTlsInfo = null;
    /** maxMemory for list(): unbounded unless a test sets it. */
    this.maxListingBytes = Number.MAX_SAFE_INTEGER;
    this.leftovers = [];
    this.lastReply = null;
    /** FEAT's features; MLST in it turns MLSD on for list(). */
    this.features = null;
    this.cwdAt = '/';
  }

  async connect() {
    this.connected = true;
    return { code: 220, message: 'fake', lines: [] };
  }

  async login() {
    this.isLoggedIn = true;
    return { code: 230, message: 'logged in', lines: [] };
  }

  async quit() {
    this.connected = false;
  }

  close() {
    this.connected = false;
  }

  put(_source, remote) {
    return notScripted(`STOR ${remote}`);
  }

  append(_source, remote) {
    return notScripted(`APPE ${remote}`);
  }

  uput(_source, remote) {
    return notScripted(`STOU ${remote ?? ''}`.trim());
  }

  xput(_source, remote) {
    return notScripted(`STOR ${remote}`);
  }

  get(remote) {
    return notScripted(`RETR ${remote}`);
  }

  getBuffer(remote) {
    return notScripted(`RETR ${remote}`);
  }

  fetch(remote) {
    return notScripted(`RETR ${remote}`);
  }

  xget(remote) {
    return notScripted(`RETR ${remote}`);
  }

  async listRaw() {
    return '';
  }

  /** The real list() over this client's listRaw, as FtpsClient.list does. */
  list(dir = '', opts = {}) {
    return list(this, dir, opts);
  }

  downloadTree(remoteDir) {
    return notScripted(`LIST ${remoteDir}`);
  }

  uploadTree(_localDir, remoteDir) {
    return notScripted(`MKD ${remoteDir}`);
  }

  async pwd() {
    return this.cwdAt;
  }

  cwd(dir) {
    return notScripted(`CWD ${dir}`);
  }

  cdup() {
    return notScripted('CDUP');
  }

  mkdir(dir) {
    return notScripted(`MKD ${dir}`);
  }

  rmdir(dir) {
    return notScripted(`RMD ${dir}`);
  }

  async delete(p) {
    return { code: 250, message: `${p} deleted`, lines: [] };
  }

  rename(from) {
    return notScripted(`RNFR ${from}`);
  }

  async noop() {
    return { code: 200, message: 'NOOP ok', lines: [] };
  }

  size(remote) {
    return notScripted(`SIZE ${remote}`);
  }

  mdtm(remote) {
    return notScripted(`MDTM ${remote}`);
  }

  async stat() {
    return null;
  }

  mfmt(_time, remote) {
    return notScripted(`MFMT ${remote}`);
  }

  setModified(remote) {
    return notScripted(`MFMT ${remote}`);
  }

  site(args) {
    return notScripted(`SITE ${args}`);
  }

  async quot() {
    return { code: 502, message: 'not scripted', lines: ['502 not scripted'] };
  }

  async supported() {
    return false;
  }

  isEnabled(name) {
    return this.features?.has(name === 'MLSD' ? 'MLST' : name) ?? false;
  }

  whyDisabled(name) {
    return this.isEnabled(name) || name !== 'MLST' ? null : 'the server does not announce MLST in FEAT';
  }

  enable() {}

  disable() {}

  markUnsupported() {}
}

module.exports = { FakeClient };
