/** The errors the nodes hand to done() and node.error(), for Catch nodes. */
import { isConnectionLost } from '../lib';
import { t } from './i18n';

/**
 * The error handed to done(): the message says what failed; `code` is the
 * server's reply code when it answered (also 421 for a lost connection, as
 * Net::Cmd reports it). toString() is the bare message, so a Catch node's
 * msg.error.message reads cleanly.
 */
export class FtpsNodeError extends Error {
  kind?: string;
  command?: string;
  declare code?: number;

  constructor(message: string, init: { code?: number; kind?: string; command?: string; cause?: unknown } = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FtpsError';
    if (init.code !== undefined && init.code > 0) this.code = init.code;
    if (init.kind) this.kind = init.kind;
    if (init.command) this.command = init.command;
  }

  override toString(): string {
    return this.message;
  }
}

/** An input problem found by the node itself (nothing was sent). */
export function inputError(message: string): FtpsNodeError {
  return new FtpsNodeError(message, { kind: 'input' });
}

/** The error of work cut short because the node stopped. */
export function stoppedError(): FtpsNodeError {
  return new FtpsNodeError(t('ftps-server.errors.stopped'), { kind: 'aborted' });
}

function hasReplyCode(e: unknown): boolean {
  const c = (e as { code?: unknown }).code;
  return typeof c === 'number' && c > 0;
}

/**
 * The error of a job whose session died under it: code 421 (as Net::Cmd
 * reports a lost connection) when the error itself has no reply code, so
 * a Catch node can always tell a lost connection from a refusal.
 */
export function sessionLostError(e: unknown): unknown {
  if (!(e instanceof Error) || hasReplyCode(e)) return e;
  const x = e as Error & { kind?: unknown; command?: unknown };
  return new FtpsNodeError(t('ftps-server.errors.sessionLost', { message: e.message }), {
    code: 421,
    kind: typeof x.kind === 'string' ? x.kind : 'closed',
    command: typeof x.command === 'string' ? x.command : undefined,
    cause: e,
  });
}

export function toNodeError(e: unknown): FtpsNodeError {
  if (e instanceof FtpsNodeError) return e;
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; kind?: unknown; command?: unknown };
    if (!hasReplyCode(e) && isConnectionLost(e)) return sessionLostError(e) as FtpsNodeError;
    return new FtpsNodeError(e.message, {
      code: typeof x.code === 'number' ? x.code : undefined,
      kind: typeof x.kind === 'string' ? x.kind : undefined,
      command: typeof x.command === 'string' ? x.command : undefined,
    });
  }
  return new FtpsNodeError(String(e));
}
