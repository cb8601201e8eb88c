/**
 * The one error class the client throws. It carries what a caller needs to
 * decide what to do next: the server's reply code and text (when the server
 * answered), the command that was sent (with the password masked), and a
 * kind that tells replies apart from local, network and TLS failures.
 */
export type FtpErrorKind =
  | 'reply' // the server answered 4xx/5xx (or an unexpected code)
  | 'closed' // the control connection closed (Net::Cmd reports this as 421)
  | 'timeout' // something named in the message did not happen in time
  | 'connect' // a TCP connection could not be made
  | 'tls' // a TLS handshake or certificate check failed
  | 'data' // the data connection failed without a server reply to explain it
  | 'input' // the caller's arguments were refused before sending
  | 'aborted' // the caller aborted the transfer
  | 'local' // a local file could not be read or written
  | 'protocol'; // the server said something the client cannot parse

export interface FtpErrorInit {
  kind: FtpErrorKind;
  code?: number;
  serverMessage?: string;
  command?: string;
  cause?: unknown;
}

export class FtpError extends Error {
  /** The server's 3-digit reply code; 421 for closed/timeout as in Net::Cmd; 0 when no server reply applies. */
  readonly code: number;
  /** The server's reply text, '' when there is none. */
  readonly serverMessage: string;
  /** The command line that was sent, with any password shown as ****. */
  readonly command: string;
  readonly kind: FtpErrorKind;

  constructor(message: string, init: FtpErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FtpError';
    this.kind = init.kind;
    this.code = init.code ?? 0;
    this.serverMessage = init.serverMessage ?? '';
    this.command = init.command ?? '';
  }
}

export function isFtpError(e: unknown): e is FtpError {
  return e instanceof FtpError;
}

/** Mask the argument of PASS (and ACCT, which also carries a secret) for display. */
export function maskCommand(line: string): string {
  return line.replace(/^(\s*(?:PASS|ACCT)\s+).*$/is, '$1****');
}

/**
 * `text` with every occurrence of each secret shown as ****; plain string
 * search, linear in the text. A secret of fewer than 4 characters is masked
 * only where it stands alone (not inside a word), or a password "p" would
 * turn every p of a message into ****.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const sec of secrets) {
    if (sec === '' || !out.includes(sec)) continue;
    if (sec.length >= 4) {
      out = out.split(sec).join('****');
      continue;
    }
    let res = '';
    let from = 0;
    for (let i = out.indexOf(sec); i >= 0; i = out.indexOf(sec, i + sec.length)) {
      if (isWordChar(out.charCodeAt(i - 1)) || isWordChar(out.charCodeAt(i + sec.length))) continue;
      res += out.slice(from, i) + '****';
      from = i + sec.length;
    }
    out = res + out.slice(from);
  }
  return out;
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/**
 * A server may echo the password in a reply ("530 bad password 'x'"): an
 * error on its way out has it masked in its message, server text and
 * command, and so in msg.error, statuses and logs built from it.
 */
export function maskErrorSecrets(e: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0 || !(e instanceof Error)) return e;
  e.message = maskSecrets(e.message, secrets);
  if (e instanceof FtpError) {
    const w = e as unknown as { serverMessage: string; command: string };
    w.serverMessage = maskSecrets(e.serverMessage, secrets);
    w.command = maskSecrets(e.command, secrets);
  }
  return e;
}

/** A permanent negative reply (5xx): "no such file", "not a directory", "exists" ... */
export function isRefusal(e: unknown): boolean {
  return isFtpError(e) && e.kind === 'reply' && e.code >= 500 && e.code < 600;
}

/** Error codes of a connection that was lost under an operation (reset, broken pipe, closed early, timed out). */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_SOCKET_CLOSED']);

/** A lost connection (see CONNECTION_LOST) somewhere in the error's cause chain. */
export function isConnectionLost(e: unknown): boolean {
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const x = e as { code?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && CONNECTION_LOST.has(x.code)) return true;
    e = x.cause;
  }
  return false;
}
