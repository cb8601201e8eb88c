'use strict';
const assert = require('node:assert/strict');
const { parseFeat, parseHelp, parseHelpOverride, ReplyParser } = require('../../nodes/lib');

/** Turn a server transcript into a Reply the way the client does. */
function reply(text) {
  const out = [];
  const p = new ReplyParser((r) => out.push(r));
  p.feed(Buffer.from(text.split('\n').join('\r\n') + '\r\n'));
  assert.equal(out.length, 1, 'the transcript is one reply');
  return out[0];
}

const VSFTPD_FEAT = `211-Features:
 AUTH TLS
 EPRT
 EPSV
 MDTM
 PASV
 PBSZ
 PROT
 REST STREAM
 SIZE
 TVFS
 UTF8
211 End`;

const PROFTPD_FEAT = `211-Features:
 AUTH TLS
 CCC
 CLNT
 EPRT
 EPSV
 HOST
 LANG en-US*
 MDTM
 MFF modify;UNIX.group;UNIX.mode;
 MFMT
 MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;UNIX.mode*;UNIX.owner*;UNIX.ownername*;
 PBSZ
 PROT
 RANG STREAM
 REST STREAM
 SIZE
 SITE COPY
 SITE MKDIR
 SITE UTIME
 TVFS
 UTF8
211 End`;

const PUREFTPD_FEAT = `211-Extensions supported:
 UTF8
 EPRT
 IDLE
 MDTM
 SIZE
 MFMT
 REST STREAM
 MLST type*;size*;sizd*;modify*;UNIX.mode*;UNIX.uid*;UNIX.gid*;unique*;
 MLSD
 PRET
 AUTH TLS
 PBSZ
 PROT
 TVFS
 ESTA
 PASV
 EPSV
 ESTP
211 End.`;

const PYFTPDLIB_FEAT = `211-Features supported:
 AUTH SSL
 AUTH TLS
 EPRT
 EPSV
 MDTM
 MFMT
 MLST type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;
 PBSZ
 PROT
 REST STREAM
 SIZE
 TVFS
 UTF8
211 End FEAT.`;

const IIS_FEAT = `211-Extended features supported:
 LANG EN*
 UTF8
 AUTH TLS;TLS-C;SSL;TLS-P;
 PBSZ
 PROT C;P;
 CCC
 HOST
 SIZE
 MDTM
 REST STREAM
211 END`;

describe('features: parseFeat', () => {
  it('vsftpd', () => {
    const f = parseFeat(reply(VSFTPD_FEAT));
    assert.deepEqual([...f.keys()].sort(), ['AUTH', 'EPRT', 'EPSV', 'MDTM', 'PASV', 'PBSZ', 'PROT', 'REST', 'SIZE', 'TVFS', 'UTF8']);
    assert.equal(f.get('AUTH'), 'TLS');
    assert.equal(f.get('REST'), 'STREAM');
    assert.equal(f.get('MDTM'), '');
    assert.equal(f.has('MFMT'), false);
    assert.equal(f.has('FEATURES:'), false, 'the first line is not a feature');
    assert.equal(f.has('END'), false, 'the last line is not a feature');
  });

  it('ProFTPD', () => {
    const f = parseFeat(reply(PROFTPD_FEAT));
    for (const k of ['AUTH', 'CCC', 'MFMT', 'MFF', 'MLST', 'SITE', 'LANG', 'RANG', 'UTF8']) assert.ok(f.has(k), k);
    assert.equal(f.get('MLST'), 'modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;UNIX.mode*;UNIX.owner*;UNIX.ownername*;');
    assert.equal(f.get('LANG'), 'en-US*');
    assert.equal(f.has('MLSD'), false);
  });

  it('Pure-FTPd', () => {
    const f = parseFeat(reply(PUREFTPD_FEAT));
    for (const k of ['UTF8', 'MFMT', 'MLST', 'MLSD', 'PRET', 'AUTH', 'ESTP', 'IDLE']) assert.ok(f.has(k), k);
    assert.equal(f.get('MLST'), 'type*;size*;sizd*;modify*;UNIX.mode*;UNIX.uid*;UNIX.gid*;unique*;');
    assert.equal(f.size, 18);
  });

  it('pyftpdlib', () => {
    const f = parseFeat(reply(PYFTPDLIB_FEAT));
    for (const k of ['AUTH', 'MFMT', 'MLST', 'UTF8', 'SIZE', 'MDTM']) assert.ok(f.has(k), k);
    assert.equal(f.get('MLST'), 'type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;');
  });

  it('IIS: AUTH TLS;TLS-C;SSL;TLS-P;', () => {
    const f = parseFeat(reply(IIS_FEAT));
    assert.equal(f.get('AUTH'), 'TLS;TLS-C;SSL;TLS-P;');
    assert.equal(f.get('PROT'), 'C;P;');
    assert.equal(f.get('LANG'), 'EN*');
    assert.ok(f.has('CCC'));
    assert.ok(f.has('UTF8'));
  });

  it('upper-cases names, keeps parameters as sent, trims spaces', () => {
    const f = parseFeat(reply('211-Features:\n mdtm\n   mlst  Type*;Size*;  \n\t\n211 End'));
    assert.deepEqual([...f.entries()], [
      ['MDTM', ''],
      ['MLST', 'Type*;Size*;'],
    ]);
  });

  it('inner lines that repeat "211-" are read too', () => {
    const f = parseFeat(reply('211-Features:\n211-MDTM\n211-SIZE\n211 End'));
    assert.deepEqual([...f.keys()], ['MDTM', 'SIZE']);
  });

  it('not 211 → no features', () => {
    assert.equal(parseFeat(reply('500 FEAT not understood')).size, 0);
    assert.equal(parseFeat(reply('502 Command not implemented')).size, 0);
    assert.equal(parseFeat(reply('214-x\n MDTM\n214 y')).size, 0);
  });

  it('a single-line 211 has no features', () => {
    assert.equal(parseFeat(reply('211 No features')).size, 0);
  });
});

const PROFTPD_HELP = `214-The following commands are recognized (* =>'s unimplemented):
 CWD     XCWD    CDUP    XCUP    SMNT*   QUIT    PORT    PASV    
 EPRT    EPSV    ALLO*   RNFR    RNTO    DELE    MDTM    RMD     
 XRMD    MKD     XMKD    PWD     XPWD    SIZE    SYST    HELP    
 NOOP    FEAT    OPTS    HOST    CLNT    AUTH*   CCC*    CONF*   
 ENC*    MIC*    PBSZ*   PROT*   TYPE    STRU    MODE    RETR    
 STOR    STOU    APPE    REST    ABOR    RANG    USER    PASS    
 ACCT*   REIN*   LIST    NLST    STAT    SITE    MLSD    MLST    
214 Direct comments to root@localhost`;

const PYFTPDLIB_HELP = `214-The following commands are recognized:
 ABOR   ALLO   APPE   CDUP   CWD    DELE   EPRT   EPSV  
 FEAT   HELP   LIST   MDTM   MFMT   MKD    MLSD   MLST  
 MODE   NLST   NOOP   OPTS   PASS   PASV   PORT   PWD   
 QUIT   REIN   REST   RETR   RMD    RNFR   RNTO   SITE  
 SIZE   STAT   STOR   STOU   STRU   SYST   TYPE   USER  
 XCUP   XCWD   XMKD   XPWD   XRMD  
214 Help command successful.`;

const VSFTPD_HELP = `214-The following commands are recognized.
 ABOR ACCT ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD
 MODE NLST NOOP OPTS PASS PASV PORT PWD  QUIT REIN REST RETR RMD  RNFR
 RNTO SITE SIZE SMNT STAT STOR STOU STRU SYST TYPE USER XCUP XCWD XMKD
 XPWD XRMD
214 Help OK.`;

describe('features: parseHelp', () => {
  it('ProFTPD: commands marked * (unimplemented) are left out', () => {
    const h = parseHelp(reply(PROFTPD_HELP));
    for (const c of ['CWD', 'XCWD', 'RMD', 'MKD', 'PWD', 'SIZE', 'FEAT', 'MLSD', 'MLST', 'SITE', 'RANG', 'HOST', 'CLNT']) assert.ok(h.has(c), c);
    for (const c of ['SMNT', 'ALLO', 'AUTH', 'CCC', 'CONF', 'ENC', 'MIC', 'PBSZ', 'PROT', 'ACCT', 'REIN']) assert.equal(h.has(c), false, c);
    assert.equal(h.size, 56 - 11);
  });

  it('ProFTPD: prose of the first and last line is not taken for commands', () => {
    const h = parseHelp(reply(PROFTPD_HELP));
    for (const w of ['The', 'THE', 'DIRECT', 'Direct', 'UNIMPLEMENTED']) assert.equal(h.has(w), false, w);
  });

  it('pyftpdlib columns', () => {
    const h = parseHelp(reply(PYFTPDLIB_HELP));
    assert.equal(h.size, 45);
    for (const c of ['MFMT', 'MLSD', 'CWD', 'PWD', 'RMD', 'MKD', 'XRMD', 'STOU']) assert.ok(h.has(c), c);
  });

  it('vsftpd', () => {
    const h = parseHelp(reply(VSFTPD_HELP));
    assert.equal(h.size, 44);
    assert.ok(h.has('SMNT'));
    assert.equal(h.has('MFMT'), false);
  });

  it('inner lines that repeat the code are read too', () => {
    const h = parseHelp(reply('214-The following commands are recognized:\n214-CWD MKD\n214-SIZE, MDTM\n214 ok'));
    assert.deepEqual([...h].sort(), ['CWD', 'MDTM', 'MKD', 'SIZE']);
  });

  it('a single-line 214 is read whole', () => {
    const h = parseHelp(reply('214 Syntax: SITE <sp> CHMOD'));
    assert.ok(h.has('SITE'));
    assert.ok(h.has('CHMOD'));
    assert.equal(h.has('Syntax:'), false);
  });

  it('lower-case and one-letter words are not commands', () => {
    const h = parseHelp(reply('214-x\n cwd A Mkd NOOP\n214 y'));
    assert.deepEqual([...h], ['NOOP']);
  });

  for (const text of ['502 Command not implemented.', '500 HELP not understood', '530 Please login with USER and PASS.', '150 huh']) {
    it(`${text.slice(0, 3)} → no commands`, () => {
      assert.equal(parseHelp(reply(text)).size, 0);
    });
  }
});

describe('features: parseHelpOverride', () => {
  it('undefined, empty and "auto" (any case, spaces) → auto', () => {
    for (const v of [undefined, '', '  ', 'auto', 'AUTO', ' Auto ']) assert.equal(parseHelpOverride(v), 'auto', JSON.stringify(v));
  });
  it('"all" and "none" in any case', () => {
    assert.equal(parseHelpOverride('ALL'), 'all');
    assert.equal(parseHelpOverride(' all '), 'all');
    assert.equal(parseHelpOverride('None'), 'none');
  });
  it('a list in a string, separated by spaces and/or commas, upper-cased', () => {
    assert.deepEqual(parseHelpOverride('mfmt, size  mdtm,,SITE'), ['MFMT', 'SIZE', 'MDTM', 'SITE']);
    assert.deepEqual(parseHelpOverride('MFMT'), ['MFMT']);
  });
  it('an array is trimmed, upper-cased and emptied of blanks', () => {
    assert.deepEqual(parseHelpOverride([' mfmt ', '', 'Size', '  ']), ['MFMT', 'SIZE']);
    assert.deepEqual(parseHelpOverride([]), []);
  });
});
