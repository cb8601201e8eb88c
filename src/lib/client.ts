import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tls from 'node:tls';
import { createSecureContext } from 'node:tls';
import { Readable, Writable, Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterPendingIo, ControlConnection, fmtSeconds } from './control';
import { DetachableStream } from './ccc-stream';
import { FtpError, isFtpError, maskCommand } from './errors';
import { HelpOverride, parseFeat, parseHelp, parseHelpOverride } from './features';
import { FeatureSwitches, isUnknownCommand, mlstOptsFacts, resumeNeedsSize, Switchable } from './feature-switches';
import { list as listTree, ListOptions, TreeEntry } from './tree';
import { downloadTree, uploadTree, TreeTransferOptions, TreeTransferResult } from './tree-transfer';
import { DebugLevel, DebugLog, LogSink } from './log';
import { choosePassiveHost, parseEpsv, parsePasv } from './passive';
import { Reply } from './reply';
import { connectReading, connectTcp, handshakeCanWait, ReadingConnection, ReadInto, startTls } from './sockets';
import { CrlfToLf, LfToCrlf } from './ascii';
import { FileSink } from './file-sink';
import { FileBatches, ReadTarget } from './file-batches';
import { MemoryTarget } from './memory-target';
import { sendFile } from './file-source';
import { formatFtpTime, parseFtpTime, toDate } from './timefmt';
import { TlsSessionStore } from './tls-sessions';
import { baseTlsOptions, TlsSettings } from './tls-settings';
import { assertPath, assertSafeArgument } from './validate';
import { rateLimitSteps } from './rate-limit';
import type { TcpDialer } from './proxy-connect';

export type Encryption = 'explicit' | 'implicit' | 'clear';
export type DataProtection = 'private' | 'clear';
export type EpsvMode = 'auto' | 'always' | 'never';
export type TransferType = 'binary' | 'ascii';

export interface FtpsClientOptions {
  host: string;
  /** Default 21, or 990 for implicit TLS. */
  port?: number;
  encryption?: Encryption;
  /** PROT P (private, default) or PROT C; always clear when encryption is 'clear'. */
  dataProtection?: DataProtection;
  tls?: TlsSettings;
  /** OverridePASV: the host for passive data connections, whatever the 227 reply says. */
  pasvHost?: string;
  /** Allow a 227 reply to send data connections to a host other than the control host. Off: that is how FTP bounce attacks work. */
  allowForeignDataHost?: boolean;
  epsv?: EpsvMode;
  /** PRET before PASV/EPSV (DrFTPD and other distributed servers). */
  pret?: boolean;
  /** OverrideHELP: 'auto' asks HELP, 'all'/'none' answer for it, a list names the supported commands. */
  overrideHelp?: HelpOverride | string;
  /** Clear the command channel after login (CCC). */
  ccc?: boolean;
  /** Seconds to wait for a connection, a reply or data (default 120). */
  timeout?: number;
  /** Seconds to wait for a data connection to open (default the smaller of timeout and 15). */
  dataConnectTimeout?: number;
  /** Default for transfers: copy the modification time across. */
  preserveTimestamp?: boolean;
  /** Send FEAT after login (default true); off for servers that choke on it. */
  feat?: boolean;
  /** Kermit's FTP ENABLE: use these (MLST/MLSD, SIZE, MDTM) even when FEAT does not announce them. */
  enable?: Array<Switchable | 'MLSD'>;
  /** Kermit's FTP DISABLE: never use these on the client's own initiative. */
  disable?: Array<Switchable | 'MLSD'>;
  debug?: DebugLevel;
  logger?: LogSink;
  /** Bytes per second per transfer, both directions (0/unset: no cap); see rate-limit.ts. */
  rateLimit?: number;
  /** Opens the control and every data connection instead of a direct TCP connect (a proxy: proxy-connect.ts). */
  connect?: TcpDialer;
}

export interface Progress {
  /** Bytes moved on the data connection so far. */
  bytes: number;
  /** Total bytes when known (local file size, SIZE, or the server's 150 reply), else null. */
  total: number | null;
}

export interface TransferOptions {
  type?: TransferType;
  /** Restart offset; -1 computes it (put: the remote size via SIZE, an error when SIZE is off for the session; get: the local file's size). */
  offset?: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  preserveTimestamp?: boolean;
}

export interface ScratchOptions {
  /** Default "_tmp."; may name another (existing) directory. */
  prefix?: string;
  /** Default ".tmp". */
  postfix?: string;
  /** Default unique per process and transfer. */
  body?: string;
}

export interface TransferResult {
  bytes: number;
  ms: number;
  /** The server's final reply (226/250). */
  reply: Reply;
  /** The remote path the data went to or came from (for uput: the server's choice). */
  remotePath: string;
  /** For downloads to a file: where the data landed. */
  localPath?: string;
}

export type UploadSource = string | Buffer | Readable;
export type DownloadTarget = string | Writable;

interface TransferSpec {
  command: string;
  upload: boolean;
  type: TransferType;
  restAt: number;
  total: number | null;
  /** Created only once the server accepted the command, so a refused transfer touches no file. */
  open: () => Readable | Writable;
  /** A binary download may read without a Buffer per TLS record into this (FileBatches, MemoryTarget) instead of open()'s Writable. */
  target?: () => ReadTarget;
  /** A binary upload of this local file goes through sendFile's reused buffers. */
  source?: { path: string; start: number };
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

interface TransferOutcome {
  bytes: number;
  ms: number;
  first: Reply;
  final: Reply;
}

const DATA_COMMANDS = new Set(['LIST', 'NLST', 'MLSD', 'RETR', 'STOR', 'STOU', 'APPE', 'PASV', 'EPSV', 'PORT', 'EPRT', 'LPSV', 'LPRT', 'REST', 'PRET']);
const SESSION_COMMANDS = new Set(['AUTH', 'PBSZ', 'PROT', 'CCC', 'REIN', 'USER', 'PASS', 'QUIT']);
const IO_CHUNK = 256 * 1024;
/** The one buffer a session's data connections read into (`onread`); a TLS record is at most 16 KiB, a clear read up to this. */
const READ_BUFFER = 64 * 1024;
/** RFC 959 §5.1: every server implements these, whatever its HELP says. */
const RFC959_MINIMUM = ['USER', 'QUIT', 'PORT', 'TYPE', 'MODE', 'STRU', 'RETR', 'STOR', 'NOOP'];
let scratchCounter = 0;

function noop(): void {
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

/** "257 "/a ""quoted"" dir" created" → /a "quoted" dir */
export function parseQuotedPath(message: string): string | null {
  const m = /"((?:[^"]|"")*)"/.exec(message);
  return m ? m[1].replace(/""/g, '"') : null;
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

function remoteDir(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i + 1);
}

/**
 * An FTPS client with Net::FTPSSL's behaviour: one control connection, one
 * operation at a time (calls made while another runs wait their turn).
 * Free of Node-RED so it can be used and tested on its own.
 */
export class FtpsClient {
  readonly options: Readonly<FtpsClientOptions>;
  private readonly log: DebugLog;
  private readonly tlsBase: tls.ConnectionOptions;
  private tlsContext: tls.SecureContext | null | undefined;
  /** The key exchange groups offered, the server's choice first, once the control handshake showed it (see learnKeyGroup). */
  private keyGroups: string | null = null;
  private readonly sessions = new TlsSessionStore();
  private readonly timeoutMs: number;
  private readonly dataConnectMs: number;
  private readonly helpOverride: HelpOverride;
  private control: ControlConnection | null = null;
  private cccTap: DetachableStream | null = null;
  private controlTls: tls.TLSSocket | null = null;
  private peer = '';
  private chain: Promise<unknown> = Promise.resolve();
  private currentType: TransferType | null = null;
  private epsvBroken = false;
  private epsvAll = false;
  private dataTls = false;
  private readBuf: Buffer | null = null;
  private cleared = false;
  private feats: Map<string, string> | null = null;
  private help: Set<string> | null = null;
  private siteHelp: Set<string> | null = null;
  private loggedIn = false;
  private readonly switches: FeatureSwitches;
  /** The server's welcome (220) reply. */
  welcome: Reply | null = null;

  constructor(options: FtpsClientOptions) {
    if (!options || typeof options.host !== 'string' || options.host.trim() === '') {
      throw new FtpError('host is required', { kind: 'input' });
    }
    assertSafeArgument(options.host, 'host');
    this.options = { ...options };
    this.log = new DebugLog(options.debug ?? 0, options.logger);
    this.timeoutMs = Math.max(1, options.timeout ?? 120) * 1000;
    this.dataConnectMs = Math.max(1, options.dataConnectTimeout ?? Math.min(options.timeout ?? 120, 15)) * 1000;
    this.helpOverride = parseHelpOverride(options.overrideHelp as string | string[] | undefined);
    try {
      this.switches = new FeatureSwitches(options.enable ?? [], options.disable ?? []);
    } catch (e) {
      throw new FtpError((e as Error).message, { kind: 'input' });
    }
    const t = options.tls ?? {};
    if (t.cert !== undefined && t.key === undefined && t.pfx === undefined) {
      throw new FtpError('a client certificate needs its key (tls.key) or a PFX bundle', { kind: 'input' });
    }
    this.tlsBase = baseTlsOptions(options.host, t);
  }

  get encryption(): Encryption {
    return this.options.encryption ?? 'explicit';
  }

  get port(): number {
    return this.options.port || (this.encryption === 'implicit' ? 990 : 21);
  }

  /**
   * Scratch files of failed xputs that could not be deleted because the
   * session was lost. Whoever opens the next session (the node's pool) may
   * take them (splice) and delete them there.
   */
  readonly leftovers: string[] = [];

  /** The server's last final (non-1xx) reply on this session, for callers that report it (msg.ftps). */
  get lastReply(): Reply | null {
    return this.control?.lastFinal ?? null;
  }

  /**
   * true when a reply arrived that no command asked for (an idle 421 on a
   * server that keeps the socket open): the next command would read it as
   * its own, so a pool should drop this session rather than reuse it.
   */
  get hasStrayReply(): boolean {
    return this.control !== null && !this.control.idle;
  }

  /** true while the control connection is up. */
  get connected(): boolean {
    return this.control !== null && !this.control.closed;
  }

  get isLoggedIn(): boolean {
    return this.connected && this.loggedIn;
  }

  /** The features from FEAT (upper-case names), or null before login / when FEAT was off or refused. */
  get features(): ReadonlyMap<string, string> | null {
    return this.feats;
  }

  // ---------------------------------------------------------------- session

  /** Connect and secure the control connection (AUTH TLS in explicit mode). */
  connect(): Promise<Reply> {
    return this.exclusive(() => this.doConnect());
  }

  /** Log in, then set up data protection, FEAT, UTF-8, binary type, EPSV ALL and CCC as configured. */
  login(user = 'anonymous', password = ''): Promise<Reply> {
    return this.exclusive(() => this.doLogin(user, password));
  }

  /** QUIT politely, then close. Never throws: a session that is already gone is simply closed. */
  quit(): Promise<void> {
    return this.exclusive(async () => {
      const c = this.control;
      if (!c || c.closed) return this.close();
      try {
        c.send('QUIT');
        await c.read('the reply to QUIT', Math.min(this.timeoutMs, 5000));
      } catch {
        /* the server may close first */
      }
      this.close();
    });
  }

  /** Close at once, without QUIT. */
  close(): void {
    const c = this.control;
    this.control = null;
    this.loggedIn = false;
    if (c && !c.closed) c.destroy();
    this.controlTls?.destroy();
    this.controlTls = null;
    this.cccTap = null;
  }

  private async doConnect(): Promise<Reply> {
    if (this.connected) throw new FtpError('already connected', { kind: 'input' });
    this.resetSessionState();
    const { host } = this.options;
    const port = this.port;
    const mode = this.encryption;
    let stream: Duplex;
    const dial = this.options.connect ?? connectTcp;
    // through a proxy the socket's peer is the proxy: data connections go to the server's name
    const peerOf = (raw: net.Socket): string => (this.options.connect ? host : (raw.remoteAddress ?? host));
    if (mode === 'implicit') {
      const raw = await dial(host, port, this.timeoutMs, 'control connection');
      this.peer = peerOf(raw);
      stream = await this.secureControl(raw);
    } else {
      const raw = await dial(host, port, this.timeoutMs, 'control connection');
      this.peer = peerOf(raw);
      stream = raw;
    }
    this.log.detail(`connected to ${host}:${port} (${this.peer}), ${mode}`);
    const control = new ControlConnection(stream, this.log, this.timeoutMs);
    this.control = control;
    try {
      let welcome = await control.read('the server greeting');
      while (welcome.code === 120) welcome = await control.read('the server greeting');
      if (welcome.code !== 220) throw replyError(welcome, '(connect)');
      this.welcome = welcome;
      if (mode === 'explicit') {
        const auth = await control.request('AUTH TLS');
        if (auth.code !== 234) {
          throw new FtpError(`the server refused AUTH TLS: ${auth.code} ${auth.message} (choose "clear" encryption only if you accept an unencrypted session)`, {
            kind: 'reply',
            code: auth.code,
            serverMessage: auth.message,
            command: 'AUTH TLS',
          });
        }
        const raw = control.release();
        control.replaceStream(await this.secureControl(raw as net.Socket));
      }
      return welcome;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private async secureControl(raw: net.Socket): Promise<tls.TLSSocket> {
    // Only a CCC session needs the TCP socket back later; the others let TLS own it.
    let under: Duplex = raw;
    if (this.options.ccc) {
      this.cccTap = new DetachableStream(raw);
      under = this.cccTap;
    }
    try {
      // half-open: after CCC the server's close_notify must not close our side before ours is sent
      const opts: tls.ConnectionOptions & { allowHalfOpen?: boolean } = { ...this.tlsShared(), socket: under, allowHalfOpen: this.options.ccc === true };
      const sock = await startTls(opts, this.timeoutMs, 'control connection', (s) => this.sessions.watch(s));
      this.controlTls = sock;
      this.learnKeyGroup(sock);
      this.log.detail(`control connection secured: ${sock.getProtocol()} ${sock.getCipher()?.name ?? ''}`);
      return sock;
    } catch (e) {
      raw.destroy();
      throw e;
    }
  }

  /**
   * tlsBase plus one SecureContext for all of the session's connections:
   * built anew (CA, key parsed) for every data connection it cost more CPU
   * than the resumed handshake itself. When it cannot be built, tls.connect
   * meets the same error again, where its errors are explained.
   */
  private tlsShared(): tls.ConnectionOptions {
    if (this.tlsContext === undefined) {
      try {
        this.tlsContext = createSecureContext(this.keyGroups ? { ...this.tlsBase, ecdhCurve: this.keyGroups } : this.tlsBase);
      } catch {
        this.tlsContext = null;
      }
    }
    return this.tlsContext ? { ...this.tlsBase, secureContext: this.tlsContext } : this.tlsBase;
  }

  /**
   * A TLS 1.3 ClientHello carries a key share for the first group only
   * (X25519 in OpenSSL's default list). vsftpd and Pure-FTPd accept only
   * P-256, so every handshake, each data connection's included, took a
   * HelloRetryRequest: an extra round trip and a wasted key. The group the
   * server chose for the control connection goes first from then on.
   */
  private learnKeyGroup(sock: tls.TLSSocket): void {
    const info = sock.getEphemeralKeyInfo();
    const name = info && 'name' in info && typeof info.name === 'string' ? info.name : '';
    if (!/^[A-Za-z0-9_-]+$/.test(name) || name === 'X25519') return;
    const groups = [name, ...['X25519', 'prime256v1', 'secp384r1'].filter((g) => g !== name)].join(':');
    if (groups === this.keyGroups) return;
    this.keyGroups = groups;
    this.tlsContext = undefined;
    this.log.detail(`the server chose the key exchange group ${name}: offered first from now on`);
  }

  private resetSessionState(): void {
    this.currentType = null;
    this.epsvBroken = false;
    this.epsvAll = false;
    this.dataTls = false;
    this.cleared = false;
    this.feats = null;
    this.help = null;
    this.siteHelp = null;
    this.loggedIn = false;
    this.switches.resetSession();
  }

  private async doLogin(user: string, password: string): Promise<Reply> {
    assertSafeArgument(user, 'user');
    assertSafeArgument(password, 'password');
    const c = this.requireControl();
    let r = await c.request(`USER ${user}`);
    if (r.code === 331 || r.code === 332) {
      r = await c.request(`PASS ${password}`);
    }
    if (r.code === 332) throw new FtpError('the server asks for an account (ACCT), which is not supported', { kind: 'reply', code: 332, serverMessage: r.message, command: 'PASS ****' });
    if (r.code !== 230 && r.code !== 202) {
      this.close();
      throw replyError(r, r.code === 530 && /PASS/.test(r.message) ? 'PASS ****' : 'login');
    }
    const loginReply = r;
    this.loggedIn = true;
    if (this.encryption !== 'clear') {
      await this.expect('PBSZ 0', 2);
      const prot = this.options.dataProtection === 'clear' ? 'C' : 'P';
      await this.expect(`PROT ${prot}`, 2);
      this.dataTls = prot === 'P';
    }
    if (this.options.feat !== false) {
      const f = await c.request('FEAT');
      this.feats = f.code === 211 ? parseFeat(f) : null;
      if (this.feats?.has('UTF8')) {
        await c.request('OPTS UTF8 ON');
      }
      // ask for the facts the listings use; servers not asked may send fewer
      const facts = mlstOptsFacts(this.feats?.get('MLST') ?? '');
      if (facts.length > 0) await c.request(`OPTS MLST ${facts.join(';')};`);
    }
    if (this.options.epsv === 'always') {
      await this.expect('EPSV ALL', 2);
      this.epsvAll = true;
    }
    await this.ensureType('binary');
    if (this.options.ccc) await this.clearCommandChannel();
    return loginReply;
  }

  /**
   * CCC: after the 200 both sides send close_notify and the control
   * connection goes on in plain text over the same TCP socket. Data
   * connections keep their protection level (PROT is fixed from here on).
   */
  private async clearCommandChannel(): Promise<void> {
    const c = this.requireControl();
    const tap = this.cccTap;
    const tlsSock = this.controlTls;
    if (!tap || !tlsSock) throw new FtpError('CCC needs a TLS control connection', { kind: 'input' });
    tap.arm();
    c.expectEnd();
    const r = await c.request('CCC');
    if (r.code < 200 || r.code >= 300) {
      // Refused (vsftpd has no CCC): the session simply stays encrypted.
      tap.disarm();
      c.expectEnd(false);
      this.log.info(`the server refused CCC (${r.code} ${r.message}); the control connection stays encrypted`);
      return;
    }
    c.release();
    tlsSock.on('error', noop);
    const serverClosed = new Promise<void>((resolve) => {
      if (tlsSock.readableEnded || tlsSock.destroyed) resolve();
      tlsSock.once('end', () => resolve());
      tlsSock.once('close', () => resolve());
    });
    tlsSock.resume();
    tlsSock.end();
    await tap.closeNotifySent();
    // A server that sends no close_notify of its own is not waited for long;
    // one that sends it late has it skipped by the plain-text reader.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([serverClosed, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(this.timeoutMs, 3000))))]);
    clearTimeout(timer);
    c.replaceStream(tap.detach());
    this.cleared = true;
    this.log.info('control connection cleared (CCC): commands now travel unencrypted');
  }

  // ---------------------------------------------------------------- plumbing

  /** One operation at a time on the control connection; the rest queue behind it. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(noop);
    return run;
  }

  private requireControl(): ControlConnection {
    const c = this.control;
    if (!c) throw new FtpError('not connected', { kind: 'closed', code: 421 });
    if (c.closed) throw c.closedReason ?? new FtpError('not connected', { kind: 'closed', code: 421 });
    return c;
  }

  /** Send a command and require a reply whose first digit is `status` (or one of the codes). A 421 ends the session. */
  private async expect(line: string, status: number | number[]): Promise<Reply> {
    const c = this.requireControl();
    const r = await c.request(line);
    const ok = Array.isArray(status) ? status.includes(r.code) : Math.floor(r.code / 100) === status;
    if (!ok) {
      throw replyError(r, line);
    }
    return r;
  }

  private async ensureType(type: TransferType): Promise<void> {
    if (this.currentType === type) return;
    await this.expect(type === 'ascii' ? 'TYPE A' : 'TYPE I', 2);
    this.currentType = type;
  }

  /** Wait for `p`; after `ms` the session is out of step with the server and is closed. */
  private within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    const timeout = new Promise<never>((_, reject) => {
      // (after a pause of the process, what arrived in time is read before the timeout counts)
      timer = setTimeout(() => afterPendingIo(() => {
        if (settled) return;
        const err = new FtpError(`timed out after ${fmtSeconds(ms)} waiting for ${what}`, { kind: 'timeout', code: 421 });
        this.control?.destroy(err);
        reject(err);
      }), ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  // ---------------------------------------------------------------- data connections

  private async openDataSocket(command: string, connect?: (host: string, port: number) => Promise<net.Socket>): Promise<net.Socket> {
    const c = this.requireControl();
    const dial = connect ?? ((host: string, port: number) => (this.options.connect ?? connectTcp)(host, port, this.dataConnectMs, 'data connection'));
    if (this.options.pret) await this.expect(`PRET ${command}`, 2);
    const mode = this.options.epsv ?? 'auto';
    const tryEpsv = this.epsvAll || (mode !== 'never' && !this.epsvBroken);
    if (tryEpsv) {
      const r = await c.request('EPSV');
      if (r.code === 229) {
        const port = parseEpsv(r);
        this.log.detail(`data connection to ${this.peer}:${port} (EPSV)`);
        try {
          return await dial(this.peer, port);
        } catch (e) {
          if (this.epsvAll || mode === 'always') throw e;
          // A firewall that drops EPSV ports: use PASV for the rest of the session.
          this.epsvBroken = true;
          this.log.info(`EPSV data connection failed (${(e as Error).message}); using PASV from now on`);
        }
      } else {
        if (this.epsvAll || mode === 'always') throw replyError(r, 'EPSV');
        this.epsvBroken = true;
        this.log.info(`EPSV refused (${r.code}); using PASV from now on`);
      }
    }
    // PRET announces the transfer for the data connection about to be asked for, so it precedes PASV after an EPSV fallback too
    if (this.options.pret && tryEpsv) await this.expect(`PRET ${command}`, 2);
    const r = await this.expect('PASV', [227]);
    const announced = parsePasv(r);
    const choice = choosePassiveHost(announced.host, this.peer, this.peer, this.options.pasvHost, this.options.allowForeignDataHost === true);
    if (choice.note) this.log.info(choice.note);
    this.log.detail(`data connection to ${choice.host}:${announced.port} (PASV)`);
    return dial(choice.host, announced.port);
  }

  private secureData(raw: net.Socket, held?: ReadingConnection['secure']): Promise<tls.TLSSocket> {
    const session = this.sessions.session;
    this.log.detail(`securing the data connection${session ? ' (resuming the TLS session)' : ''}`);
    const done = held ? held(this.timeoutMs, 'data connection') : startTls({ ...this.tlsShared(), socket: raw, session }, this.timeoutMs, 'data connection', (s) => this.sessions.watch(s));
    return done.then((sock) => {
      if (this.log.enabled) this.log.detail(`data connection secured: ${sock.getProtocol()}, session ${sock.isSessionReused() ? 'resumed' : 'NEW'}`);
      return sock;
    });
  }

  /**
   * A binary download to a file or into memory reads into one reused buffer
   * and copies into its target: no Buffer per TLS record, so memory stays
   * flat and the CPU per byte drops (bench/). ASCII downloads (converted on
   * the way) and downloads into a caller's Writable use the stream path.
   */
  private directTarget(spec: TransferSpec): ReadTarget | null {
    // a capped transfer is paced by a stream step (rateLimitSteps)
    // a custom dialer (proxy) hands over a connected socket, which cannot read with onread
    if (spec.upload || spec.type !== 'binary' || !spec.target || this.options.rateLimit || this.options.connect) return null;
    if (this.dataTls && !handshakeCanWait()) return null;
    return spec.target();
  }

  /** The onread side of a direct download: count, copy into the target, pause the socket while the target is busy. */
  private readInto(target: ReadTarget, count: (n: number) => void, socket: () => net.Socket): ReadInto {
    let waiting = false;
    this.readBuf ??= Buffer.allocUnsafe(READ_BUFFER);
    target.onFailure = (e) => socket().destroy(e);
    return {
      buffer: this.readBuf,
      callback: (n, buf) => {
        count(n);
        if (target.take(buf, n)) return true;
        if (!waiting) {
          waiting = true;
          target.drained().then(() => {
            waiting = false;
            if (target.error) socket().destroy(target.error);
            else socket().resume();
          }, noop);
        }
        return false;
      },
    };
  }

  /** Dial data connections that read into `into`; `held` receives the held-back TLS handshake. */
  private readingDialer(into: ReadInto, held: { secure?: ReadingConnection['secure'] }): (host: string, port: number) => Promise<net.Socket> {
    return async (host, port) => {
      const tlsOptions = this.dataTls ? { ...this.tlsShared(), session: this.sessions.session } : null;
      const rc = await connectReading(host, port, this.dataConnectMs, 'data connection', into, tlsOptions, (s) => this.sessions.watch(s));
      held.secure = rc.secure;
      return rc.socket;
    };
  }

  /**
   * Resolves when the reading socket has ended. Watched from the connect on:
   * a clear data connection can deliver a small file and close before the
   * server's 150 has been read.
   */
  private watchEnd(sock: net.Socket): Promise<void> {
    const p = new Promise<void>((resolve, reject) => {
      let ended = false;
      sock.once('error', reject);
      sock.once('end', () => {
        ended = true;
        resolve();
      });
      sock.once('close', () => {
        if (!ended) reject(Object.assign(new Error('the data connection closed before it ended'), { code: 'ECONNRESET' }));
      });
    });
    p.catch(noop);
    sock.resume();
    return p;
  }

  /**
   * One data transfer: REST, EPSV/PASV, connect, the command, TLS, the
   * bytes, the final reply. It resolves only when the data stream has ended
   * and the final reply has arrived, in whichever order they come.
   */
  private async runTransfer(spec: TransferSpec): Promise<TransferOutcome> {
    const c = this.requireControl();
    if (spec.signal?.aborted) throw new FtpError(`${spec.command}: transfer aborted`, { kind: 'aborted', command: spec.command });
    const started = Date.now();
    await this.ensureType(spec.type);
    if (spec.restAt > 0) await this.expect(`REST ${spec.restAt}`, [350]);
    let bytes = 0;
    let total: number | null = spec.total;
    const count = (n: number): void => {
      bytes += n;
      spec.onProgress?.({ bytes, total });
    };
    const target = this.directTarget(spec);
    const held: { secure?: ReadingConnection['secure'] } = {};
    const into = target ? this.readInto(target, count, () => stream) : undefined;
    const raw = await this.openDataSocket(spec.command, into ? this.readingDialer(into, held) : undefined);
    raw.on('error', noop);
    const ended = target ? this.watchEnd(raw) : null;
    let stream: net.Socket = raw;
    let first: Reply;
    try {
      c.send(spec.command);
      first = await c.read();
    } catch (e) {
      raw.destroy();
      throw e;
    }
    if (first.code >= 300 || first.code < 100) {
      raw.destroy();
      throw replyError(first, spec.command);
    }
    const finalP: Promise<Reply> = first.code >= 200 ? Promise.resolve(first) : c.read('the reply at the end of the transfer', 0);
    finalP.catch(noop);
    // A failure reply while data is still flowing ends the stream at once.
    finalP.then((r) => {
      if (r.code >= 400) stream.destroy(replyError(r, spec.command));
    }, noop);

    total = spec.total ?? parseSizeHint(first.message);
    if (target && total !== null && spec.restAt === 0) target.expect?.(total);
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      stream.destroy(new FtpError(`${spec.command}: transfer aborted`, { kind: 'aborted', command: spec.command }));
    };
    if (spec.signal?.aborted) onAbort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.dataTls) {
        stream = await this.secureData(raw, held.secure);
        // a reset after pipeline() let go (an upload waiting for the close) must not crash the process;
        // the final reply tells what the server got
        stream.on('error', noop);
        if (aborted) onAbort();
      }
      stream.setTimeout(this.timeoutMs, () => {
        const seen = bytes;
        afterPendingIo(() => {
          if (bytes !== seen || stream.destroyed) return;
          stream.destroy(new FtpError(`no data moved on the data connection for ${fmtSeconds(this.timeoutMs)} (${spec.command})`, { kind: 'timeout', code: 421, command: spec.command }));
        });
      });
      spec.onProgress?.({ bytes: 0, total });
      if (spec.upload) {
        const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
        stream.resume(); // keep reading (TLS 1.3 tickets) so closing never resets unread data
        if (spec.source && spec.type === 'binary' && !this.options.rateLimit) {
          await sendFile(spec.source.path, spec.source.start, IO_CHUNK, stream, count);
        } else {
          const source = spec.open() as Readable;
          source.on('data', (chunk: Buffer) => count(chunk.length));
          const steps: NodeJS.ReadWriteStream[] = [...(spec.type === 'ascii' ? [new LfToCrlf()] : []), ...rateLimitSteps(this.options.rateLimit)];
          await pipeline([source, ...steps, stream]);
        }
        await closed;
      } else if (target && ended) {
        target.open().catch((e: Error) => stream.destroy(e));
        await ended;
        await target.finish();
      } else {
        stream.on('data', (chunk: Buffer) => count(chunk.length));
        const sink = spec.open() as Writable;
        const steps: NodeJS.ReadWriteStream[] = [...rateLimitSteps(this.options.rateLimit), ...(spec.type === 'ascii' ? [new CrlfToLf()] : [])];
        await pipeline([stream, ...steps, sink]);
      }
    } catch (err) {
      spec.signal?.removeEventListener('abort', onAbort);
      if (target) await target.abandon();
      throw await this.afterDataFailure(err, finalP, spec.command, stream, raw, aborted);
    }
    spec.signal?.removeEventListener('abort', onAbort);
    const final = await this.within(finalP, this.timeoutMs, `the reply at the end of ${spec.command}`);
    if (final.code >= 300) throw replyError(final, spec.command);
    // Node accepts a TCP FIN without TLS close_notify as a clean end, so a cut
    // connection can look complete; the size the server announced says otherwise.
    // After REST some servers announce the whole file, others what is left: offset
    // plus bytes short of the announcement is incomplete either way.
    if (!spec.upload && spec.type === 'binary' && total !== null && spec.restAt + bytes < total) {
      throw new FtpError(`${spec.command}: the data connection ended after ${bytes} of the ${total} bytes the server announced: the transfer is incomplete`, { kind: 'data', code: 426, command: spec.command });
    }
    return { bytes, ms: Date.now() - started, first, final };
  }

  /**
   * The data stream failed. Keep the session in step with the server (read
   * the transfer's final reply; after an abort also ABOR's reply, and a NOOP
   * to know where the replies end) and return the error that explains it
   * best: the server's own reply when it has one.
   */
  private async afterDataFailure(err: unknown, finalP: Promise<Reply>, command: string, stream: net.Socket, raw: net.Socket, aborted: boolean): Promise<FtpError> {
    stream.destroy();
    raw.destroy();
    const c = this.control;
    const graceMs = Math.min(this.timeoutMs, 10_000);
    if (aborted) {
      const abortErr = new FtpError(`${command}: transfer aborted`, { kind: 'aborted', command });
      try {
        if (!c || c.closed) return abortErr;
        c.send('ABOR');
        c.send('NOOP');
        await this.within(finalP, graceMs, 'the reply to an aborted transfer');
        for (;;) {
          const r = await this.within(c.read(undefined, 0), graceMs, 'the replies to ABOR and NOOP');
          if (r.code === 200) break;
        }
      } catch {
        c?.destroy();
      }
      return abortErr;
    }
    let reply: Reply | null = null;
    try {
      reply = await this.within(finalP, graceMs, `the reply at the end of ${command}`);
    } catch {
      /* no reply: the session is closed by within() */
    }
    if (isFtpError(err) && err.kind === 'reply') return err;
    const e = err as NodeJS.ErrnoException;
    // a local file error comes first: the server's 426 that follows is only its view of our closing
    if (!isFtpError(err) && e && typeof e.syscall === 'string' && /open|read|write/.test(e.syscall) && e.path) {
      return new FtpError(`${command}: local file error: ${e.message}`, { kind: 'local', command, cause: e });
    }
    if (reply && reply.code >= 400) {
      if (!(isFtpError(err) && err.kind === 'local')) return replyError(reply, command);
    }
    if (isFtpError(err)) return err;
    return new FtpError(`${command}: data connection failed: ${e?.message ?? String(err)}`, { kind: 'data', code: reply?.code ?? 0, serverMessage: reply?.message ?? '', command, cause: err });
  }

  // ---------------------------------------------------------------- uploads

  /** STOR: upload a local file, a Buffer or a Readable. */
  put(source: UploadSource, remote: string, opts: TransferOptions = {}): Promise<TransferResult> {
    return this.exclusive(() => this.store('STOR', source, remote, opts));
  }

  /** APPE: append to the remote file (created when missing). An offset skips local bytes but sends no REST. */
  append(source: UploadSource, remote: string, opts: TransferOptions = {}): Promise<TransferResult> {
    return this.exclusive(() => this.store('APPE', source, remote, opts));
  }

  /** STOU: store under a name the server makes unique; resolves with the name it chose. */
  uput(source: UploadSource, remote?: string, opts: TransferOptions = {}): Promise<TransferResult> {
    return this.exclusive(() => this.store('STOU', source, remote ?? '', opts));
  }

  /**
   * Upload under a scratch name beside the target (prefix + body + postfix),
   * then rename into place, so a watcher on the server never sees a partial
   * file. The scratch file is removed when anything fails.
   */
  xput(source: UploadSource, remote: string, opts: TransferOptions & ScratchOptions = {}): Promise<TransferResult> {
    return this.exclusive(async () => {
      assertPath(remote, 'remote path');
      const scratch = scratchPath(remote, opts, false);
      let result: TransferResult;
      try {
        result = await this.store('STOR', source, scratch, { ...opts, preserveTimestamp: false });
        await this.renameOver(scratch, remote);
      } catch (e) {
        if (!(await this.tryDelete(scratch))) this.leftovers.push(scratch);
        throw e;
      }
      if (opts.preserveTimestamp ?? this.options.preserveTimestamp) await this.copyLocalTime(source, remote);
      return { ...result, remotePath: remote };
    });
  }

  private async store(verb: 'STOR' | 'APPE' | 'STOU', source: UploadSource, remote: string, opts: TransferOptions): Promise<TransferResult> {
    if (verb !== 'STOU' || remote !== '') assertPath(remote, 'remote path');
    const type = opts.type ?? 'binary';
    let skip = opts.offset ?? 0;
    if (skip === -1) {
      if (verb === 'STOU') throw new FtpError('a restart offset makes no sense with a unique name', { kind: 'input' });
      // Kermit: "disabling SIZE prevents PUT /RESTART from working"; guessing the
      // remote size from a listing instead could resume at the wrong byte
      const why = this.whyDisabled('SIZE');
      if (why !== null) throw new FtpError(resumeNeedsSize(remote, why), { kind: 'input' });
      skip = await this.doSize(remote);
    }
    if (skip < 0 || !Number.isSafeInteger(skip)) throw new FtpError(`invalid restart offset ${opts.offset}`, { kind: 'input' });
    if (skip > 0 && type === 'ascii') throw new FtpError('restart offsets are byte offsets and need binary mode', { kind: 'input' });
    let total: number | null = null;
    let open: () => Readable;
    let fromFile: TransferSpec['source'];
    if (typeof source === 'string') {
      const st = await statLocal(source);
      if (!st.isFile()) throw new FtpError(`local path is not a file: ${source}`, { kind: 'local' });
      if (skip > st.size) throw new FtpError(`restart offset ${skip} is beyond the end of ${source} (${st.size} bytes)`, { kind: 'input' });
      total = st.size - skip;
      open = () => fs.createReadStream(source, { start: skip, highWaterMark: IO_CHUNK });
      fromFile = { path: source, start: skip };
    } else if (Buffer.isBuffer(source)) {
      if (skip > source.length) throw new FtpError(`restart offset ${skip} is beyond the end of the data (${source.length} bytes)`, { kind: 'input' });
      const data = source.subarray(skip);
      total = data.length;
      open = () => Readable.from(chunks(data), { objectMode: false });
    } else if (source instanceof Readable) {
      open = () => source;
    } else {
      throw new FtpError(`cannot upload a ${source === null ? 'null' : typeof source}: give a Buffer, a string path or a Readable`, { kind: 'input' });
    }
    const command = verb === 'STOU' && remote === '' ? 'STOU' : `${verb} ${remote}`;
    const out = await this.runTransfer({
      command,
      upload: true,
      type,
      restAt: verb === 'STOR' ? skip : 0,
      total,
      open,
      source: fromFile,
      onProgress: opts.onProgress,
      signal: opts.signal,
    });
    if (verb === 'STOR' && type === 'binary' && total !== null && this.isEnabled('SIZE')) await this.verifyStored(remote, skip + total, command);
    let remotePath = remote;
    if (verb === 'STOU') remotePath = parseUniqueName(out.first) ?? parseUniqueName(out.final) ?? remote;
    if (verb !== 'STOU' || remotePath) {
      if (opts.preserveTimestamp ?? this.options.preserveTimestamp) await this.copyLocalTime(source, remotePath);
    }
    return { bytes: out.bytes, ms: out.ms, reply: out.final, remotePath };
  }

  /**
   * A data connection ended by a bare FIN (no TLS close_notify) looks like
   * the end of the file to many servers, which then answer 226 for a
   * truncated file. SIZE after the 226 catches that; a server without SIZE
   * (refused here, or SIZE disabled for the session) is taken at its word.
   */
  private async verifyStored(remote: string, expected: number, command: string): Promise<void> {
    let size: number;
    try {
      size = await this.doSize(remote);
    } catch (e) {
      if (isFtpError(e) && (e.kind === 'reply' || e.kind === 'protocol') && this.connected) return;
      throw e;
    }
    if (size !== expected) {
      throw new FtpError(`${command}: the server stored ${size} of ${expected} bytes: the upload is incomplete`, { kind: 'data', code: 426, command });
    }
  }

  private async copyLocalTime(source: UploadSource, remote: string): Promise<void> {
    if (typeof source !== 'string') return;
    try {
      const st = await fs.promises.stat(source);
      await this.doSetModified(remote, st.mtime);
    } catch (e) {
      this.log.info(`could not copy the modification time to ${remote}: ${(e as Error).message}`);
    }
  }

  /** RNFR/RNTO; when the target exists and the server refuses to replace it, delete it and try once more. */
  private async renameOver(from: string, to: string): Promise<void> {
    try {
      await this.doRename(from, to);
    } catch (e) {
      if (!(isFtpError(e) && e.kind === 'reply' && e.code >= 550 && e.code < 560)) throw e;
      await this.expect(`DELE ${to}`, 2);
      await this.doRename(from, to);
    }
  }

  /** DELE that never throws; false when the session was lost before the server could answer. */
  private async tryDelete(remote: string): Promise<boolean> {
    if (!this.connected) return false;
    try {
      const r = await this.requireControl().request(`DELE ${remote}`);
      if (r.code >= 400) this.log.detail(`scratch file ${remote} not removed: ${r.code} ${r.message}`);
      return true;
    } catch {
      /* the session is gone; nothing more can be done from here */
      return false;
    }
  }

  // ---------------------------------------------------------------- downloads

  /**
   * RETR into a local file or a Writable. To a file without an offset the
   * data lands under a scratch name and is renamed into place when
   * complete, so a failed download never leaves a partial file under the
   * final name. With an offset (or -1: the local file's size) the local
   * file is continued in place.
   */
  get(remote: string, local: DownloadTarget, opts: TransferOptions = {}): Promise<TransferResult> {
    return this.exclusive(async () => {
      if (typeof local === 'string' && !opts.offset) return this.retrieveAtomically(remote, local, opts, {});
      return this.retrieve(remote, local, opts);
    });
  }

  /** RETR into memory. */
  getBuffer(remote: string, opts: Omit<TransferOptions, 'offset'> = {}): Promise<Buffer> {
    return this.fetch(remote, opts).then((r) => r.data);
  }

  /** RETR into memory, with the transfer's result (final reply, bytes, time) beside the data. */
  fetch(remote: string, opts: Omit<TransferOptions, 'offset'> = {}): Promise<TransferResult & { data: Buffer }> {
    return this.exclusive(async () => {
      const mem = new MemoryTarget();
      const r = await this.retrieve(remote, mem, { ...opts, offset: 0 });
      return { ...r, data: mem.data() };
    });
  }

  /** Net::FTPSSL's xget: download under a scratch name beside the local target, then rename it into place. */
  xget(remote: string, local: string, opts: TransferOptions & ScratchOptions = {}): Promise<TransferResult> {
    return this.exclusive(() => this.retrieveAtomically(remote, local, opts, opts));
  }

  private async retrieveAtomically(remote: string, local: string, opts: TransferOptions, names: ScratchOptions): Promise<TransferResult> {
    assertPath(local, 'local path');
    const scratch = path.join(path.dirname(local), scratchBase(names, true));
    let result: TransferResult;
    try {
      result = await this.retrieve(remote, scratch, { ...opts, offset: 0, preserveTimestamp: false });
      await fs.promises.rename(scratch, local);
    } catch (e) {
      await fs.promises.rm(scratch, { force: true });
      throw e;
    }
    if (opts.preserveTimestamp ?? this.options.preserveTimestamp) await this.copyRemoteTime(remote, local);
    return { ...result, localPath: local };
  }

  private async retrieve(remote: string, local: DownloadTarget | MemoryTarget, opts: TransferOptions): Promise<TransferResult> {
    assertPath(remote, 'remote path');
    const type = opts.type ?? 'binary';
    let offset = opts.offset ?? 0;
    let open: () => Writable;
    let target: TransferSpec['target'];
    if (typeof local === 'string') {
      assertPath(local, 'local path');
      if (offset === -1) offset = await localSize(local);
      if (offset < 0 || !Number.isSafeInteger(offset)) throw new FtpError(`invalid restart offset ${opts.offset}`, { kind: 'input' });
      if (offset > 0) {
        const size = await localSize(local);
        if (offset > size) throw new FtpError(`restart offset ${offset} is beyond the end of ${local} (${size} bytes)`, { kind: 'input' });
        await fs.promises.truncate(local, offset);
      }
      const at = offset;
      open = () => new FileSink(local, at > 0 ? 'r+' : 'w', at);
      target = () => new FileBatches(local, at > 0 ? 'r+' : 'w', at);
    } else if (local instanceof MemoryTarget) {
      open = () => local.writable();
      target = () => local;
    } else if (local instanceof Writable) {
      if (offset === -1) throw new FtpError('offset -1 needs a local file name to measure', { kind: 'input' });
      open = () => local;
    } else {
      throw new FtpError('download target must be a local path or a Writable', { kind: 'input' });
    }
    if (offset > 0 && type === 'ascii') throw new FtpError('restart offsets are byte offsets and need binary mode', { kind: 'input' });
    const out = await this.runTransfer({
      command: `RETR ${remote}`,
      upload: false,
      type,
      restAt: offset,
      total: null,
      open,
      target,
      onProgress: opts.onProgress,
      signal: opts.signal,
    });
    if (typeof local === 'string' && (opts.preserveTimestamp ?? this.options.preserveTimestamp)) await this.copyRemoteTime(remote, local);
    return { bytes: out.bytes, ms: out.ms, reply: out.final, remotePath: remote, localPath: typeof local === 'string' ? local : undefined };
  }

  private async copyRemoteTime(remote: string, local: string): Promise<void> {
    if (!this.isEnabled('MDTM')) return this.log.info(`MDTM is disabled: the time of ${remote} is not copied`);
    try {
      const t = await this.doMdtm(remote);
      await fs.promises.utimes(local, t, t);
    } catch (e) {
      this.log.info(`could not copy the modification time of ${remote}: ${(e as Error).message}`);
    }
  }

  /** The raw text of LIST, NLST or MLSD (the parsers turn it into entries). */
  listRaw(verb: 'LIST' | 'NLST' | 'MLSD', dir?: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
    return this.exclusive(async () => {
      if (verb !== 'LIST' && verb !== 'NLST' && verb !== 'MLSD') throw new FtpError(`not a listing command: ${String(verb)}`, { kind: 'input' });
      if (dir !== undefined && dir !== '') assertPath(dir, 'directory');
      const mem = new MemoryTarget();
      await this.runTransfer({
        command: dir ? `${verb} ${dir}` : verb,
        upload: false,
        type: this.currentType ?? 'binary',
        restAt: 0,
        total: null,
        open: () => mem.writable(),
        target: () => mem,
        signal: opts.signal,
      });
      return mem.data().toString('utf8');
    });
  }

  // ---------------------------------------------------------------- simple commands

  pwd(): Promise<string> {
    return this.exclusive(async () => {
      const r = await this.expect('PWD', [257]);
      return parseQuotedPath(r.message) ?? r.message;
    });
  }

  cwd(dir: string): Promise<Reply> {
    return this.exclusive(async () => {
      assertPath(dir, 'directory');
      return this.expect(`CWD ${dir}`, 2);
    });
  }

  cdup(): Promise<Reply> {
    return this.exclusive(() => this.expect('CDUP', 2));
  }

  /** MKD; resolves with the path the server reports (257), or the one asked for. */
  mkdir(dir: string): Promise<string> {
    return this.exclusive(async () => {
      assertPath(dir, 'directory');
      const r = await this.expect(`MKD ${dir}`, 2);
      return parseQuotedPath(r.message) ?? dir;
    });
  }

  rmdir(dir: string): Promise<Reply> {
    return this.exclusive(async () => {
      assertPath(dir, 'directory');
      return this.expect(`RMD ${dir}`, 2);
    });
  }

  delete(remote: string): Promise<Reply> {
    return this.exclusive(async () => {
      assertPath(remote, 'remote path');
      return this.expect(`DELE ${remote}`, 2);
    });
  }

  rename(from: string, to: string): Promise<Reply> {
    return this.exclusive(() => this.doRename(from, to));
  }

  private async doRename(from: string, to: string): Promise<Reply> {
    assertPath(from, 'rename source');
    assertPath(to, 'rename target');
    await this.expect(`RNFR ${from}`, [350]);
    return this.expect(`RNTO ${to}`, 2);
  }

  noop(): Promise<Reply> {
    return this.exclusive(() => this.expect('NOOP', 2));
  }

  /** SIZE in bytes (asked in binary type, where the answer is the stored size). */
  size(remote: string): Promise<number> {
    return this.exclusive(() => this.doSize(remote));
  }

  private async doSize(remote: string): Promise<number> {
    assertPath(remote, 'remote path');
    await this.ensureType('binary');
    const r = await this.watchSwitch('SIZE', this.expect(`SIZE ${remote}`, [213]));
    const n = Number(r.message.trim());
    if (!Number.isSafeInteger(n) || n < 0) throw new FtpError(`cannot read the size in "${r.message}"`, { kind: 'protocol', code: r.code, serverMessage: r.message, command: `SIZE ${remote}` });
    return n;
  }

  /** MDTM: the remote modification time (UTC). */
  mdtm(remote: string): Promise<Date> {
    return this.exclusive(() => this.doMdtm(remote));
  }

  private async doMdtm(remote: string): Promise<Date> {
    assertPath(remote, 'remote path');
    const r = await this.watchSwitch('MDTM', this.expect(`MDTM ${remote}`, [213]));
    const d = parseFtpTime(r.message);
    if (!d) throw new FtpError(`cannot read the time in "${r.message}"`, { kind: 'protocol', code: r.code, serverMessage: r.message, command: `MDTM ${remote}` });
    return d;
  }

  /** MFMT: set the remote modification time; throws when the server refuses. */
  mfmt(time: Date | number | string, remote: string): Promise<Reply> {
    return this.exclusive(async () => {
      assertPath(remote, 'remote path');
      return this.expect(`MFMT ${formatFtpTime(toDate(time))} ${remote}`, 2);
    });
  }

  /**
   * Set the remote modification time by whichever way the server offers:
   * MFMT (ProFTPD, Pure-FTPd, pyftpdlib), the MDTM-with-time form (vsftpd
   * with mdtm_write), then SITE UTIME (ProFTPD's mod_site_misc).
   */
  setModified(remote: string, time: Date | number | string): Promise<void> {
    return this.exclusive(() => this.doSetModified(remote, toDate(time)));
  }

  private async doSetModified(remote: string, time: Date): Promise<void> {
    assertPath(remote, 'remote path');
    const c = this.requireControl();
    const t = formatFtpTime(time);
    const attempts = [`MFMT ${t} ${remote}`, `MDTM ${t} ${remote}`, `SITE UTIME ${t} ${remote}`];
    if (this.feats && !this.feats.has('MFMT')) attempts.shift();
    let last: Reply | null = null;
    let lastCmd = '';
    for (const line of attempts) {
      const r = await c.request(line);
      if (r.code >= 200 && r.code < 300) return;
      last = r;
      lastCmd = line;
    }
    throw last ? replyError(last, lastCmd) : new FtpError('cannot set the modification time', { kind: 'reply' });
  }

  /** SITE: throws on a 4xx/5xx reply. */
  site(args: string): Promise<Reply> {
    return this.exclusive(async () => {
      assertPath(args, 'SITE arguments');
      return this.expect(`SITE ${args}`, 2);
    });
  }

  /**
   * Send a raw command and return the server's reply, whatever its code
   * (Net::FTPSSL's quot ignores Croak). Commands that need a data connection
   * or change the session's security are refused: they would leave the
   * session out of step with the client.
   */
  quot(line: string): Promise<Reply> {
    return this.exclusive(async () => {
      assertPath(line.trim(), 'command');
      const verb = line.trim().split(/\s+/)[0].toUpperCase();
      if (DATA_COMMANDS.has(verb)) throw new FtpError(`${verb} opens or prepares a data connection; use the list/get/put operations instead of quot`, { kind: 'input', command: verb });
      if (SESSION_COMMANDS.has(verb)) throw new FtpError(`${verb} changes the session's login or security; quot refuses it`, { kind: 'input', command: verb });
      const c = this.requireControl();
      let r = await c.request(line.trim());
      while (r.code < 200) r = await c.read();
      if (verb === 'TYPE') this.currentType = null;
      return r;
    });
  }

  /** FEAT's features (cached); null when the server refused FEAT or FEAT is turned off. */
  feat(): Promise<ReadonlyMap<string, string> | null> {
    return this.exclusive(async () => this.feats);
  }

  /**
   * Net::FTPSSL's supported(): is CMD (or SITE/FEAT sub-command SITE_OPT)
   * supported, judged from HELP plus FEAT, asked once and cached, unless
   * OverrideHELP answers instead.
   */
  supported(cmd: string, siteOpt?: string): Promise<boolean> {
    return this.exclusive(async () => {
      assertSafeArgument(cmd, 'command');
      if (siteOpt !== undefined) assertSafeArgument(siteOpt, 'SITE option');
      const name = cmd.trim().toUpperCase();
      const opt = siteOpt?.trim().toUpperCase();
      const o = this.helpOverride;
      if (o === 'all') return true;
      if (o === 'none') return false;
      if (Array.isArray(o)) return o.includes(name) && (opt === undefined || name !== 'SITE' || o.includes(`SITE ${opt}`) || o.includes(opt));
      const c = this.requireControl();
      if (!this.help) {
        const r = await c.request('HELP');
        // Pure-FTPd's HELP lists only its SITE commands
        const siteOnly = /SITE commands/i.test(r.lines[0] ?? '');
        if (siteOnly) this.siteHelp = parseHelp(r);
        this.help = new Set([...RFC959_MINIMUM, ...(siteOnly ? ['SITE'] : parseHelp(r)), ...(this.feats?.keys() ?? [])]);
      }
      if (!this.help.has(name)) return false;
      if (opt === undefined) return true;
      if (name === 'FEAT') return this.feats?.has(opt) ?? false;
      if (name === 'SITE') {
        if (!this.siteHelp) {
          // ProFTPD and pyftpdlib list SITE commands under SITE HELP, others under HELP SITE
          this.siteHelp = parseHelp(await c.request('SITE HELP'));
          if (this.siteHelp.size <= 1) for (const x of parseHelp(await c.request('HELP SITE'))) this.siteHelp.add(x);
        }
        return this.siteHelp.has(opt);
      }
      return true;
    });
  }

  // ---------------------------------------------------------------- features, listings, trees

  /** Is MLST (MLSD), SIZE or MDTM to be used on the client's own initiative (FEAT, overrides, refusals)? */
  isEnabled(name: Switchable | 'MLSD'): boolean {
    return this.switches.isEnabled(name, this.feats);
  }

  /** Why MLST, SIZE or MDTM is off for the client's own use, in words for an error; null when it is on. */
  whyDisabled(name: Switchable | 'MLSD'): string | null {
    return this.isEnabled(name) ? null : this.switches.whyOff(name, this.feats);
  }

  /** Kermit's FTP ENABLE for this client: MLST (or MLSD), SIZE, MDTM. */
  enable(name: Switchable | 'MLSD'): void {
    this.switches.enable(name);
  }

  /** Kermit's FTP DISABLE for this client. */
  disable(name: Switchable | 'MLSD'): void {
    this.switches.disable(name);
  }

  /** The session learnt that the server does not know a command (an implicit MLSD refused). */
  markUnsupported(name: Switchable | 'MLSD'): void {
    this.switches.markRefused(name === 'MLSD' ? 'MLST' : name);
  }

  private async watchSwitch(name: Switchable, p: Promise<Reply>): Promise<Reply> {
    try {
      const r = await p;
      this.switches.markWorking(name);
      return r;
    } catch (e) {
      if (isFtpError(e) && e.kind === 'reply' && isUnknownCommand(e.code)) {
        this.switches.markRefused(name);
        this.log.info(`${name} is unknown to the server: not used again on this session`);
      }
      throw e;
    }
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

  /** True after CCC: commands travel unencrypted. */
  get commandChannelCleared(): boolean {
    return this.cleared;
  }
}

/** "150 Opening BINARY mode data connection for x (1234 bytes)." */
function parseSizeHint(message: string): number | null {
  const m = /\((\d+) bytes\)/i.exec(message);
  return m ? Number(m[1]) : null;
}

/** STOU's chosen name: "150 FILE: name" (RFC 1123) or "... unique file name: name" / "... as name". */
function parseUniqueName(reply: Reply): string | null {
  const m = /FILE:\s*(.+?)\s*$/im.exec(reply.message) ?? /unique (?:file )?name:?\s*"?([^"\s)]+)"?/i.exec(reply.message);
  return m ? m[1] : null;
}

function* chunks(data: Buffer): Generator<Buffer> {
  for (let i = 0; i < data.length; i += IO_CHUNK) yield data.subarray(i, i + IO_CHUNK);
}

async function statLocal(p: string): Promise<fs.Stats> {
  try {
    return await fs.promises.stat(p);
  } catch (e) {
    throw new FtpError(`cannot read local file ${p}: ${(e as Error).message}`, { kind: 'local', cause: e });
  }
}

async function localSize(p: string): Promise<number> {
  try {
    return (await fs.promises.stat(p)).size;
  } catch {
    return 0;
  }
}

function defaultBody(reversed: boolean): string {
  const host = sanitize(os.hostname() || 'client');
  const name = reversed ? [...host].reverse().join('') : host;
  scratchCounter += 1;
  return `${name}.${process.pid}.${scratchCounter}`;
}

function scratchBase(o: ScratchOptions, reversed: boolean): string {
  return `${o.prefix ?? '_tmp.'}${o.body ?? defaultBody(reversed)}${o.postfix ?? '.tmp'}`;
}

/** The scratch name sits in the target's directory unless the prefix names a directory of its own. */
export function scratchPath(remote: string, o: ScratchOptions, reversed: boolean): string {
  const base = scratchBase(o, reversed);
  assertSafeArgument(base, 'scratch name');
  return (o.prefix ?? '').includes('/') ? base : remoteDir(remote) + base;
}
