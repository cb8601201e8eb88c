'use strict';
// quot(): any reply is a result, data and session commands are refused;
// against the scripted server in test/support/mock-server.js (clear mode).
const assert = require('node:assert/strict');
const { useMockServer, isFtp } = require('../support/mock-client');

describe('client commands against a mock server', () => {
  const mock = useMockServer();
  const { startServer, loggedIn, afterLogin } = mock;

  describe('quot', () => {
    it('mock server: quot("STAT") returns a 5xx reply without throwing', async () => {
      await startServer({ handlers: { STAT: (s) => s.reply('502 STAT not implemented.') } });
      const c = await loggedIn();
      const r = await c.quot('STAT');
      assert.equal(r.code, 502);
      assert.equal(r.message, 'STAT not implemented.');
      assert.equal(c.connected, true);
      await c.noop();
      assert.deepEqual(afterLogin(), ['STAT', 'NOOP']);
    });

    it('mock server: quot reads past 1xx replies to the final one', async () => {
      await startServer({ handlers: { XWRK: (s) => s.reply('150 working on it', '250 done') } });
      const c = await loggedIn();
      const r = await c.quot('XWRK now');
      assert.equal(r.code, 250);
      await c.noop();
      assert.deepEqual(afterLogin(), ['XWRK now', 'NOOP']);
    });

    it('mock server: quot returning 421 ends the session', async () => {
      await startServer({ handlers: { STAT: (s) => s.reply('421 Service not available') } });
      const c = await loggedIn();
      const r = await c.quot('STAT');
      assert.equal(r.code, 421);
      assert.equal(c.connected, false);
    });

    const REFUSED = ['LIST', 'RETR x', 'PASV', ' list ', 'nlst', 'MLSD /', 'STOR x', 'STOU', 'APPE x', 'EPSV', 'PORT 127,0,0,1,4,1', 'EPRT |1|127.0.0.1|1025|', 'REST 0', 'PRET RETR x', 'PASS x', 'USER x', 'AUTH TLS', 'PBSZ 0', 'PROT P', 'CCC', 'REIN', 'QUIT'];
    it(`mock server: quot refuses data and session commands (${REFUSED.length} of them) with kind input, sending nothing`, async () => {
      await startServer();
      const c = await loggedIn();
      for (const line of REFUSED) {
        await assert.rejects(c.quot(line), (e) => isFtp('input', 0)(e) && e.command === line.trim().split(' ')[0].toUpperCase(), line);
      }
      await c.noop();
      assert.deepEqual(afterLogin(), ['NOOP']);
      assert.equal(mock.server.dataConnections.length, 0);
    });
  });
});
