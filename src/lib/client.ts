/**
 * FtpsClient: the public face of the client, one verb per FTP operation.
 * The work is done by its parts (docs/architecture.md):
 * session.ts (the control session), secure-channel.ts (TLS, CCC),
 * capabilities.ts (FEAT, HELP, feature switches), data-channel.ts (EPSV/PASV,
 * one transfer), transfers.ts (uploads, downloads), commands.ts (SIZE, MDTM,
 * rename, quot), tree.ts and tree-transfer.ts (listings and whole trees).
 */
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { Capabilities } from './capabilities';
import type { DownloadTarget, Encryption, FtpsClientOptions, ScratchOptions, TransferOptions, TransferResult, UploadSource } from './client-options';
import { mdtm, quot, rename, setModified, size } from './commands';
import { ControlConnection } from './control';
import { DataChannel } from './data-channel';
import { FtpError } from './errors';
import { memoryLimitBytes } from './limits';
import type { Switchable } from './feature-switches';
import type { TlsConnectionInfo } from './peer-check';
import type { Reply } from './reply';
import type { ListEntry } from './listing';
import { SecureChannel } from './secure-channel';
import { isAmbiguousMissing, notFound, stat } from './stat';
import { assertDataModeFitsDialer } from './proxy-connect';
import { parseQuotedPath } from './server-text';
import { replyError, Session } from './session';
import { connectTcp } from './sockets';
import { formatFtpTime, toDate } from './timefmt';
import { Transfers } from './transfers';
import { list as listTree, ListOptions, TreeEntry } from './tree';
import { downloadTree, uploadTree, TreeTransferOptions, TreeTransferResult } from './tree-transfer';
import { assertPath, assertSafeArgument } from './validate';

export type {
  DataProtection,
  DownloadTarget,
  Encryption,
  EpsvMode,
  FtpsClientOptions,
  Progress,
  ScratchOptions,
  TransferOptions,
  TransferResult,
  TransferType,
  UploadSource,
} from './client-options';
export { replyError } from './session';
export { parseQuotedPath } from './server-text';
export { scratchPath } from './scratch';

/**
 * An FTPS client with Net::FTPSSL's behaviour: one control connection, one
 * operation at a time (calls made while another runs wait their turn).
 * Free of Node-RED so it can be used and tested on its own.
 */
export class FtpsClient {
  readonly options: Readonly<FtpsClientOptions>;
  private readonly s: Session;
  private readonly secure: SecureChannel;
  private readonly caps: Capabilities;
  private readonly data: DataChannel;
  private readonly transfers: Transfers;
  private loggedIn = false;
  /** The server's welcome (220) reply. */
  welcome: Reply | null = null;
  /**
   * Scratch files of failed xputs that could not be deleted because the
   * session was lost. Whoever opens the next session (the node's pool) may
   * take them (splice) and delete them there.
   */
  readonly leftovers: string[] = [];

  constructor(options: FtpsClientOptions) {
    if (!options || typeof options.host !== 'string' || options.host.trim() === '') {
      throw new FtpError('host is required', { kind: 'input' });
    }
    assertSafeArgument(options.host, 'host');
    // an IPv6 address may come in URL brackets ("[::1]"): the socket wants it bare
    this.options = { ...options, host: options.host.trim().replace(/^\[([^\]]*)\]$/, '$1') };
    this.s = new Session(this.options);
    this.caps = new Capabilities(this.s);
    this.secure = new SecureChannel(this.s);
    this.data = new DataChannel(this.s, this.secure, this.caps);
    this.transfers = new Transfers(this.s, this.data, this.caps);
  }

  // ---------------------------------------------------------------- state

  get encryption(): Encryption {
    return this.options.encryption ?? 'explicit';
  }

  get port(): number {
    return this.options.port || (this.encryption === 'implicit' ? 990 : 21);
  }

  /** The server's last final (non-1xx) reply on this session, for callers that report it (msg.ftps). */
  get lastReply(): Reply | null {
    return this.s.control?.lastFinal ?? null;
  }

  /**
   * true when a reply arrived that no command asked for (an idle 421 on a
   * server that keeps the socket open): the next command would read it as
   * its own, so a pool should drop this session rather than reuse it.
   */
  get hasStrayReply(): boolean {
    return this.s.control !== null && !this.s.control.idle;
  }

  /** Why the control connection ended (a protocol error, a timeout, the server's 421), null while it is up or never opened. */
  get closedReason(): FtpError | null {
    return this.s.control?.closedReason ?? null;
  }

  /** maxMemory in bytes: what one listing (or walk) may cost, read by tree.ts. */
  get maxListingBytes(): number {
    return memoryLimitBytes(this.options.maxMemory);
  }

  /** true while the control connection is up. */
  get connected(): boolean {
    return this.s.connected;
  }

  get isLoggedIn(): boolean {
    return this.connected && this.loggedIn;
  }

  /** The features from FEAT (upper-case names), or null before login / when FEAT was off or refused. */
  get features(): ReadonlyMap<string, string> | null {
    return this.caps.features;
  }

  /** True after CCC: commands travel unencrypted. */
  get commandChannelCleared(): boolean {
    return this.secure.cleared;
  }

  /** The control connection's TLS version, cipher and server certificate (for "Test connection"); null when clear. */
  get controlTlsInfo(): TlsConnectionInfo | null {
    return this.secure.controlInfo();
  }

  // ---------------------------------------------------------------- session

  /** Connect and secure the control connection (AUTH TLS in explicit mode). */
  connect(): Promise<Reply> {
    return this.s.exclusive(() => this.doConnect());
  }

  /** Log in, then set up data protection, FEAT, UTF-8, binary type, EPSV ALL and CCC as configured. */
  login(user = 'anonymous', password = ''): Promise<Reply> {
    return this.s.exclusive(() => this.doLogin(user, password));
  }

  /** QUIT politely, then close. Never throws: a session that is already gone is simply closed. */
  quit(): Promise<void> {
    return this.s.exclusive(async () => {
      const c = this.s.control;
      if (!c || c.closed) return this.close();
      try {
        c.send('QUIT');
        await c.read('the reply to QUIT', Math.min(this.s.timeoutMs, 5000));
      } catch {
        /* the server may close first */
      }
      this.close();
    });
  }

  /** Close at once, without QUIT. */
  close(): void {
    const c = this.s.control;
    this.s.control = null;
    this.loggedIn = false;
    if (c && !c.closed) c.destroy();
    this.secure.close();
  }

  private async doConnect(): Promise<Reply> {
    if (this.connected) throw new FtpError('already connected', { kind: 'input' });
    this.s.currentType = null;
    this.data.reset();
    this.caps.reset();
    this.secure.cleared = false;
    this.loggedIn = false;
    const { host } = this.options;
    const port = this.port;
    const mode = this.encryption;
    assertDataModeFitsDialer(this.options.connect, host, this.options.dataMode);
    const raw = await (this.options.connect ?? connectTcp)(host, port, this.s.timeoutMs, 'control connection');
    // through a proxy the socket's peer is the proxy: data connections go to the server's name
    this.s.peer = this.options.connect ? host : (raw.remoteAddress ?? host);
    this.s.local = raw.localAddress ?? '';
    const stream: Duplex = mode === 'implicit' ? await this.secure.secureControl(raw) : raw;
    this.s.log.detail(`connected to ${host}:${port} (${this.s.peer}), ${mode}`);
    const control = new ControlConnection(stream, this.s.log, this.s.timeoutMs);
    control.encoding = this.options.encoding === 'latin1' ? 'latin1' : 'utf8';
    this.s.control = control;
    try {
      let welcome = await control.read('the server greeting');
      while (welcome.code === 120) welcome = await control.read('the server greeting');
      if (welcome.code !== 220) throw replyError(welcome, '(connect)');
      this.welcome = welcome;
      if (mode === 'explicit') {
        control.mark();
        const auth = await control.request('AUTH TLS');
        if (auth.code !== 234) {
          throw new FtpError(`the server refused AUTH TLS: ${auth.code} ${auth.message} (choose "clear" encryption only if you accept an unencrypted session)`, {
            kind: 'reply',
            code: auth.code,
            serverMessage: auth.message,
            command: 'AUTH TLS',
          });
        }
        if (control.receivedMore) throw new FtpError('the server sent more after its 234 reply to AUTH TLS, before the TLS handshake: refused as a protocol error (plaintext injection)', { kind: 'protocol', code: 0, command: 'AUTH TLS' });
        const plain = control.release();
        control.replaceStream(await this.secure.secureControl(plain as net.Socket, true));
      }
      return welcome;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private async doLogin(user: string, password: string): Promise<Reply> {
    assertSafeArgument(user, 'user');
    assertSafeArgument(password, 'password');
    if (password && !this.s.log.secrets.includes(password)) this.s.log.secrets.push(password);
    const c = this.s.requireControl();
    let r = await c.request(`USER ${user}`);
    if (r.code === 331 || r.code === 332) {
      r = await c.request(`PASS ${password}`);
    }
    if (r.code === 332) throw new FtpError('the server asks for an account (ACCT), which is not supported', { kind: 'reply', code: 332, serverMessage: r.message, command: 'PASS ****' });
    if (r.code !== 230 && r.code !== 202) {
      this.close();
      throw replyError(r, r.code === 530 && /PASS/.test(r.message) ? 'PASS ****' : 'login');
    }
    this.loggedIn = true;
    if (this.encryption !== 'clear') {
      await this.s.expect('PBSZ 0', 2);
      const prot = this.options.dataProtection === 'clear' ? 'C' : 'P';
      await this.s.expect(`PROT ${prot}`, 2);
      this.data.protect = prot === 'P';
    }
    await this.caps.learn();
    if (this.options.epsv === 'always') {
      await this.s.expect('EPSV ALL', 2);
      this.data.epsvAll = true;
    }
    await this.s.ensureType('binary');
    if (this.options.ccc) await this.secure.clearCommandChannel();
    return r;
  }

  // ---------------------------------------------------------------- uploads (transfers.ts)

  /** STOR: upload a local file, a Buffer or a Readable. */
  put(source: UploadSource, remote: string, opts: TransferOptions = {}): Promise<TransferResult> {
    return this.s.exclusive(() => this.transfers.store('STOR', source, remote, opts));
  }

  /** APPE: append to the remote file (created when missing). An offset skips local bytes but sends no REST. */
  append(source: UploadSource, remote: string, opts: TransferOptions = {}): Promise<TransferResult> {
    return this.s.exclusive(() => this.transfers.store('APPE', source, remote, opts));
  }

  /** STOU: store under a name the server makes unique; resolves with the name it chose. */
  uput(source: UploadSource, remote?: string, opts: TransferOptions = {}): Promise<TransferResult> {
    return this.s.exclusive(() => this.transfers.store('STOU', source, remote ?? '', opts));
  }

  /**
   * Upload under a scratch name beside the target (prefix + body + postfix),
   * then rename into place, so a watcher on the server never sees a partial
   * file. The scratch file is removed when anything fails.
   */
  xput(source: UploadSource, remote: string, opts: TransferOptions & ScratchOptions = {}): Promise<TransferResult> {
    return this.s.exclusive(() => this.transfers.xput(source, remote, opts, this.leftovers));
  }

  // ---------------------------------------------------------------- downloads (transfers.ts)

  /**
   * RETR into a local file or a Writable. To a file without an offset the
   * data lands under a scratch name and is renamed into place when
   * complete, so a failed download never leaves a partial file under the
   * final name. With an offset (or -1: the local file's size) the local
   * file is continued in place.
   */
  get(remote: string, local: DownloadTarget, opts: TransferOptions = {}): Promise<TransferResult> {
    return this.s.exclusive(async () => {
      if (typeof local === 'string' && !opts.offset) return this.transfers.retrieveAtomically(remote, local, opts, {});
      return this.transfers.retrieve(remote, local, opts);
    });
  }

  /** RETR into memory. */
  getBuffer(remote: string, opts: Omit<TransferOptions, 'offset'> = {}): Promise<Buffer> {
    return this.fetch(remote, opts).then((r) => r.data);
  }

  /** RETR into memory, with the transfer's result (final reply, bytes, time) beside the data. */
  fetch(remote: string, opts: Omit<TransferOptions, 'offset'> = {}): Promise<TransferResult & { data: Buffer }> {
    return this.s.exclusive(() => this.transfers.fetch(remote, opts));
  }

  /** Net::FTPSSL's xget: download under a scratch name beside the local target, then rename it into place. */
  xget(remote: string, local: string, opts: TransferOptions & ScratchOptions = {}): Promise<TransferResult> {
    return this.s.exclusive(() => this.transfers.retrieveAtomically(remote, local, opts, opts));
  }

  // ---------------------------------------------------------------- listings and trees (tree.ts, tree-transfer.ts)

  /** The raw text of LIST, NLST or MLSD (the parsers turn it into entries). */
  listRaw(verb: 'LIST' | 'NLST' | 'MLSD', dir?: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
    return this.s.exclusive(() => this.transfers.listRaw(verb, dir, opts));
  }

  /** A directory listing (MLSD / LIST / NLST), filtered, optionally recursive: see tree.ts. */
  list(dir = '', opts: ListOptions = {}): Promise<TreeEntry[]> {
    return listTree(this, dir, opts);
  }

  /** Download a remote tree into a local folder, one file at a time. */
  downloadTree(remoteDir: string, localDir: string, opts: TreeTransferOptions = {}): Promise<TreeTransferResult> {
    return downloadTree(this, remoteDir, localDir, opts);
  }

  /** Upload a local tree, creating remote directories as needed. */
  uploadTree(localDir: string, remoteDir: string, opts: TreeTransferOptions = {}): Promise<TreeTransferResult> {
    return uploadTree(this, localDir, remoteDir, opts);
  }

  // ---------------------------------------------------------------- directories and files (commands.ts)

  pwd(): Promise<string> {
    return this.s.exclusive(async () => {
      const r = await this.s.expect('PWD', [257]);
      return parseQuotedPath(r.message) ?? r.message;
    });
  }

  cwd(dir: string): Promise<Reply> {
    return this.s.exclusive(async () => {
      assertPath(dir, 'directory');
      return this.s.expect(`CWD ${dir}`, 2);
    });
  }

  cdup(): Promise<Reply> {
    return this.s.exclusive(() => this.s.expect('CDUP', 2));
  }

  /** MKD; resolves with the path the server reports (257), or the one asked for. */
  mkdir(dir: string): Promise<string> {
    return this.s.exclusive(async () => {
      assertPath(dir, 'directory');
      const r = await this.s.expect(`MKD ${dir}`, 2);
      return parseQuotedPath(r.message) ?? dir;
    });
  }

  rmdir(dir: string): Promise<Reply> {
    return this.s.exclusive(async () => {
      assertPath(dir, 'directory');
      return this.s.expect(`RMD ${dir}`, 2);
    });
  }

  delete(remote: string): Promise<Reply> {
    return this.s.exclusive(async () => {
      assertPath(remote, 'remote path');
      return this.s.expect(`DELE ${remote}`, 2);
    });
  }

  rename(from: string, to: string): Promise<Reply> {
    return this.s.exclusive(() => rename(this.s, from, to));
  }

  noop(): Promise<Reply> {
    return this.s.exclusive(() => this.s.expect('NOOP', 2));
  }

  /**
   * SIZE in bytes (asked in binary type, where the answer is the stored
   * size). A server without SIZE (500/502), or one whose answer is
   * ambiguous (a 450 for a missing file), is asked by stat() instead.
   */
  async size(remote: string): Promise<number> {
    try {
      // an overrideHelp that leaves SIZE out: straight to the fallback
      if (this.caps.believes('SIZE') === false) throw new FtpError('SIZE: not in overrideHelp', { kind: 'reply', code: 502, command: `SIZE ${remote}` });
      return await this.s.exclusive(() => size(this.s, this.caps, remote));
    } catch (e) {
      if (!isAmbiguousMissing(e)) throw e;
      const entry = await this.stat(remote);
      if (!entry) throw notFound('SIZE', remote, e);
      if (entry.type === 'dir') throw new FtpError(`SIZE: ${remote}: not a regular file`, { kind: 'reply', code: 550, serverMessage: `${remote}: not a regular file`, command: `SIZE ${remote}`, cause: e });
      if (entry.size === null) throw e;
      return entry.size;
    }
  }

  /** MDTM: the remote modification time (UTC); without MDTM (or after an ambiguous answer) from stat(). */
  async mdtm(remote: string): Promise<Date> {
    try {
      if (this.caps.believes('MDTM') === false) throw new FtpError('MDTM: not in overrideHelp', { kind: 'reply', code: 502, command: `MDTM ${remote}` });
      return await this.s.exclusive(() => mdtm(this.s, this.caps, remote));
    } catch (e) {
      if (!isAmbiguousMissing(e)) throw e;
      const entry = await this.stat(remote);
      if (!entry) throw notFound('MDTM', remote, e);
      if (!entry.modified) throw e;
      return entry.modified;
    }
  }

  /** The entry at `remote` (MLST, else the parent's listing), or null when nothing is there. */
  stat(remote: string): Promise<ListEntry | null> {
    assertPath(remote, 'remote path');
    return stat(this, remote);
  }

  /** MFMT: set the remote modification time; throws when the server refuses. */
  mfmt(time: Date | number | string, remote: string): Promise<Reply> {
    return this.s.exclusive(async () => {
      assertPath(remote, 'remote path');
      return this.s.expect(`MFMT ${formatFtpTime(toDate(time))} ${remote}`, 2);
    });
  }

  /** Set the remote modification time by whichever way the server offers (MFMT, MDTM with a time, SITE UTIME). */
  setModified(remote: string, time: Date | number | string): Promise<void> {
    return this.s.exclusive(() => setModified(this.s, this.caps, remote, toDate(time)));
  }

  // ---------------------------------------------------------------- raw commands (commands.ts)

  /** SITE: throws on a 4xx/5xx reply. */
  site(args: string): Promise<Reply> {
    return this.s.exclusive(async () => {
      assertPath(args, 'SITE arguments');
      return this.s.expect(`SITE ${args}`, 2);
    });
  }

  /**
   * Send a raw command and return the server's reply, whatever its code
   * (Net::FTPSSL's quot ignores Croak); commands that would put the session
   * out of step (data connections, security) are refused.
   */
  quot(line: string): Promise<Reply> {
    return this.s.exclusive(() => quot(this.s, line));
  }

  // ---------------------------------------------------------------- capabilities (capabilities.ts)

  /**
   * Net::FTPSSL's supported(): is CMD (or SITE/FEAT sub-command SITE_OPT)
   * supported, judged from HELP plus FEAT, asked once and cached, unless
   * OverrideHELP answers instead.
   */
  supported(cmd: string, siteOpt?: string): Promise<boolean> {
    return this.s.exclusive(() => this.caps.supported(cmd, siteOpt));
  }

  /** Is MLST (MLSD), SIZE or MDTM to be used on the client's own initiative (FEAT, overrides, refusals)? */
  isEnabled(name: Switchable | 'MLSD'): boolean {
    return this.caps.isEnabled(name);
  }

  /** Why MLST, SIZE or MDTM is off for the client's own use, in words for an error; null when it is on. */
  whyDisabled(name: Switchable | 'MLSD'): string | null {
    return this.caps.whyDisabled(name);
  }

  /** Kermit's FTP ENABLE for this client: MLST (or MLSD), SIZE, MDTM. */
  enable(name: Switchable | 'MLSD'): void {
    this.caps.enable(name);
  }

  /** Kermit's FTP DISABLE for this client. */
  disable(name: Switchable | 'MLSD'): void {
    this.caps.disable(name);
  }

  /** The session learnt that the server does not know a command (an implicit MLSD refused). */
  markUnsupported(name: Switchable | 'MLSD'): void {
    this.caps.markUnsupported(name);
  }
}
