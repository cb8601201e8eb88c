/**
 * Active mode (dataMode 'active'): the client listens on an ephemeral port,
 * announces it with EPRT (PORT on IPv4 when EPRT is refused), and accepts
 * one connection, from the server's address only: any other caller is
 * turned away (a port announced in clear text is there for anyone to try).
 */
import * as net from 'node:net';
import { FtpError } from './errors';
import { fmtSeconds, ioTimeout } from './io-timer';
import type { Reply } from './reply';
import { replyError, Session } from './session';

export interface ActiveListener {
  /** The server's connection, once the transfer command was sent; fails with the command's refusal when that comes first. */
  accepted(first: Promise<Reply>, command: string): Promise<net.Socket>;
  close(): void;
}

const bare = (a: string): string => a.toLowerCase().replace(/^::ffff:/, '');

/** Listen, announce (EPRT, else PORT on IPv4), and hand back the one accepted connection. */
export async function listenActive(s: Session, local: string): Promise<ActiveListener> {
  const c = s.requireControl();
  const announce = s.options.activeHost || local;
  const server = net.createServer();
  const peer = bare(s.peer);
  let accept: ((sock: net.Socket) => void) | null = null;
  let got: net.Socket | null = null;
  server.on('connection', (sock) => {
    if (got || bare(sock.remoteAddress ?? '') !== peer) {
      s.log.info(`active mode: refused a data connection from ${sock.remoteAddress ?? '?'} (expected ${s.peer})`);
      sock.destroy();
      return;
    }
    got = sock;
    sock.setNoDelay(true);
    server.close();
    accept?.(sock);
  });
  server.on('error', () => server.close());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // on the control connection's own address: the server reaches us the way we reached it
    server.listen(0, local, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const v6 = net.isIPv6(announce) && !announce.toLowerCase().startsWith('::ffff:');
  const close = (): void => {
    server.close();
  };
  try {
    const r = await c.request(`EPRT |${v6 ? 2 : 1}|${bare(announce)}|${port}|`);
    if (r.code < 200 || r.code >= 300) {
      if (v6) throw replyError(r, 'EPRT');
      const ip = bare(announce);
      if (!net.isIPv4(ip)) throw new FtpError(`active mode: PORT needs an IPv4 address, not ${ip} (set activeHost)`, { kind: 'input', command: 'PORT' });
      s.log.info(`EPRT refused (${r.code}); using PORT`);
      await s.expect(`PORT ${ip.split('.').join(',')},${port >> 8},${port & 255}`, 2);
    }
  } catch (e) {
    close();
    throw e;
  }
  s.log.detail(`active mode: waiting on ${local}:${port} for the server's data connection`);
  return {
    close,
    accepted(first, command) {
      return new Promise<net.Socket>((resolve, reject) => {
        let done = false;
        const finish = (err: Error | null, sock?: net.Socket): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          server.close();
          if (err) reject(err);
          else resolve(sock as net.Socket);
        };
        const timer = ioTimeout(Math.max(s.dataConnectMs, s.timeoutMs), () => finish(new FtpError(`active mode: the server did not connect to ${announce}:${port} within ${fmtSeconds(Math.max(s.dataConnectMs, s.timeoutMs))} (${command})`, { kind: 'timeout', code: 425, command })));
        if (got) finish(null, got);
        accept = (sock) => finish(null, sock);
        first.then(
          (r) => {
            if (r.code >= 300 || r.code < 100) finish(replyError(r, command));
          },
          (e: Error) => finish(e),
        );
      });
    },
  };
}
