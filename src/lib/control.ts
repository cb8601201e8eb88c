import type { Duplex } from 'node:stream';
import { FtpError, maskCommand } from './errors';
import { DebugLog } from './log';
import { Reply, ReplyParser } from './reply';
import { MAX_PRELIMINARY_REPLIES, MAX_QUEUED_REPLIES } from './limits';
import { assertSafeArgument } from './validate';
import { tlsError } from './tls-settings';
import { fmtSeconds, ioTimeout } from './io-timer';

interface Waiter {
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The control connection: writes command lines, hands out replies in order.
 * Replies that arrive before anyone asks (a 226 racing the end of a data
 * stream) are queued, not lost. A closed socket, a timeout or an
 * unparseable reply stream ends the connection for good: the session is
 * out of step with the server and only a new one can be trusted.
 */
export class ControlConnection {
  private socket: Duplex;
  private parser: ReplyParser;
  private queue: Reply[] = [];
  private waiters: Waiter[] = [];
  private failure: FtpError | null = null;
  private lastCommand = '';
  /** Final replies still owed by the server: one per command sent, one for the greeting. */
  private owed = 1;
  /** Preliminary (1xx) replies since the last final one. */
  private preliminaries = 0;
  /** Replies that arrived when none was owed, over the session's life. */
  private strays = 0;
  private readonly onData = (chunk: Buffer): void => {
    try {
      this.parser.feed(chunk);
    } catch (e) {
      this.fail(new FtpError(`unreadable reply from the server: ${(e as Error).message}`, { kind: 'protocol', code: 421, command: this.lastCommand }));
    }
  };
  private endExpected = false;
  private readonly onClose = (): void => {
    if (this.endExpected) return;
    this.fail(new FtpError('connection closed by the server', { kind: 'closed', code: 421, command: this.lastCommand }));
  };
  private readonly onError = (err: Error): void => {
    const kind = errorKind(err);
    if (kind === 'tls') {
      const t = tlsError(err, 'control connection');
      this.fail(new FtpError(t.message, { kind: 'tls', code: 421, command: this.lastCommand, cause: err }));
      return;
    }
    this.fail(new FtpError(`control connection error: ${err.message}`, { kind, code: 421, command: this.lastCommand, cause: err }));
  };

  constructor(
    socket: Duplex,
    private readonly log: DebugLog,
    public timeoutMs: number,
  ) {
    this.socket = socket;
    this.parser = new ReplyParser((r) => this.deliver(r));
    this.attach(socket);
  }

  get closed(): boolean {
    return this.failure !== null;
  }

  /** Why the connection ended, or null while it is up. */
  get closedReason(): FtpError | null {
    return this.failure;
  }

  get stream(): Duplex {
    return this.socket;
  }

  /** true when no reply is waiting to be read and none is half received */
  get idle(): boolean {
    return this.queue.length === 0 && !this.parser.midReply;
  }

  private strayMark = 0;

  /** Remember the stream's position: receivedMore says later whether anything came after it. */
  mark(): void {
    this.strayMark = this.strays;
  }

  /**
   * Anything received since mark() beyond the replies read (queued, half
   * received, discarded as unasked): after AUTH TLS's 234 that is plaintext
   * injected ahead of the handshake (CVE-2011-0411 and kin).
   */
  get receivedMore(): boolean {
    return this.strays !== this.strayMark || this.queue.length > 0 || this.parser.midReply || this.parser.holdsStrayLines;
  }

  /** Send one command line. Throws before sending if the line is unsafe or the connection is gone. */
  send(line: string): void {
    assertSafeArgument(line, 'command');
    if (this.failure) throw this.failure;
    this.lastCommand = maskCommand(line);
    this.log.command(line);
    this.owed += 1;
    this.socket.write(line + '\r\n');
  }

  /** The next reply from the server, in arrival order. */
  read(what?: string, timeoutMs = this.timeoutMs): Promise<Reply> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Reply>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      if (timeoutMs > 0) {
        const label = what ?? (this.lastCommand ? `the reply to ${this.lastCommand}` : 'a reply');
        waiter.timer = ioTimeout(timeoutMs, () => {
          if (!this.waiters.includes(waiter)) return;
          this.fail(new FtpError(`timed out after ${fmtSeconds(timeoutMs)} waiting for ${label}`, { kind: 'timeout', code: 421, command: this.lastCommand }));
        });
      }
      this.waiters.push(waiter);
    });
  }

  /** The next final (2xx-5xx) reply: preliminary ones are skipped (deliver() bounds how many). */
  async readFinal(what?: string, timeoutMs = this.timeoutMs): Promise<Reply> {
    for (;;) {
      const r = await this.read(what, timeoutMs);
      if (r.code >= 200) return r;
    }
  }

  /** Send a command and read its reply, skipping nothing: 1xx replies are returned too. */
  async request(line: string, timeoutMs = this.timeoutMs): Promise<Reply> {
    this.send(line);
    return this.read(undefined, timeoutMs);
  }

  /**
   * Swap the underlying stream (AUTH TLS upgrade, CCC downgrade). The old
   * stream's listeners are removed first so its teardown is not taken for
   * the end of the session.
   */
  replaceStream(next: Duplex): void {
    this.endExpected = false;
    this.detach(this.socket);
    this.socket = next;
    this.attach(next);
  }

  /** The current stream is about to end on purpose (CCC): its end is not the end of the session. */
  expectEnd(expected = true): void {
    this.endExpected = expected;
  }

  /** Stop listening to the current stream without closing it (before handing it to TLS). */
  release(): Duplex {
    this.detach(this.socket);
    return this.socket;
  }

  /** Close the connection for good; pending readers get `reason`. */
  destroy(reason?: FtpError): void {
    this.fail(reason ?? new FtpError('connection closed by the client', { kind: 'closed', code: 421, command: this.lastCommand }));
  }

  private attach(s: Duplex): void {
    s.on('data', this.onData);
    s.on('close', this.onClose);
    s.on('end', this.onClose);
    s.on('error', this.onError);
  }

  private detach(s: Duplex): void {
    s.off('data', this.onData);
    s.off('close', this.onClose);
    s.off('end', this.onClose);
    s.off('error', this.onError);
  }

  /** The last reply that was not preliminary (1xx). */
  lastFinal: Reply | null = null;

  private deliver(reply: Reply): void {
    this.log.reply(reply.lines);
    if (this.owed === 0 && reply.code !== 421) {
      // nobody asked: taken as the answer to the next command it would put every later reply one step out
      this.strays += 1;
      this.log.info(`discarded a reply no command asked for: ${reply.code}`);
      if (this.strays > MAX_QUEUED_REPLIES) {
        this.fail(new FtpError(`the server sent more than ${MAX_QUEUED_REPLIES} replies no command asked for: the session is out of step and is closed`, { kind: 'protocol', command: this.lastCommand }));
      }
      return;
    }
    if (reply.code < 200) {
      this.preliminaries += 1;
      if (this.preliminaries > MAX_PRELIMINARY_REPLIES) {
        this.fail(new FtpError(`${this.lastCommand || '(idle)'}: the server sent more than ${MAX_PRELIMINARY_REPLIES} preliminary (1xx) replies without a final one: the session is out of step and is closed`, { kind: 'protocol', command: this.lastCommand }));
        return;
      }
    } else {
      this.preliminaries = 0;
      this.owed = Math.max(0, this.owed - 1);
      this.lastFinal = reply;
    }
    if (this.waiters.length === 0 && this.queue.length >= MAX_QUEUED_REPLIES) {
      this.fail(new FtpError(`more than ${MAX_QUEUED_REPLIES} replies queued unread: the session is out of step and is closed`, { kind: 'protocol', command: this.lastCommand }));
      return;
    }
    const w = this.waiters.shift();
    if (w) {
      if (w.timer) clearTimeout(w.timer);
      w.resolve(reply);
    } else {
      this.queue.push(reply);
    }
    // 421 means the server is closing the session: the reply is handed out, then the session ends
    if (reply.code === 421) {
      const text = reply.message.split('\n').join(' ').trim();
      this.fail(new FtpError(`${this.lastCommand || '(idle)'}: 421 ${text}`, { kind: 'closed', code: 421, serverMessage: reply.message, command: this.lastCommand }));
    }
  }

  private fail(err: FtpError): void {
    if (this.failure) return;
    this.failure = err;
    this.detach(this.socket);
    // a late 'error' from the dying socket must not become an uncaught exception
    this.socket.on('error', () => undefined);
    this.socket.destroy();
    for (const w of this.waiters.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(err);
    }
  }
}

/** TLS problems show up as socket errors; tell them apart so the message can say "TLS". */
export function errorKind(err: Error): 'tls' | 'connect' | 'closed' {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (/^(ERR_SSL|ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code) || /SSL|TLS|certificate/i.test(err.message)) {
    return 'tls';
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'connect';
  return 'closed';
}
