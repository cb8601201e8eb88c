'use strict';
const assert = require('node:assert/strict');
const { FtpError, isFtpError, isRefusal, isConnectionLost, maskCommand, replyError, parseQuotedPath, scratchPath } = require('../../nodes/lib');

const reply = (code, message) => ({ code, message, lines: message.split('\n').map((l, i, a) => `${code}${i < a.length - 1 ? '-' : ' '}${l}`) });

describe('errors: maskCommand', () => {
  for (const [input, expected] of [
    ['PASS secret', 'PASS ****'],
    ['pass secret', 'pass ****'],
    ['Pass secret', 'Pass ****'],
    ['pAsS secret', 'pAsS ****'],
    ['PASS two words', 'PASS ****'],
    ['PASS ', 'PASS ****'],
    ['PASS\tsecret', 'PASS\t****'],
    ['  PASS secret', '  PASS ****'],
    ['ACCT account-secret', 'ACCT ****'],
    ['acct account-secret', 'acct ****'],
    ['Acct x', 'Acct ****'],
  ]) {
    it(`masks ${JSON.stringify(input)}`, () => {
      assert.equal(maskCommand(input), expected);
    });
  }

  for (const line of ['USER bob', 'PASS', 'PASSWORD x', 'SITE PASS x', 'RETR PASS secret', 'NOOP', 'ACCTX y', '']) {
    it(`leaves ${JSON.stringify(line)} alone`, () => {
      assert.equal(maskCommand(line), line);
    });
  }
});

describe('errors: FtpError', () => {
  it('carries kind, code, serverMessage, command and cause', () => {
    const cause = new Error('root');
    const e = new FtpError('boom', { kind: 'reply', code: 550, serverMessage: 'No such file', command: 'RETR x', cause });
    assert.ok(e instanceof Error);
    assert.ok(e instanceof FtpError);
    assert.equal(e.name, 'FtpError');
    assert.equal(e.message, 'boom');
    assert.equal(e.kind, 'reply');
    assert.equal(e.code, 550);
    assert.equal(e.serverMessage, 'No such file');
    assert.equal(e.command, 'RETR x');
    assert.equal(e.cause, cause);
    assert.match(String(e), /^FtpError: boom/);
  });

  it('defaults: code 0, empty serverMessage and command, no cause', () => {
    const e = new FtpError('x', { kind: 'input' });
    assert.equal(e.code, 0);
    assert.equal(e.serverMessage, '');
    assert.equal(e.command, '');
    assert.equal('cause' in e, false);
  });

  it('isRefusal: a 5xx reply only (not 4xx, not a lost connection or a local error)', () => {
    const r = (init) => isRefusal(new FtpError('x', init));
    assert.equal(r({ kind: 'reply', code: 550 }), true);
    assert.equal(r({ kind: 'reply', code: 500 }), true);
    assert.equal(r({ kind: 'reply', code: 450 }), false);
    assert.equal(r({ kind: 'closed', code: 421 }), false);
    assert.equal(r({ kind: 'local' }), false);
    assert.equal(isRefusal(Object.assign(new Error('x'), { code: 550 })), false);
  });

  it('isConnectionLost: reset, broken pipe, premature close and timeout codes, also as a cause', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_SOCKET_CLOSED']) {
      assert.equal(isConnectionLost(Object.assign(new Error('x'), { code })), true, code);
    }
    const wrapped = new FtpError('data connection failed', { kind: 'data', cause: Object.assign(new Error('x'), { code: 'EPIPE' }) });
    assert.equal(isConnectionLost(wrapped), true);
    assert.equal(isConnectionLost(Object.assign(new Error('x'), { code: 'ENOENT' })), false);
    assert.equal(isConnectionLost(new FtpError('x', { kind: 'reply', code: 550 })), false);
    assert.equal(isConnectionLost(undefined), false);
  });

  it('isFtpError tells FtpError from other errors', () => {
    assert.equal(isFtpError(new FtpError('x', { kind: 'local' })), true);
    assert.equal(isFtpError(new Error('x')), false);
    assert.equal(isFtpError({ kind: 'reply', code: 550, message: 'x' }), false);
    assert.equal(isFtpError(null), false);
  });
});

describe('errors: replyError', () => {
  it('formats "<command>: <code> <text>" with kind reply', () => {
    const e = replyError(reply(550, 'Failed to open file.'), 'RETR x.txt');
    assert.ok(e instanceof FtpError);
    assert.equal(e.message, 'RETR x.txt: 550 Failed to open file.');
    assert.equal(e.kind, 'reply');
    assert.equal(e.code, 550);
    assert.equal(e.serverMessage, 'Failed to open file.');
    assert.equal(e.command, 'RETR x.txt');
  });

  it('joins a multi-line message with spaces in the error message, keeps the newlines in serverMessage', () => {
    const e = replyError(reply(530, 'Login incorrect.\nTry again.'), 'login');
    assert.equal(e.message, 'login: 530 Login incorrect. Try again.');
    assert.equal(e.serverMessage, 'Login incorrect.\nTry again.');
  });

  it('trims surrounding whitespace from the text', () => {
    assert.equal(replyError(reply(500, '  odd  '), 'X').message, 'X: 500 odd');
  });

  it('a 421 is kind closed', () => {
    const e = replyError(reply(421, 'Timeout.'), 'NOOP');
    assert.equal(e.kind, 'closed');
    assert.equal(e.code, 421);
  });

  for (const cmd of ['PASS s3cret', 'pass s3cret', 'ACCT s3cret', 'acct s3cret']) {
    it(`masks the secret of ${JSON.stringify(cmd)} in message and command`, () => {
      const e = replyError(reply(530, 'Login incorrect.'), cmd);
      assert.doesNotMatch(e.message, /s3cret/);
      assert.doesNotMatch(e.command, /s3cret/);
      assert.match(e.command, /^(PASS|pass|ACCT|acct) \*\*\*\*$/);
    });
  }

  // BUG (minor): replyError masks with its own regex /^(PASS|ACCT)\s.*$/i,
  // which unlike maskCommand does not allow leading whitespace, so
  // replyError(reply, '  PASS s3cret') puts the password into the message
  // and the command field. The client itself never builds such a line, but
  // replyError is exported.
  it('masks a PASS command with leading whitespace, as maskCommand does', () => {
    const e = replyError(reply(530, 'Login incorrect.'), '  PASS s3cret');
    assert.doesNotMatch(e.message, /s3cret/);
  });
});

describe('errors: parseQuotedPath', () => {
  it('reads the quoted path of a 257 reply', () => {
    assert.equal(parseQuotedPath('"/home/user" is the current directory'), '/home/user');
  });
  it('undoubles quotes inside', () => {
    assert.equal(parseQuotedPath('"/a ""quoted"" dir" created'), '/a "quoted" dir');
  });
  it('null without quotes', () => {
    assert.equal(parseQuotedPath('directory created'), null);
  });
});

describe('errors: scratchPath', () => {
  it('puts the scratch name beside the target', () => {
    assert.equal(scratchPath('dir/sub/file.txt', { body: 'b' }, false), 'dir/sub/_tmp.b.tmp');
    assert.equal(scratchPath('file.txt', { body: 'b', prefix: 'p.', postfix: '.x' }, false), 'p.b.x');
  });
  it('a prefix with a slash names its own directory', () => {
    assert.equal(scratchPath('dir/file.txt', { body: 'b', prefix: '/tmp/up.' }, false), '/tmp/up.b.tmp');
  });
  it('refuses CR/LF/NUL in the parts', () => {
    assert.throws(() => scratchPath('f', { body: 'a\r\nDELE b' }, false), (e) => e instanceof FtpError && e.kind === 'input');
    assert.throws(() => scratchPath('f', { prefix: 'a\0' }, false), (e) => e instanceof FtpError && e.kind === 'input');
  });
  it('the default body differs between calls', () => {
    assert.notEqual(scratchPath('f', {}, false), scratchPath('f', {}, false));
  });

  it('maskSecrets / maskErrorSecrets: every echo of a secret becomes ****, in message, server text and command', () => {
    const { maskSecrets, maskErrorSecrets, FtpError: E } = require('../../nodes/lib/errors');
    assert.strictEqual(maskSecrets("530 'pw' and pw again", ['pw']), "530 '****' and **** again");
    assert.strictEqual(maskSecrets('no secret', ['']), 'no secret');
    // a short secret only where it stands alone
    assert.strictEqual(maskSecrets("530 bad password 'x' for xavier", ['x']), "530 bad password '****' for xavier");
    assert.strictEqual(maskSecrets('p', ['p']), '****');
    const e = maskErrorSecrets(new E("login: 530 bad 'hunter2'", { kind: 'reply', code: 530, serverMessage: "bad 'hunter2'", command: 'x hunter2' }), ['hunter2']);
    assert.deepStrictEqual([e.message, e.serverMessage, e.command], ["login: 530 bad '****'", "bad '****'", 'x ****']);
  });
});
