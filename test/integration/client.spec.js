'use strict';
// The client against real FTP servers (vsftpd, ProFTPD, Pure-FTPd, pyftpdlib)
// started by the harness on 127.0.0.1, in every mode each supports.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable, Writable } = require('node:stream');
const h = require('../harness');
const { FtpsClient } = require('../../nodes/lib');

const MiB = 1024 * 1024;
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
const BIG = crypto.randomBytes(10 * MiB);
const ONE = Buffer.from([0x42]);
const EMPTY = Buffer.alloc(0);

function localTmp() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-client-'));
}

/** A connected, logged-in client for `srv`; its debug log is kept in client.logLines. */
async function open(srv, extra = {}) {
  const logLines = [];
  const client = new FtpsClient({
    host: srv.host,
    port: srv.port,
    encryption: srv.mode,
    tls: { ca: srv.ca },
    timeout: 30,
    debug: 2,
    logger: (l) => logLines.push(l),
    ...extra,
  });
  client.logLines = logLines;
  await client.connect();
  await client.login(srv.user, srv.password);
  return client;
}

function onServer(srv, name) {
  return path.join(srv.root, name);
}

function scratchLeft(dir) {
  return fs.readdirSync(dir).filter((n) => n.startsWith('_tmp.'));
}

/** A Readable that gives `good` bytes and then fails. */
function failingSource(good) {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(good);
      } else {
        this.destroy(new Error('source broke'));
      }
    },
  });
}

for (const kind of h.KINDS) {
  describe(`client against ${kind}`, function () {
    const caps = h.caps(kind) || {};

    for (const mode of h.modes(kind)) {
      describe(`${mode} mode`, function () {
        let srv;
        before(async function () {
          h.requireServer(this, kind);
          srv = await h.startServer(kind, { mode });
        });
        after(async () => {
          if (srv) await srv.stop();
        });

        const prots = mode === 'clear' ? ['clear'] : ['private', 'clear'];
        for (const prot of prots) {
          const label = mode === 'clear' ? 'no TLS' : `PROT ${prot === 'private' ? 'P' : 'C'}`;

          it(`${label}: put and get are byte-exact for empty, 1-byte and 10 MiB data`, async function () {
            const client = await open(srv, { dataProtection: prot });
            try {
              for (const [name, data] of [['empty.bin', EMPTY], ['one.bin', ONE], ['big.bin', BIG]]) {
                const remote = `${prot}-${name}`;
                const up = await client.put(data, remote);
                assert.equal(up.bytes, data.length, `${remote} bytes sent`);
                assert.equal(sha(fs.readFileSync(onServer(srv, remote))), sha(data), `${remote} on the server`);
                const back = await client.getBuffer(remote);
                assert.equal(back.length, data.length, `${remote} length back`);
                assert.equal(sha(back), sha(data), `${remote} content back`);
              }
            } finally {
              await client.quit();
            }
          });

          it(`${label}: put from and get to local files are byte-exact`, async function () {
            const client = await open(srv, { dataProtection: prot });
            const dir = localTmp();
            try {
              for (const [name, data] of [['empty.f', EMPTY], ['one.f', ONE], ['big.f', BIG]]) {
                const src = path.join(dir, `src-${name}`);
                fs.writeFileSync(src, data);
                const remote = `${prot}-file-${name}`;
                await client.put(src, remote);
                const dst = path.join(dir, `dst-${name}`);
                const got = await client.get(remote, dst);
                assert.equal(got.localPath, dst);
                assert.equal(sha(fs.readFileSync(dst)), sha(data), name);
              }
              assert.deepEqual(scratchLeft(dir), []);
            } finally {
              await client.quit();
              fs.rmSync(dir, { recursive: true, force: true });
            }
          });
          it(`${label}: the whole surface on small files`, async function () {
            const client = await open(srv, { dataProtection: prot });
            const dir = localTmp();
            const d = `surface-${prot}`;
            try {
              await client.mkdir(d);
              await client.cwd(d);
              assert.match(await client.pwd(), new RegExp(`${d}$`));
              await client.put(Buffer.from('hello '), 'a.txt');
              await client.append(Buffer.from('world'), 'a.txt');
              assert.equal((await client.getBuffer('a.txt')).toString(), 'hello world');
              assert.equal(await client.size('a.txt'), 11);
              const u = await client.uput(Buffer.from('unique'), 'a.txt');
              assert.notEqual(path.basename(u.remotePath), 'a.txt');
              await client.xput(Buffer.from('x-put'), 'x.txt');
              await client.xget('x.txt', path.join(dir, 'x.txt'));
              assert.equal(fs.readFileSync(path.join(dir, 'x.txt'), 'utf8'), 'x-put');
              await client.put(Buffer.from('01234'), 'r.txt');
              await client.put(Buffer.from('0123456789'), 'r.txt', { offset: -1 });
              assert.equal((await client.getBuffer('r.txt')).toString(), '0123456789');
              fs.writeFileSync(path.join(dir, 'part.txt'), '0123');
              await client.get('r.txt', path.join(dir, 'part.txt'), { offset: -1 });
              assert.equal(fs.readFileSync(path.join(dir, 'part.txt'), 'utf8'), '0123456789');
              const when = new Date(Date.UTC(2019, 10, 12, 13, 14, 15));
              await client.setModified('a.txt', when);
              assert.equal((await client.mdtm('a.txt')).toISOString(), when.toISOString());
              await client.site('CHMOD 640 a.txt');
              assert.equal(fs.statSync(path.join(srv.root, d, 'a.txt')).mode & 0o777, 0o640);
              assert.equal((await client.quot('NOOP')).code, 200);
              assert.equal(await client.supported('STOR'), true);
              assert.match(await client.listRaw('LIST'), /x\.txt/);
              await client.rename('x.txt', 'y.txt');
              for (const n of ['a.txt', 'y.txt', 'r.txt', path.basename(u.remotePath)]) await client.delete(n);
              await client.cdup();
              await client.rmdir(d);
              assert.deepEqual(scratchLeft(srv.root), []);
              assert.deepEqual(fs.readdirSync(dir).sort(), ['part.txt', 'x.txt']);
            } finally {
              await client.quit();
              fs.rmSync(dir, { recursive: true, force: true });
            }
          });
        }

        it('a missing file fails with the server\'s 550 reply and the session goes on', async function () {
          const client = await open(srv);
          try {
            await assert.rejects(client.getBuffer('no-such-file.bin'), (e) => e.code === 550 && e.kind === 'reply' && /RETR no-such-file\.bin/.test(e.message));
            assert.match(await client.pwd(), /\//);
          } finally {
            await client.quit();
          }
        });

        it('APPE appends to a remote file', async function () {
          const client = await open(srv);
          try {
            await client.put(Buffer.from('abc'), 'appe.txt');
            await client.append(Buffer.from('def'), 'appe.txt');
            assert.equal(fs.readFileSync(onServer(srv, 'appe.txt'), 'utf8'), 'abcdef');
          } finally {
            await client.quit();
          }
        });
      });
    }

    describe('operations (explicit TLS, PROT P)', function () {
      let srv;
      let client;
      before(async function () {
        h.requireServer(this, kind);
        srv = await h.startServer(kind, { mode: 'explicit', requireTls: true });
      });
      beforeEach(async () => {
        client = await open(srv);
      });
      afterEach(async () => {
        if (client) await client.quit();
        if (client) assert.ok(!client.logLines.some((l) => l.includes(srv.password)), 'the password is never logged');
      });
      after(async () => {
        if (srv) await srv.stop();
      });

      it('trap: an empty upload over TLS 1.3 closes the data TLS cleanly and gets its 226', async function () {
        for (let i = 0; i < 5; i++) {
          const r = await client.put(EMPTY, `empty-${i}.bin`);
          assert.equal(Math.floor(r.reply.code / 100), 2);
          assert.equal(fs.statSync(onServer(srv, `empty-${i}.bin`)).size, 0);
        }
        assert.ok(client.logLines.some((l) => /data connection secured: TLSv1\.3/.test(l)), 'TLS 1.3 was used');
      });

      it('trap: many uploads over TLS 1.3 all arrive whole (no reset before the server read them)', async function () {
        const data = crypto.randomBytes(256 * 1024);
        for (let i = 0; i < 10; i++) {
          await client.put(data, `whole-${i}.bin`);
          assert.equal(sha(fs.readFileSync(onServer(srv, `whole-${i}.bin`))), sha(data), `upload ${i}`);
        }
      });

      it('the data connections resume the control connection\'s TLS session', async function () {
        await client.put(Buffer.from('x'), 'reuse.txt');
        await client.getBuffer('reuse.txt');
        const secured = client.logLines.filter((l) => l.startsWith('data connection secured'));
        assert.equal(secured.length, 2);
        // Pure-FTPd issues no resumable sessions and requires none
        if (caps.sessionReuseRequired) for (const l of secured) assert.match(l, /session resumed/);
      });

      it('resumes a download that was cut, byte-exact (offset -1)', async function () {
        await client.put(BIG, 'resume-get.bin');
        const dir = localTmp();
        const local = path.join(dir, 'resume-get.bin');
        try {
          const ac = new AbortController();
          const partial = fs.createWriteStream(local);
          await assert.rejects(
            client.get('resume-get.bin', partial, {
              signal: ac.signal,
              onProgress: (p) => {
                if (p.bytes >= 2 * MiB) ac.abort();
              },
            }),
            (e) => e.kind === 'aborted',
          );
          await new Promise((r) => (partial.closed ? r() : partial.once('close', r)));
          const cut = fs.statSync(local).size;
          assert.ok(cut > 0 && cut < BIG.length, `partial file of ${cut} bytes`);
          const r = await client.get('resume-get.bin', local, { offset: -1 });
          assert.equal(r.bytes, BIG.length - cut, 'only the rest was transferred');
          assert.equal(sha(fs.readFileSync(local)), sha(BIG));
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });

      it('resumes an upload that was cut, byte-exact (SIZE then REST)', async function () {
        const ac = new AbortController();
        await assert.rejects(
          client.put(BIG, 'resume-put.bin', {
            signal: ac.signal,
            onProgress: (p) => {
              if (p.bytes >= 3 * MiB) ac.abort();
            },
          }),
          (e) => e.kind === 'aborted',
        );
        const cut = await client.size('resume-put.bin');
        assert.ok(cut < BIG.length, `the server holds ${cut} bytes after the cut`);
        assert.equal(sha(fs.readFileSync(onServer(srv, 'resume-put.bin'))), sha(BIG.subarray(0, cut)), 'the partial file is a prefix');
        const r = await client.put(BIG, 'resume-put.bin', { offset: -1 });
        assert.equal(r.bytes, BIG.length - cut);
        assert.equal(sha(fs.readFileSync(onServer(srv, 'resume-put.bin'))), sha(BIG));
      });

      it('xput renames into place and leaves no scratch file; a failed xput removes its scratch file', async function () {
        const r = await client.xput(Buffer.from('complete'), 'xput-target.txt');
        assert.equal(r.remotePath, 'xput-target.txt');
        assert.equal(fs.readFileSync(onServer(srv, 'xput-target.txt'), 'utf8'), 'complete');
        await client.xput(Buffer.from('replaced'), 'xput-target.txt');
        assert.equal(fs.readFileSync(onServer(srv, 'xput-target.txt'), 'utf8'), 'replaced');
        assert.deepEqual(scratchLeft(srv.root), []);
        await assert.rejects(client.xput(failingSource(Buffer.alloc(64 * 1024, 1)), 'xput-failed.txt'));
        assert.deepEqual(scratchLeft(srv.root), []);
        assert.ok(!fs.existsSync(onServer(srv, 'xput-failed.txt')), 'no file under the final name');
        assert.equal(fs.readFileSync(onServer(srv, 'xput-target.txt'), 'utf8'), 'replaced', 'the earlier file is untouched');
        await client.noop();
      });

      it('xget renames into place locally; a failed xget leaves nothing behind', async function () {
        await client.put(BIG, 'xget.bin');
        const dir = localTmp();
        try {
          await client.xget('xget.bin', path.join(dir, 'xget.bin'));
          assert.equal(sha(fs.readFileSync(path.join(dir, 'xget.bin'))), sha(BIG));
          await assert.rejects(client.xget('xget-missing.bin', path.join(dir, 'missing.bin')), (e) => e.code === 550);
          const ac = new AbortController();
          await assert.rejects(
            client.xget('xget.bin', path.join(dir, 'cut.bin'), { signal: ac.signal, onProgress: (p) => p.bytes > MiB && ac.abort() }),
            (e) => e.kind === 'aborted',
          );
          assert.deepEqual(fs.readdirSync(dir).sort(), ['xget.bin']);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });

      it('a get to a local file that fails midway keeps the earlier file under the final name', async function () {
        await client.put(BIG, 'overwrite.bin');
        const dir = localTmp();
        const local = path.join(dir, 'keep.bin');
        fs.writeFileSync(local, 'previous content');
        try {
          const ac = new AbortController();
          await assert.rejects(client.get('overwrite.bin', local, { signal: ac.signal, onProgress: (p) => p.bytes > MiB && ac.abort() }));
          assert.equal(fs.readFileSync(local, 'utf8'), 'previous content');
          assert.deepEqual(fs.readdirSync(dir), ['keep.bin']);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });

      it('STOU stores under a unique name and reports it', async function () {
        await client.put(Buffer.from('first'), 'stou.txt');
        const r = await client.uput(Buffer.from('second'), 'stou.txt');
        assert.ok(r.remotePath, 'a name came back');
        assert.notEqual(path.basename(r.remotePath), 'stou.txt');
        assert.equal(fs.readFileSync(onServer(srv, path.basename(r.remotePath)), 'utf8'), 'second');
        assert.equal(fs.readFileSync(onServer(srv, 'stou.txt'), 'utf8'), 'first');
      });

      it('MDTM reads what setModified (MFMT or its fallbacks) wrote', async function () {
        await client.put(Buffer.from('t'), 'time.txt');
        const when = new Date(Date.UTC(2021, 4, 6, 7, 8, 9));
        await client.setModified('time.txt', when);
        assert.equal((await client.mdtm('time.txt')).toISOString(), when.toISOString());
        assert.equal(fs.statSync(onServer(srv, 'time.txt')).mtime.toISOString(), when.toISOString());
        if (caps.mfmt) {
          const later = new Date(Date.UTC(2022, 0, 2, 3, 4, 5));
          await client.mfmt(later, 'time.txt');
          assert.equal((await client.mdtm('time.txt')).toISOString(), later.toISOString());
        }
      });

      it('preserveTimestamp copies the modification time both ways', async function () {
        const dir = localTmp();
        try {
          const src = path.join(dir, 'stamp.txt');
          fs.writeFileSync(src, 'stamped');
          const when = new Date(Date.UTC(2020, 1, 3, 4, 5, 6));
          fs.utimesSync(src, when, when);
          await client.put(src, 'stamp.txt', { preserveTimestamp: true });
          assert.equal((await client.mdtm('stamp.txt')).toISOString(), when.toISOString());
          const back = path.join(dir, 'back.txt');
          await client.get('stamp.txt', back, { preserveTimestamp: true });
          assert.equal(fs.statSync(back).mtime.toISOString(), when.toISOString());
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });

      it('SITE CHMOD changes the mode on the server', async function () {
        await client.put(Buffer.from('m'), 'mode.txt');
        const r = await client.site('CHMOD 600 mode.txt');
        assert.equal(Math.floor(r.code / 100), 2);
        assert.equal(fs.statSync(onServer(srv, 'mode.txt')).mode & 0o777, 0o600);
      });

      it('quot returns replies whatever their code and refuses data commands', async function () {
        const ok = await client.quot('NOOP');
        assert.equal(ok.code, 200);
        const bad = await client.quot('XYZZY');
        assert.ok(bad.code >= 500 && bad.code < 600, `unknown command answered ${bad.code}`);
        await assert.rejects(client.quot('LIST'), (e) => e.kind === 'input');
        assert.equal((await client.quot('NOOP')).code, 200, 'the session is still in step');
      });

      it('supported() answers from HELP and FEAT', async function () {
        assert.equal(await client.supported('RETR'), true);
        assert.equal(await client.supported('STOR'), true);
        if (kind !== 'pureftpd') assert.equal(await client.supported('DELE'), true, 'from HELP');
        if (kind === 'pureftpd') assert.equal(await client.supported('SITE', 'CHMOD'), true, 'from the SITE list Pure-FTPd gives as HELP');
        assert.equal(await client.supported('XYZZY'), false);
        const helps = client.logLines.filter((l) => l === '>>> HELP').length;
        await client.supported('DELE');
        assert.equal(client.logLines.filter((l) => l === '>>> HELP').length, helps, 'HELP is asked once');
      });

      it('file and directory operations', async function () {
        const dir = await client.mkdir('ops-dir');
        assert.match(dir, /ops-dir/);
        await client.cwd('ops-dir');
        assert.match(await client.pwd(), /ops-dir$/);
        await client.put(Buffer.from('12345'), 'a.txt');
        assert.equal(await client.size('a.txt'), 5);
        await client.rename('a.txt', 'b.txt');
        assert.ok(fs.existsSync(path.join(srv.root, 'ops-dir', 'b.txt')));
        await client.delete('b.txt');
        await client.cdup();
        await client.rmdir('ops-dir');
        assert.ok(!fs.existsSync(path.join(srv.root, 'ops-dir')));
        await assert.rejects(client.delete('ops-dir-missing'), (e) => e.code >= 500);
        await assert.rejects(client.put(Buffer.from('x'), 'bad\r\nDELE x'), (e) => e.kind === 'input');
      });

      it('LIST shows an uploaded file', async function () {
        await client.put(Buffer.from('listed'), 'listed.txt');
        const text = await client.listRaw('LIST');
        assert.match(text, /listed\.txt/);
        const names = await client.listRaw('NLST');
        assert.match(names, /listed\.txt/);
      });

      it('ASCII mode turns LF into CRLF on the wire and back', async function () {
        const text = Buffer.from('line one\nline two\n\nlast line\n');
        await client.put(text, 'ascii.txt', { type: 'ascii' });
        const back = await client.getBuffer('ascii.txt', { type: 'ascii' });
        assert.equal(back.toString(), text.toString());
        const stored = fs.readFileSync(onServer(srv, 'ascii.txt'));
        assert.ok(stored.equals(text) || stored.equals(Buffer.from(text.toString().replace(/\n/g, '\r\n'))), 'the server stores LF (converting) or CRLF (not converting)');
        fs.writeFileSync(onServer(srv, 'crlf.txt'), 'a\r\nb\r\n');
        const raw = await client.getBuffer('crlf.txt');
        assert.equal(raw.toString(), 'a\r\nb\r\n', 'binary mode is untouched');
      });

      it('EPSV ALL (epsv: always) works', async function () {
        const c2 = await open(srv, { epsv: 'always' });
        try {
          assert.ok(c2.logLines.includes('>>> EPSV ALL'));
          await c2.put(Buffer.from('epsv'), 'epsv.txt');
          assert.equal((await c2.getBuffer('epsv.txt')).toString(), 'epsv');
          assert.ok(!c2.logLines.includes('>>> PASV'));
        } finally {
          await c2.quit();
        }
      });

      it('PASV only (epsv: never) works', async function () {
        const c2 = await open(srv, { epsv: 'never' });
        try {
          await c2.put(Buffer.from('pasv'), 'pasv.txt');
          assert.equal((await c2.getBuffer('pasv.txt')).toString(), 'pasv');
          assert.ok(c2.logLines.includes('>>> PASV'));
          assert.ok(!c2.logLines.includes('>>> EPSV'));
        } finally {
          await c2.quit();
        }
      });

      it('TLS 1.2 as the highest version still resumes sessions', async function () {
        const c2 = await open(srv, { tls: { ca: srv.ca, maxVersion: 'TLSv1.2' } });
        try {
          await c2.put(Buffer.from('tls12'), 'tls12.txt');
          assert.equal((await c2.getBuffer('tls12.txt')).toString(), 'tls12');
          assert.ok(c2.logLines.some((l) => /secured: TLSv1\.2/.test(l)));
        } finally {
          await c2.quit();
        }
      });

      it('a wrong password fails with 530 and the password appears nowhere', async function () {
        const bad = new FtpsClient({ host: srv.host, port: srv.port, tls: { ca: srv.ca }, timeout: 30, debug: 2, logger: () => undefined });
        await bad.connect();
        const secret = 'Wr0ng-S3cret-value';
        await assert.rejects(bad.login(srv.user, secret), (e) => e.code === 530 && !e.message.includes(secret) && !JSON.stringify(e).includes(secret) && !String(e.stack).includes(secret));
        bad.close();
      });
    });

    describe('certificates', function () {
      for (const cert of ['self', 'expired', 'wronghost']) {
        it(`a ${cert} server certificate is refused by default and the error says why`, async function () {
          h.requireServer(this, kind);
          const srv = await h.startServer(kind, { mode: 'explicit', cert });
          try {
            const c = new FtpsClient({ host: srv.host, port: srv.port, tls: { ca: srv.ca }, timeout: 30 });
            const why = { self: /self-signed/, expired: /expired/, wronghost: /does not match/ }[cert];
            await assert.rejects(c.connect(), (e) => e.kind === 'tls' && why.test(e.message));
            assert.equal(c.connected, false);
            const off = new FtpsClient({ host: srv.host, port: srv.port, tls: { rejectUnauthorized: false }, timeout: 30 });
            await off.connect();
            await off.login(srv.user, srv.password);
            await off.put(Buffer.from('unverified'), 'unverified.txt');
            await off.quit();
          } finally {
            await srv.stop();
          }
        });
      }
    });

    if (caps.pasvAddress) {
      describe('a server that announces a wrong passive address', function () {
        let srv;
        before(async function () {
          h.requireServer(this, kind);
          srv = await h.startServer(kind, { mode: 'explicit', pasvAddress: '127.0.0.9' });
        });
        after(async () => {
          if (srv) await srv.stop();
        });

        it('the control host is used instead, and the debug log says so', async function () {
          const c = await open(srv, { epsv: 'never' });
          try {
            await c.put(Buffer.from('nat'), 'nat.txt');
            assert.equal((await c.getBuffer('nat.txt')).toString(), 'nat');
            assert.ok(c.logLines.some((l) => /PASV named 127\.0\.0\.9.*control host 127\.0\.0\.1/.test(l)), 'logged');
          } finally {
            await c.quit();
          }
        });

        it('OverridePASV (pasvHost) names the data host', async function () {
          const c = await open(srv, { epsv: 'never', pasvHost: '127.0.0.1' });
          try {
            await c.put(Buffer.from('override'), 'override.txt');
            assert.ok(c.logLines.some((l) => /using the configured pasvHost 127\.0\.0\.1/.test(l)));
          } finally {
            await c.quit();
          }
        });

        it('with foreign data hosts allowed, the announced address is really used (and here fails)', async function () {
          const c = await open(srv, { epsv: 'never', allowForeignDataHost: true, dataConnectTimeout: 5 });
          try {
            await assert.rejects(c.put(Buffer.from('x'), 'foreign.txt'), (e) => /127\.0\.0\.9/.test(e.message));
          } finally {
            c.close();
          }
        });
      });
    }

    if (caps.helpDisable) {
      describe('a server with HELP disabled', function () {
        let srv;
        before(async function () {
          h.requireServer(this, kind);
          srv = await h.startServer(kind, { mode: 'explicit', helpDisabled: true });
        });
        after(async () => {
          if (srv) await srv.stop();
        });

        it('supported() falls back to FEAT alone, and OverrideHELP answers without asking', async function () {
          const auto = await open(srv);
          try {
            assert.equal(await auto.supported('RETR'), true, 'RETR is in the RFC 959 minimum');
            assert.equal(await auto.supported('DELE'), false, 'HELP refused: DELE is unknown');
            assert.equal(await auto.supported('SIZE'), true, 'SIZE comes from FEAT');
          } finally {
            await auto.quit();
          }
          const listed = await open(srv, { overrideHelp: 'RETR, STOR' });
          try {
            assert.equal(await listed.supported('RETR'), true);
            assert.equal(await listed.supported('DELE'), false);
            assert.ok(!listed.logLines.includes('>>> HELP'));
          } finally {
            await listed.quit();
          }
          const all = await open(srv, { overrideHelp: 'all' });
          try {
            assert.equal(await all.supported('ANYTHING'), true);
          } finally {
            await all.quit();
          }
        });
      });
    }

    if (caps.ccc) {
      describe('CCC', function () {
        let srv;
        before(async function () {
          h.requireServer(this, kind);
          srv = await h.startServer(kind, { mode: 'explicit' });
        });
        after(async () => {
          if (srv) await srv.stop();
        });

        it('clears the command channel after login; transfers keep PROT P', async function () {
          const c = await open(srv, { ccc: true });
          try {
            assert.equal(c.commandChannelCleared, true);
            await c.put(BIG, 'ccc.bin');
            assert.equal(sha(await c.getBuffer('ccc.bin')), sha(BIG));
            assert.match(await c.pwd(), /\//);
          } finally {
            await c.quit();
          }
        });
      });
    }
  });
}
