'use strict';
// What the extra servers (h.EXTRA_KINDS) answer to the commands the client may
// use, with the harness's raw client (test/harness/raw.js, independent of src/):
// the quirks the README's server table and h.caps() describe, as assertions,
// so a new package version that changes them shows up here first.
const assert = require('node:assert/strict');
const h = require('../harness');

// command -> the reply code, or [code, a RegExp on the reply text] where the text is worth pinning,
// or a function of the mode giving either
const QUIRKS = {
  aioftp: {
    FEAT: 502, 'SIZE f.txt': 502, 'MDTM f.txt': 502, NOOP: 502, HELP: 502, 'OPTS UTF8 ON': 502,
    'SITE CHMOD 644 f.txt': 502, 'MFMT 20200101000000 f.txt': 502,
    'MLST f.txt': [250, /Size=5;.*Modify=\d{14};.*Type=file/],
    'PROT C': 502, 'PROT P': 200, 'REST 1': 350, EPSV: 229,
  },
  twisted: {
    FEAT: [211, /^Features:\n FEAT\n MDTM\n PASV\n SIZE\n TYPE A;I\nEnd$/],
    'SIZE f.txt': [213, /^5$/], 'MDTM f.txt': [213, /^\d{14}$/], 'SIZE none': 550, NOOP: 200,
    'MLST f.txt': 502, 'PROT P': 502, 'REST 1': 502, EPSV: 502, HELP: 502, 'MFMT 20200101000000 f.txt': 502, 'SITE CHMOD 644 f.txt': 502,
  },
  ftpsrv: {
    // FEAT lists UTF8 and SIZE/MDTM; PROT is ignored (202), MLST/MFMT refused
    FEAT: [211, /AUTH TLS\n MDTM\n PBSZ\n PROT\n SIZE\n TYPE A,I,L\n UTF8/],
    'SIZE f.txt': [213, /^5$/], 'MDTM f.txt': [213, /^\d{14}\.\d{3}$/], NOOP: 200, 'OPTS UTF8 ON': 200,
    'MLST f.txt': 502, 'MFMT 20200101000000 f.txt': 502, 'REST 1': 350, EPSV: 229,
    // PROT after AUTH TLS: P accepted, C refused (its data connections are TLS all the same); in clear text "202 Not supported"
    'PROT C': (mode) => (mode === 'clear' ? 202 : 536), 'PROT P': (mode) => (mode === 'clear' ? 202 : 200),
    // a missing file's 550 shows the server's own file system path
    'SIZE none': [550, /ENOENT: no such file or directory, stat '\/.*\/none'/],
  },
};

describe('the extra servers\' quirks, as the raw harness client sees them', function () {
  for (const [kind, quirks] of Object.entries(QUIRKS)) {
    for (const mode of h.modes(kind)) {
      it(`${kind} (${mode}) answers as the README's server table says`, async function () {
        this.timeout(30000);
        h.requireServer(this, kind, mode);
        const s = await h.startServer(kind, { mode });
        let client;
        try {
          s.put('f.txt', 'hello');
          for (let attempt = 1; ; attempt++) {
            ({ client } = await h.RawFtp.connect({ host: s.host, port: s.port, implicit: mode === 'implicit', tls: { ca: s.ca } }));
            if (mode !== 'explicit') break;
            await client.expect('AUTH TLS', 234);
            try {
              await client.upgrade({ ca: s.ca });
              break;
            } catch (e) {
              // ftp-srv's AUTH TLS race: it may read the ClientHello as a command
              client.close();
              if (kind !== 'ftpsrv' || attempt >= 20) throw e;
            }
          }
          await client.login(s.user, s.password);
          if (mode !== 'clear') await client.expect('PBSZ 0', 200);
          for (const [cmd, want] of Object.entries(quirks)) {
            const w = typeof want === 'function' ? want(mode) : want;
            const [code, text] = Array.isArray(w) ? w : [w, null];
            const r = await client.send(cmd);
            assert.equal(r.code, code, `${cmd}: ${r.code} ${r.text}`);
            if (text) assert.match(r.text, text, cmd);
          }
        } finally {
          client?.close();
          await s.stop();
        }
      });
    }
  }
});
