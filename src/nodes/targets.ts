/**
 * Per-message targets (msg.ftpsServer, allowed by the config node's
 * allowMsgOverride): which host, port, user and encryption one message goes
 * to, whose credentials it uses, and the bounded set of session pools, one
 * per target, least recently used closed first.
 */
import { createHash } from 'node:crypto';
import type { DataProtection, Encryption, FtpsClientOptions } from '../lib';
import { t } from './i18n';

/** msg.ftpsServer as a flow sets it; every field optional. */
export interface MsgTarget {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  encryption?: Encryption;
  dataProt?: DataProtection;
}

/** Where one message goes and how it logs in. */
export interface Target {
  /** The pool key: host, port, user, encryption, data protection and a digest of the password (never the password). */
  key: string;
  client: FtpsClientOptions;
  user: string;
  password: string;
  /** The config node's own host and port with its own credentials. */
  own: boolean;
}

const ENCRYPTIONS: readonly Encryption[] = ['explicit', 'implicit', 'clear'];
const PROTS: readonly DataProtection[] = ['private', 'clear'];

function targetError(message: string): Error {
  return Object.assign(new Error(message), { kind: 'input' });
}

/**
 * Take msg.ftpsServer off the message: a checked copy for this message, and
 * the password removed from the msg (so it is in no output or Catch msg).
 * undefined when the msg has none.
 */
export function takeMsgTarget(msg: Record<string, unknown>): MsgTarget | undefined {
  const raw = msg.ftpsServer;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw targetError(t('ftps-server.errors.targetObject'));
  const r = raw as Record<string, unknown>;
  const password = r.password;
  if ('password' in r) delete r.password;
  const out: MsgTarget = {};
  const str = (name: string, v: unknown): string | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw targetError(t('ftps-server.errors.targetString', { name }));
    if (/[\r\n\0]/.test(v)) throw targetError(t('ftps-server.errors.targetLineBreak', { name }));
    return v;
  };
  const host = str('host', r.host)?.trim();
  if (host !== undefined) {
    if (!host || /\s/.test(host)) throw targetError(t('ftps-server.errors.targetHost'));
    out.host = host.replace(/^\[(.*)\]$/, '$1');
  }
  if (r.port !== undefined && r.port !== null && r.port !== '') {
    const port = Number(r.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw targetError(t('ftps-server.errors.targetPort'));
    out.port = port;
  }
  const user = str('user', r.user);
  if (user !== undefined) out.user = user;
  if (password !== undefined && password !== null) {
    if (typeof password !== 'string') throw targetError(t('ftps-server.errors.targetString', { name: 'password' }));
    if (/[\r\n\0]/.test(password)) throw targetError(t('ftps-server.errors.targetLineBreak', { name: 'password' }));
    out.password = password;
  }
  const enc = str('encryption', r.encryption);
  if (enc !== undefined) {
    if (!(ENCRYPTIONS as readonly string[]).includes(enc)) throw targetError(t('ftps-server.errors.targetOneOf', { name: 'encryption', allowed: ENCRYPTIONS.join(', ') }));
    out.encryption = enc as Encryption;
  }
  const prot = str('dataProt', r.dataProt);
  if (prot !== undefined) {
    if (!(PROTS as readonly string[]).includes(prot)) throw targetError(t('ftps-server.errors.targetOneOf', { name: 'dataProt', allowed: PROTS.join(', ') }));
    out.dataProt = prot as DataProtection;
  }
  return out;
}

function defaultPort(enc: Encryption | undefined): number {
  return enc === 'implicit' ? 990 : 21;
}

function sameHost(a: string, b: string): boolean {
  return a.replace(/^\[(.*)\]$/, '$1').toLowerCase() === b.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * The target of one message. The config node's credentials go only to its
 * own host and port; any other target logs in with the msg's user and
 * password (anonymous without a user; a user without a password sends an
 * empty one). TLS settings (CA, verification, client certificate) always
 * come from the config node; its servername is kept for its own host only.
 */
export function resolveTarget(base: FtpsClientOptions, creds: { user: string; password: string }, m: MsgTarget | undefined): Target {
  const encryption = m?.encryption ?? base.encryption ?? 'explicit';
  const basePort = base.port ?? defaultPort(base.encryption);
  const host = m?.host ?? base.host;
  // a msg that changes the encryption but names no port gets that encryption's default port
  const port = m?.port ?? (m?.encryption && m.encryption !== base.encryption && base.port === undefined ? defaultPort(encryption) : basePort);
  const ownPlace = sameHost(host, base.host) && port === basePort;
  let user: string;
  let password: string;
  if (m?.user !== undefined) {
    user = m.user;
    password = m.password ?? '';
  } else if (ownPlace) {
    user = creds.user;
    password = creds.password;
  } else {
    user = 'anonymous';
    password = m?.password ?? '';
  }
  const dataProtection: DataProtection = encryption === 'clear' ? 'clear' : (m?.dataProt ?? base.dataProtection ?? 'private');
  const client: FtpsClientOptions = { ...base, host, port, encryption, dataProtection, ccc: encryption === 'clear' ? false : base.ccc };
  if (!ownPlace) {
    // a certificate pin and a passive-address override describe the config node's own host:
    // another host is checked by the CA and gets its data connections where it says
    delete (client as { fingerprint?: unknown }).fingerprint;
    delete client.pasvHost;
  }
  if (!ownPlace && base.tls?.servername) {
    // the configured servername names the config node's host: another host is checked against its own name
    const { servername: _drop, ...rest } = base.tls;
    client.tls = rest;
  }
  const own = ownPlace && m?.user === undefined && encryption === (base.encryption ?? 'explicit') && dataProtection === (base.dataProtection ?? 'private');
  const digest = createHash('sha256').update(password).digest('hex').slice(0, 16);
  const key = JSON.stringify([host.toLowerCase(), port, user, encryption, dataProtection, digest]);
  return { key, client, user, password, own };
}

/** A password shown as **** wherever it appears in an error's message (a server may echo it). */
export function maskSecret(err: unknown, secret: string): unknown {
  if (!secret || secret.length < 3 || !(err instanceof Error) || !err.message.includes(secret)) return err;
  try {
    err.message = err.message.split(secret).join('****');
  } catch {
    /* a frozen error keeps its message */
  }
  return err;
}

/** What TargetPools needs of a pool. */
export interface ClosablePool {
  close(): Promise<void>;
}

interface TargetEntry<P> {
  pool: P;
  /** Jobs of this target queued or running. */
  pending: number;
}

/**
 * The session pools of msg targets, at most `max` at once. A job for a new
 * target when all are busy waits until one is idle; the least recently
 * used idle pool is closed (QUIT) before the new one opens, so the number
 * of sessions stays bounded by max × maxConnections.
 */
export class TargetPools<P extends ClosablePool> {
  /** Insertion order is use order: the first is the least recently used. */
  private readonly entries = new Map<string, TargetEntry<P>>();
  private readonly waiters: Array<() => void> = [];
  private readonly closing = new Set<Promise<void>>();
  private closed = false;

  constructor(
    readonly max: number,
    private readonly make: (key: string) => P,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Run `fn` on the pool of `key`, made by `make` (or the constructor's) when it has none. */
  async run<T>(key: string, fn: (pool: P) => Promise<T>, make?: () => P): Promise<T> {
    const e = await this.acquire(key, make);
    try {
      return await fn(e.pool);
    } finally {
      e.pending -= 1;
      this.wake();
    }
  }

  /** Close every pool; waiting jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    const all = [...this.entries.values()].map((e) => e.pool.close());
    this.entries.clear();
    await Promise.allSettled([...all, ...this.closing]);
  }

  private async acquire(key: string, make?: () => P): Promise<TargetEntry<P>> {
    for (;;) {
      if (this.closed) throw Object.assign(new Error(t('ftps-server.errors.connectionClosed')), { code: 421, kind: 'closed' });
      const found = this.entries.get(key);
      if (found) {
        this.entries.delete(key);
        this.entries.set(key, found);
        found.pending += 1;
        return found;
      }
      if (this.entries.size < this.max) {
        const e: TargetEntry<P> = { pool: make ? make() : this.make(key), pending: 1 };
        this.entries.set(key, e);
        return e;
      }
      const victim = [...this.entries].find(([, e]) => e.pending === 0);
      if (victim) {
        this.entries.delete(victim[0]);
        const p = victim[1].pool.close();
        this.closing.add(p);
        // its sessions are gone before another target's open: the bound holds
        await p.finally(() => this.closing.delete(p));
        continue;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
