/**
 * The control session every part of the client works through: the control
 * connection, one operation at a time, commands that must get a given
 * reply, the transfer type, and waits that end the session when they time
 * out (after that the session is out of step with the server).
 */
import { ControlConnection } from './control';
import { FtpError, maskCommand, maskErrorSecrets } from './errors';
import { fmtSeconds, ioTimeout } from './io-timer';
import { DebugLog } from './log';
import type { Reply } from './reply';
import type { FtpsClientOptions, TransferType } from './client-options';

export function noop(): void {
  /* errors handled elsewhere */
}

export function replyError(reply: Reply, command: string): FtpError {
  const shown = maskCommand(command);
  return new FtpError(`${shown}: ${reply.code} ${reply.message.split('\n').join(' ').trim()}`, {
    kind: reply.code === 421 ? 'closed' : 'reply',
    code: reply.code,
    serverMessage: reply.message,
    command: shown,
  });
}

export class Session {
  readonly log: DebugLog;
  readonly timeoutMs: number;
  readonly dataConnectMs: number;
  control: ControlConnection | null = null;
  /** The control connection's peer address: where EPSV data connections go. */
  peer = '';
  /** The TYPE last set on this session (null: not known). */
  currentType: TransferType | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly options: Readonly<FtpsClientOptions>) {
    this.log = new DebugLog(options.debug ?? 0, options.logger);
    this.timeoutMs = Math.max(1, options.timeout ?? 120) * 1000;
    this.dataConnectMs = Math.max(1, options.dataConnectTimeout ?? Math.min(options.timeout ?? 120, 15)) * 1000;
  }

  get connected(): boolean {
    return this.control !== null && !this.control.closed;
  }

  /** One operation at a time on the control connection; the rest queue behind it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    // a server may echo the password: every error leaving an operation has it masked
    const masked = (e: unknown): never => {
      throw maskErrorSecrets(e, this.log.secrets);
    };
    const run = this.chain.then(fn, fn).catch(masked);
    this.chain = run.catch(noop);
    return run;
  }

  requireControl(): ControlConnection {
    const c = this.control;
    if (!c) throw new FtpError('not connected', { kind: 'closed', code: 421 });
    if (c.closed) throw c.closedReason ?? new FtpError('not connected', { kind: 'closed', code: 421 });
    return c;
  }

  /** Send a command and require a reply whose first digit is `status` (or one of the codes). A 421 ends the session. */
  async expect(line: string, status: number | number[]): Promise<Reply> {
    const r = await this.requireControl().request(line);
    const ok = Array.isArray(status) ? status.includes(r.code) : Math.floor(r.code / 100) === status;
    if (!ok) throw replyError(r, line);
    return r;
  }

  async ensureType(type: TransferType): Promise<void> {
    if (this.currentType === type) return;
    await this.expect(type === 'ascii' ? 'TYPE A' : 'TYPE I', 2);
    this.currentType = type;
  }

  /** Wait for `p`; after `ms` the session is out of step with the server and is closed. */
  within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = ioTimeout(ms, () => {
        if (settled) return;
        const err = new FtpError(`timed out after ${fmtSeconds(ms)} waiting for ${what}`, { kind: 'timeout', code: 421 });
        this.control?.destroy(err);
        reject(err);
      });
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }
}
