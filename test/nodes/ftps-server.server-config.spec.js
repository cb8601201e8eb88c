'use strict';
// ftps-server's editor properties → FtpsClientOptions (no Node-RED, no server).
const assert = require('node:assert');
const path = require('node:path');
const { serverSettings, tlsFromConfigNode } = require(path.join(__dirname, '..', '..', 'nodes', 'nodes', 'server-config.js'));

const base = { id: 's1', type: 'ftps-server' };

describe('ftps-server settings', () => {
  it('defaults: explicit, PROT P, verify, EPSV auto, 120 s, one session, 60 s idle', () => {
    const s = serverSettings({ ...base, host: ' ftp.example.com ' }, undefined);
    assert.deepStrictEqual(s.client, {
      host: 'ftp.example.com',
      encryption: 'explicit',
      dataProtection: 'private',
      tls: { rejectUnauthorized: true },
      epsv: 'auto',
      pret: false,
      overrideHelp: 'auto',
      ccc: false,
      timeout: 120,
      preserveTimestamp: false,
      debug: 0,
      maxMemory: 256,
      lowSpeedLimit: 1,
      lowSpeedTime: 60,
    });
    assert.strictEqual(s.maxConnections, 1);
    assert.strictEqual(s.idleTimeout, 60);
  });

  it('maxMemory, lowSpeedLimit and lowSpeedTime from editor strings; junk gives the defaults', () => {
    const s = serverSettings({ ...base, host: 'h', maxMemory: '8', lowSpeedLimit: '0', lowSpeedTime: '5' }, undefined);
    assert.deepStrictEqual([s.client.maxMemory, s.client.lowSpeedLimit, s.client.lowSpeedTime], [8, 0, 5]);
    const j = serverSettings({ ...base, host: 'h', maxMemory: 'x', lowSpeedLimit: '-1', lowSpeedTime: '0' }, undefined);
    assert.deepStrictEqual([j.client.maxMemory, j.client.lowSpeedLimit, j.client.lowSpeedTime], [256, 1, 60]);
  });

  it('editor strings become numbers and booleans; port "" means the default', () => {
    const s = serverSettings(
      { ...base, host: 'h', port: '2121', timeout: '30', maxConnections: '4', idleTimeout: '0', pret: 'true', ccc: true, rejectUnauthorized: 'false', debug: '2', preserveTimestamp: true, epsv: 'never', pasvHost: ' 10.0.0.1 ', overrideHelp: 'MFMT, SIZE' },
      undefined,
      () => {},
    );
    assert.strictEqual(s.client.port, 2121);
    assert.strictEqual(s.client.timeout, 30);
    assert.strictEqual(s.maxConnections, 4);
    assert.strictEqual(s.idleTimeout, 0);
    assert.strictEqual(s.client.pret, true);
    assert.strictEqual(s.client.ccc, true);
    assert.strictEqual(s.client.tls.rejectUnauthorized, false);
    assert.strictEqual(s.client.debug, 2);
    assert.strictEqual(typeof s.client.logger, 'function');
    assert.strictEqual(s.client.preserveTimestamp, true);
    assert.strictEqual(s.client.epsv, 'never');
    assert.strictEqual(s.client.pasvHost, '10.0.0.1');
    assert.strictEqual(s.client.overrideHelp, 'MFMT, SIZE');
    assert.strictEqual(serverSettings({ ...base, host: 'h', port: '' }, undefined).client.port, undefined);
  });

  it('fingerprint: goes to the TLS settings, with or without a tls-config node; not for plain FTP', () => {
    const fp = ' ab:cd ';
    assert.strictEqual(serverSettings({ ...base, host: 'h', fingerprint: fp }, undefined).client.tls.fingerprint, 'ab:cd');
    assert.strictEqual(serverSettings({ ...base, host: 'h', fingerprint: fp }, { ca: 'CA', rejectUnauthorized: true }).client.tls.fingerprint, 'ab:cd');
    assert.strictEqual(serverSettings({ ...base, host: 'h', fingerprint: fp, encryption: 'clear' }, undefined).client.tls.fingerprint, undefined);
    assert.strictEqual(serverSettings({ ...base, host: 'h', fingerprint: '' }, undefined).client.tls.fingerprint, undefined);
  });

  it('clear encryption forces clear data and no CCC', () => {
    const s = serverSettings({ ...base, host: 'h', encryption: 'clear', dataProt: 'private', ccc: true }, undefined);
    assert.strictEqual(s.client.encryption, 'clear');
    assert.strictEqual(s.client.dataProtection, 'clear');
    assert.strictEqual(s.client.ccc, false);
  });

  it("a tls-config node's options win over rejectUnauthorized", () => {
    const tls = tlsFromConfigNode({ ca: Buffer.from('CA'), cert: 'C', key: 'K', passphrase: 'pp', servername: 'ftp.example.com', rejectUnauthorized: false, ALPNProtocols: ['x'] });
    assert.deepStrictEqual(tls, { ca: Buffer.from('CA'), cert: 'C', key: 'K', passphrase: 'pp', servername: 'ftp.example.com', rejectUnauthorized: false });
    const s = serverSettings({ ...base, host: 'h', rejectUnauthorized: true, tlsMaxVersion: 'TLSv1.2' }, tls);
    assert.strictEqual(s.client.tls.rejectUnauthorized, false);
    assert.strictEqual(s.client.tls.maxVersion, 'TLSv1.2');
    assert.strictEqual(tlsFromConfigNode({ rejectUnauthorized: true }).rejectUnauthorized, true);
  });

  it('junk values fall back to the defaults', () => {
    const s = serverSettings({ ...base, host: 'h', encryption: 'rot13', epsv: 'maybe', timeout: 'x', maxConnections: 0, idleTimeout: -5, debug: 9 }, undefined);
    assert.strictEqual(s.client.encryption, 'explicit');
    assert.strictEqual(s.client.epsv, 'auto');
    assert.strictEqual(s.client.timeout, 120);
    assert.strictEqual(s.maxConnections, 1);
    assert.strictEqual(s.idleTimeout, 60);
    assert.strictEqual(s.client.debug, 2);
  });

  it('FEAT off and ENABLE / DISABLE lists become the client options feat, enable, disable', () => {
    const d = serverSettings({ ...base, host: 'h', feat: true, enableFeatures: '', disableFeatures: ' ' }, undefined).client;
    assert.ok(!('feat' in d) && !('enable' in d) && !('disable' in d), 'defaults add nothing');
    const s = serverSettings({ ...base, host: 'h', feat: 'false', enableFeatures: 'mdtm', disableFeatures: 'MLSD, size,SIZE' }, undefined).client;
    assert.strictEqual(s.feat, false);
    assert.deepStrictEqual(s.enable, ['MDTM']);
    assert.deepStrictEqual(s.disable, ['MLST', 'SIZE']);
    assert.throws(() => serverSettings({ ...base, host: 'h', disableFeatures: 'MLST, REST' }, undefined), /disableFeatures: unknown feature "REST"/);
    assert.throws(() => serverSettings({ ...base, host: 'h', enableFeatures: 'SIZE', disableFeatures: 'size' }, undefined), /SIZE cannot be both enabled and disabled/);
  });

  it('encoding, dataMode, activeHost: contract defaults (absent = utf8, passive, none); latin1, active and a host are passed on; junk is the default', () => {
    const d = serverSettings({ ...base, host: 'h' }, undefined).client;
    assert.strictEqual(d.encoding, undefined);
    assert.strictEqual(d.dataMode, undefined);
    assert.strictEqual(d.activeHost, undefined);
    const s = serverSettings({ ...base, host: 'h', encoding: 'latin1', dataMode: 'active', activeHost: ' 192.0.2.7 ' }, undefined).client;
    assert.strictEqual(s.encoding, 'latin1');
    assert.strictEqual(s.dataMode, 'active');
    assert.strictEqual(s.activeHost, '192.0.2.7');
    const j = serverSettings({ ...base, host: 'h', encoding: 'ebcdic', dataMode: 'sideways' }, undefined).client;
    assert.strictEqual(j.encoding, undefined);
    assert.strictEqual(j.dataMode, undefined);
  });
});
