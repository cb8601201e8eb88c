/**
 * TCP connections through a proxy, for the control and every passive data
 * connection: HTTP CONNECT (written here: a request line and a header
 * block), SOCKS 4/4a/5 through the `socks` package (the protocol has enough
 * variants and address types that a well-tested library is the safer
 * choice). The result is a connected net.Socket to the target, so TLS and
 * FTP run over it unchanged.
 */
import * as net from 'node:net';
import { SocksClient } from 'socks';
import { FtpError } from './errors';
import { fmtSeconds } from './io-timer';
import { connectTcp } from './sockets';

/** Opens a TCP connection to host:port; errors name `what` (e.g. "data connection"). */
export type TcpDialer = ((host: string, port: number, timeoutMs: number, what: string) => Promise<net.Socket>) & {
  /** Set on a proxy's dialer: whether connections to `host` go through the proxy (not on its no-proxy list). */
  readonly proxied?: (host: string) => boolean;
};

export interface ProxySettings {
  /** http://host:port, socks5://host:port, socks4://host:port (socks4a and socks5h are accepted too). */
  url: string;
  username?: string;
  password?: string;
  /** Hosts reached directly: a name or address, ".example.com" / "*.example.com" for a domain, "*" for all. */
  noProxy?: string[];
}

/** The most header bytes a proxy's CONNECT answer may have. */
const MAX_CONNECT_REPLY = 16 * 1024;

interface ParsedProxy {
  kind: 'http' | 'socks4' | 'socks5';
  host: string;
  port: number;
}

/** The proxy URL checked and split; a bad one is an error that says what is accepted (and never shows credentials). */
export function parseProxyUrl(url: string): ParsedProxy {
  let u: URL;
  try {
    u = new URL(url.includes('://') ? url : `http://${url}`);
  } catch {
    throw new FtpError('the proxy URL is not valid: use http://host:port, socks5://host:port or socks4://host:port', { kind: 'input' });
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  const kind = scheme === 'http' ? 'http' : scheme === 'socks5' || scheme === 'socks5h' || scheme === 'socks' ? 'socks5' : scheme === 'socks4' || scheme === 'socks4a' ? 'socks4' : null;
  if (!kind) throw new FtpError(`proxy scheme "${scheme}" is not supported: use http://, socks5:// or socks4://`, { kind: 'input' });
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new FtpError('the proxy URL has no host', { kind: 'input' });
  const port = u.port ? Number(u.port) : kind === 'http' ? 8080 : 1080;
  return { kind, host, port };
}

/** Whether `host` is on the no-proxy list. */
export function bypassesProxy(host: string, noProxy: readonly string[] | undefined): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  for (const raw of noProxy ?? []) {
    const e = String(raw).trim().toLowerCase();
    if (!e) continue;
    if (e === '*') return true;
    const domain = e.replace(/^\*?\./, '');
    if (h === domain || (e !== domain && h.endsWith(`.${domain}`)) || h.endsWith(`.${e}`)) return true;
  }
  return false;
}

/** "host:port" as an HTTP authority (IPv6 in brackets). */
function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function proxyError(what: string, target: string, why: string, cause?: unknown): FtpError {
  return new FtpError(`cannot connect the ${what} to ${target} through the proxy: ${why}`, { kind: 'connect', code: 0, cause });
}

/** HTTP CONNECT: the proxy answers 2xx and from then on the socket is a tunnel. */
function httpConnect(p: ParsedProxy, s: ProxySettings, host: string, port: number, timeoutMs: number, what: string): Promise<net.Socket> {
  const target = authority(host, port);
  if (/[\r\n\s]/.test(target)) return Promise.reject(new FtpError('a host name with spaces or line breaks cannot go to a proxy', { kind: 'input' }));
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: p.host, port: p.port });
    let settled = false;
    let head = Buffer.alloc(0);
    const fail = (e: FtpError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new FtpError(`timed out after ${fmtSeconds(timeoutMs)} connecting the ${what} to ${target} through the proxy ${authority(p.host, p.port)}`, { kind: 'timeout', code: 421 })), timeoutMs);
    const onError = (e: Error): void => fail(proxyError(what, target, `${authority(p.host, p.port)}: ${e.message}`, e));
    const onClose = (): void => fail(proxyError(what, target, 'the proxy closed the connection'));
    sock.once('error', onError);
    sock.once('close', onClose);
    sock.once('connect', () => {
      const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
      if (s.username) {
        const user = `${s.username}:${s.password ?? ''}`;
        if (/[\r\n]/.test(user)) {
          fail(new FtpError('the proxy credentials contain a line break', { kind: 'input' }));
          return;
        }
        lines.push(`Proxy-Authorization: Basic ${Buffer.from(user, 'utf8').toString('base64')}`);
      }
      sock.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_CONNECT_REPLY) fail(proxyError(what, target, `the proxy's answer is longer than ${MAX_CONNECT_REPLY} bytes`));
        return;
      }
      sock.off('data', onData);
      const statusLine = head.subarray(0, Math.min(end, head.indexOf('\r\n'))).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]{0,200}))?/.exec(statusLine);
      if (!m) {
        fail(proxyError(what, target, 'the proxy did not answer in HTTP'));
        return;
      }
      const status = Number(m[1]);
      if (status < 200 || status > 299) {
        const hint = status === 407 ? ' (check the proxy node\'s user name and password)' : status === 403 ? ' (the proxy does not allow CONNECT to this port)' : '';
        fail(proxyError(what, target, `the proxy answered ${status} ${m[2] ?? ''}`.trimEnd() + hint));
        return;
      }
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.off('error', onError);
      sock.off('close', onClose);
      // bytes after the header already belong to the FTP server (its greeting): held until
      // the first 'data' listener, which would otherwise miss them
      const rest = head.subarray(end + 4);
      if (rest.length > 0) {
        sock.pause();
        sock.unshift(rest);
        const onListener = (event: string | symbol): void => {
          if (event !== 'data') return;
          sock.off('newListener', onListener);
          process.nextTick(() => sock.resume());
        };
        sock.on('newListener', onListener);
      }
      sock.setNoDelay(true);
      resolve(sock);
    };
    sock.on('data', onData);
  });
}

async function socksConnect(p: ParsedProxy, s: ProxySettings, host: string, port: number, timeoutMs: number, what: string): Promise<net.Socket> {
  const target = authority(host, port);
  try {
    const { socket } = await SocksClient.createConnection({
      proxy: {
        host: p.host,
        port: p.port,
        type: p.kind === 'socks5' ? 5 : 4,
        userId: s.username || undefined,
        password: p.kind === 'socks5' && s.username ? (s.password ?? '') : undefined,
      },
      command: 'connect',
      destination: { host, port },
      timeout: timeoutMs,
    });
    socket.setNoDelay(true);
    return socket;
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/timed? ?out/i.test(msg)) {
      throw new FtpError(`timed out after ${fmtSeconds(timeoutMs)} connecting the ${what} to ${target} through the proxy ${authority(p.host, p.port)}`, { kind: 'timeout', code: 421, cause: e });
    }
    throw proxyError(what, target, `${authority(p.host, p.port)}: ${msg}`, e);
  }
}

/**
 * A dialer that goes through the proxy, or `direct` for hosts on the
 * no-proxy list. The URL is checked now, so a bad one fails at the first use.
 */
export function proxyDialer(settings: ProxySettings, direct: TcpDialer = connectTcp): TcpDialer {
  const p = parseProxyUrl(settings.url);
  const dial = (host: string, port: number, timeoutMs: number, what: string): Promise<net.Socket> => {
    if (bypassesProxy(host, settings.noProxy)) return direct(host, port, timeoutMs, what);
    return p.kind === 'http' ? httpConnect(p, settings, host, port, timeoutMs, what) : socksConnect(p, settings, host, port, timeoutMs, what);
  };
  return Object.assign(dial, { proxied: (host: string) => !bypassesProxy(host, settings.noProxy) });
}

/**
 * Active mode needs the server to connect back to this machine, which neither
 * HTTP CONNECT nor SOCKS CONNECT relays (SOCKS BIND would, but few proxies
 * allow it): refuse the combination before any connection is made, rather than
 * announce an address the server cannot reach and wait for the timeout.
 */
export function assertDataModeFitsDialer(dialer: TcpDialer | undefined, host: string, dataMode: string | undefined): void {
  if (dataMode !== 'active' || !dialer?.proxied?.(host)) return;
  throw new FtpError('active mode (dataMode "active") does not work through a proxy: the server cannot connect back through it; use passive mode, or put the host on the proxy\'s no-proxy list', { kind: 'input' });
}
