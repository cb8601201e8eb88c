import { FtpError, maskCommand } from './errors';

/**
 * Control-channel arguments must not carry CR, LF or NUL: a name such as
 * "a.txt\r\nDELE b" would otherwise smuggle a second command to the server.
 * Refuse before anything is sent.
 */
export function assertSafeArgument(value: string, what: string): void {
  if (typeof value !== 'string') {
    throw new FtpError(`${what} must be a string`, { kind: 'input' });
  }
  if (/[\r\n\0]/.test(value)) {
    // a secret is never echoed, not even the part before the bad character
    const shown = /password|secret/i.test(what) ? '' : `: ${JSON.stringify(maskCommand(value))}`;
    throw new FtpError(`${what} contains CR, LF or NUL and was not sent${shown}`, { kind: 'input' });
  }
}

/** Like assertSafeArgument, and also refuses an empty value (a path must name something). */
export function assertPath(value: string, what = 'path'): void {
  assertSafeArgument(value, what);
  if (value.length === 0) throw new FtpError(`${what} is empty`, { kind: 'input' });
}
