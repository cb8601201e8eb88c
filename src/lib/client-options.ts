/** The client's public option and result types, shared by its parts. */
import type { Readable, Writable } from 'node:stream';
import type { HelpOverride } from './features';
import type { Switchable } from './feature-switches';
import type { DebugLevel, LogSink } from './log';
import type { Reply } from './reply';
import type { TcpDialer } from './proxy-connect';
import type { TlsSettings } from './tls-settings';

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
  /** File-name charset on the control and listing connections (default utf8: OPTS UTF8 ON when FEAT lists UTF8). */
  encoding?: 'utf8' | 'latin1';
  /** passive (default) or active: EPRT (PORT on IPv4 when refused), the server connects to us. */
  dataMode?: 'passive' | 'active';
  /** The address announced in EPRT/PORT (default: the control connection's local address). */
  activeHost?: string;
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
  /** MiB one download into memory or one listing may hold (default 256): beyond it the operation fails. */
  maxMemory?: number;
  /** Bytes/s a transfer must average over lowSpeedTime (curl's --speed-limit; default 1, 0 = off). */
  lowSpeedLimit?: number;
  /** Seconds the low-speed average is taken over (default 60). */
  lowSpeedTime?: number;
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
  /**
   * xput: leave the scratch file on the server when the upload fails (the
   * caller continues it with `offset` on a retry, and deletes it when it gives up).
   */
  keepScratch?: boolean;
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
