'use strict';
// The order of a PROT P data connection's TLS handshake against every TLS
// server of the harness, in every TLS mode it has, through the nodes:
// downloads and listings send the transfer command, then start the handshake
// at once without waiting for the 1xx (ftp-srv sends 150 only after the
// handshake); uploads wait for the 1xx (pyftpdlib hangs an upload whose
// handshake finished before it acted on STOR), except on a session that has
// learnt otherwise (ftp-srv answers such an upload 425 once).
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const h = require('../harness');
const { helper } = require('./support/red');
const { useServer, call } = require('./support/flow');

const logged = () => helper.log().args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x))).join(' '));

/** Indexes of the handshake start and of the 1xx reply after the last command `verb`. */
function order(verb) {
  const all = logged();
  const i = all.map((l) => l.startsWith(`>>> ${verb}`)).lastIndexOf(true);
  assert.ok(i >= 0, `${verb} was sent:\n${all.join('\n')}`);
  const lines = all.slice(i);
  return {
    secure: lines.findIndex((l) => l.startsWith('securing the data connection')),
    prelim: lines.findIndex((l) => /^<<< 1\d\d /.test(l)),
    text: lines.join('\n'),
  };
}

for (const kind of h.ALL_KINDS) {
  for (const mode of h.modes(kind).filter((m) => m !== 'clear')) {
    describe(`data-connection TLS order through the nodes: ${kind} (${mode})`, function () {
      this.timeout(60000);
      const fx = useServer(kind, mode);

      it('RETR and LIST: handshake before the 1xx; STOR: after it (ftp-srv: before, once it answered 425); bytes exact', async () => {
        const data = crypto.randomBytes(64 * 1024);
        fx.s.put('order.bin', data);
        // ftp-srv's AUTH TLS race (up to 40% of logins here): the node's retries absorb it
        await fx.load([{ id: 'g1', type: 'ftps-get' }, { id: 'l1', type: 'ftps-list', method: 'list' }, { id: 'p1', type: 'ftps-put' }],
          { debug: 2, retries: kind === 'ftpsrv' ? 10 : 0, retryDelay: 0.05 });
        assert.ok((await call('g1', { filename: 'order.bin' })).payload.equals(data));
        const retr = order('RETR');
        assert.ok(retr.secure > 0 && retr.prelim > 0 && retr.secure < retr.prelim, retr.text);
        assert.ok((await call('l1', { filename: '' })).payload.some((e) => e.name === 'order.bin'));
        const list = order('LIST');
        assert.ok(list.secure > 0 && list.prelim > 0 && list.secure < list.prelim, list.text);
        const up = crypto.randomBytes(64 * 1024);
        await call('p1', { filename: 'up.bin', payload: up });
        await call('p1', { filename: 'up2.bin', payload: up });
        assert.ok(fs.readFileSync(fx.file('up.bin')).equals(up) && fs.readFileSync(fx.file('up2.bin')).equals(up));
        const stor = order('STOR');
        if (kind === 'ftpsrv') {
          assert.ok(logged().some((l) => /uploads start the handshake at once from now on/.test(l)), stor.text);
          assert.ok(stor.secure > 0 && stor.prelim > 0 && stor.secure < stor.prelim, stor.text);
        } else {
          assert.ok(stor.secure > 0 && stor.prelim > 0 && stor.prelim < stor.secure, stor.text);
        }
      });
    });
  }
}
