/**
 * The ftps-server node's editor properties, and how they become
 * FtpsClientOptions. Free of Node-RED so it can be tested on its own.
 */
import { switchName } from '../lib';
import type { DataProtection, DebugLevel, Encryption, EpsvMode, FtpsClientOptions, LogSink, Switchable, TlsSettings } from '../lib';
import { choice, flag, num, optionProblem } from './options';
import type { NodeDef } from './red';
import { t } from './i18n';

/** The config node's properties as stored in the flow (editor values may arrive as strings). */
export interface ServerDef extends NodeDef {
  host?: string;
  port?: number | string;
  encryption?: string;
  dataProt?: string;
  tls?: string;
  rejectUnauthorized?: boolean | string;
  /** SHA-256 of the server certificate to pin ("" = verify as usual). */
  fingerprint?: string;
  pasvHost?: string;
  epsv?: string;
  pret?: boolean | string;
  overrideHelp?: string;
  /** `utf8` | `latin1`: file-name charset (contract, default utf8). */
  encoding?: string;
  /** `passive` | `active` (contract, default passive). */
  dataMode?: string;
  /** Address announced in EPRT/PORT ("" = the control connection's local address). */
  activeHost?: string;
  ccc?: boolean | string;
  timeout?: number | string;
  preserveTimestamp?: boolean | string;
  maxConnections?: number | string;
  idleTimeout?: number | string;
  debug?: number | string;
  /** MiB one in-memory download or listing may hold (default 256). */
  maxMemory?: number | string;
  /** Bytes/s a transfer must average over lowSpeedTime (default 1, 0 = off). */
  lowSpeedLimit?: number | string;
  /** Seconds (default 60). */
  lowSpeedTime?: number | string;
  /** Extension: highest TLS version offered ("" = TLS 1.3). */
  tlsMaxVersion?: string;
  /** Extension: local file names chosen by messages must stay inside this folder ("" = any path). */
  localRoot?: string;
  /** Extension: send FEAT after login (default true; off for servers that choke on it). */
  feat?: boolean | string;
  /** Extension: Kermit's FTP ENABLE, a comma list of MLST (or MLSD), SIZE, MDTM. */
  enableFeatures?: string;
  /** Extension: Kermit's FTP DISABLE, a comma list of MLST (or MLSD), SIZE, MDTM. */
  disableFeatures?: string;
  retries?: number | string;
  retryDelay?: number | string;
  keepAlive?: number | string;
  rateLimit?: number | string;
  /** Id of a core `http proxy` config node, or "". */
  proxy?: string;
  allowMsgOverride?: boolean | string;
  /** Extension: most msg.ftpsServer targets with sessions open at once (default 16; least recently used closed first). */
  maxTargets?: number | string;
}

export interface ServerSettings {
  client: FtpsClientOptions;
  maxConnections: number;
  idleTimeout: number;
  /** Retries after a transient failure (contract default 2). */
  retries: number;
  /** Milliseconds before the first retry (contract default 1 s), doubling up to 60 s. */
  retryDelayMs: number;
  /** Seconds between NOOPs on an idle session; 0 = never. */
  keepAlive: number;
  /** Bytes per second per transfer; 0 = no cap (the property is in KiB/s). */
  rateLimit: number;
  /** The `http proxy` config node's id, or "". */
  proxy: string;
  allowMsgOverride: boolean;
  maxTargets: number;
  /** Unknown values of enumerated options (encryption, dataProt, epsv, encoding, dataMode): the server must not be used. */
  problem?: string;
}

/**
 * "mlst, size" → ['MLST', 'SIZE']. An unknown name is an error that names
 * the field, so a hand-edited flow fails at the first use and says why
 * (the editor refuses such a value already).
 */
export function featureList(v: unknown, field: string): Switchable[] {
  const names = String(v ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
  const out: Switchable[] = [];
  for (const n of names) {
    let s: Switchable;
    try {
      s = switchName(n);
    } catch {
      throw new Error(t('ftps-server.errors.unknownFeature', { field, name: n }));
    }
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/**
 * Build the client options. `tls` is what the tls-config node filled in,
 * or undefined when the server node names none (then `rejectUnauthorized`
 * applies). Credentials are not part of this: they go to login() only.
 * An unknown enumerated value gives the default here and is named in
 * `problem`, which the server node turns into every message's error.
 */
export function serverSettings(flowDef: ServerDef, tls: TlsSettings | undefined, logger?: LogSink): ServerSettings {
  // a copy per call: choice() records unknown values on the object it reads, and this runs for every msg target
  const def: ServerDef = { ...flowDef };
  const encryption = choice<Encryption>(def, 'encryption', ['explicit', 'implicit', 'clear'], 'explicit');
  const port = num(def.port, 0, 0);
  const debug = Math.min(2, Math.max(0, Math.floor(num(def.debug, 0)))) as DebugLevel;
  const tlsSettings: TlsSettings = tls ? { ...tls } : { rejectUnauthorized: flag(def.rejectUnauthorized, true) };
  if (def.tlsMaxVersion === 'TLSv1.2') tlsSettings.maxVersion = 'TLSv1.2';
  const fingerprint = String(def.fingerprint ?? '').trim();
  if (fingerprint && encryption !== 'clear') tlsSettings.fingerprint = fingerprint;
  const client: FtpsClientOptions = {
    host: String(def.host ?? '').trim(),
    encryption,
    dataProtection: encryption === 'clear' ? 'clear' : choice<DataProtection>(def, 'dataProt', ['private', 'clear'], 'private'),
    tls: tlsSettings,
    epsv: choice<EpsvMode>(def, 'epsv', ['auto', 'always', 'never'], 'auto'),
    pret: flag(def.pret, false),
    overrideHelp: String(def.overrideHelp ?? '').trim() || 'auto',
    ccc: encryption === 'clear' ? false : flag(def.ccc, false),
    timeout: num(def.timeout, 120, 1),
    preserveTimestamp: flag(def.preserveTimestamp, false),
    debug,
    maxMemory: num(def.maxMemory, 256, 1),
    lowSpeedLimit: num(def.lowSpeedLimit, 1, 0),
    lowSpeedTime: num(def.lowSpeedTime, 60, 1),
  };
  if (!flag(def.feat, true)) client.feat = false;
  const enable = featureList(def.enableFeatures, 'enableFeatures');
  const disable = featureList(def.disableFeatures, 'disableFeatures');
  const both = enable.filter((n) => disable.includes(n));
  if (both.length) throw new Error(t('ftps-server.errors.enabledAndDisabled', { names: both.join(', ') }));
  if (enable.length) client.enable = enable;
  if (disable.length) client.disable = disable;
  if (port > 0) client.port = Math.floor(port);
  const pasvHost = String(def.pasvHost ?? '').trim();
  if (pasvHost) client.pasvHost = pasvHost;
  if (choice(def, 'encoding', ['utf8', 'latin1'] as const, 'utf8') === 'latin1') client.encoding = 'latin1';
  if (choice(def, 'dataMode', ['passive', 'active'] as const, 'passive') === 'active') client.dataMode = 'active';
  const activeHost = String(def.activeHost ?? '').trim();
  if (activeHost) client.activeHost = activeHost;
  if (debug > 0 && logger) client.logger = logger;
  const rateLimit = Math.round(num(def.rateLimit, 0, 0) * 1024);
  if (rateLimit > 0) client.rateLimit = rateLimit;
  const problem = optionProblem(def);
  return {
    ...(problem ? { problem } : {}),
    client,
    maxConnections: Math.max(1, Math.floor(num(def.maxConnections, 1, 1))),
    idleTimeout: num(def.idleTimeout, 60, 0),
    retries: Math.floor(num(def.retries, 2, 0)),
    retryDelayMs: Math.round(Math.min(60, num(def.retryDelay, 1, 0)) * 1000),
    keepAlive: num(def.keepAlive, 0, 0),
    rateLimit,
    proxy: String(def.proxy ?? '').trim(),
    allowMsgOverride: flag(def.allowMsgOverride, false),
    maxTargets: Math.max(1, Math.floor(num(def.maxTargets, 16, 1))),
  };
}

/** The tls-config node's options (as addTLSOptions fills them) narrowed to TlsSettings. */
export function tlsFromConfigNode(opts: Record<string, unknown>): TlsSettings {
  const s: TlsSettings = {};
  const bufOrString = (v: unknown): string | Buffer | undefined => (typeof v === 'string' || Buffer.isBuffer(v) ? v : undefined);
  const ca = opts.ca;
  if (Array.isArray(ca)) s.ca = ca.filter((x): x is string | Buffer => typeof x === 'string' || Buffer.isBuffer(x));
  else if (bufOrString(ca) !== undefined) s.ca = bufOrString(ca);
  const cert = bufOrString(opts.cert);
  if (cert !== undefined) s.cert = cert;
  const key = bufOrString(opts.key);
  if (key !== undefined) s.key = key;
  const pfx = bufOrString(opts.pfx);
  if (pfx !== undefined) s.pfx = pfx;
  if (typeof opts.passphrase === 'string' && opts.passphrase) s.passphrase = opts.passphrase;
  if (typeof opts.servername === 'string' && opts.servername) s.servername = opts.servername;
  s.rejectUnauthorized = opts.rejectUnauthorized !== false;
  return s;
}
