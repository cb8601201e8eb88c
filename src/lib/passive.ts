import * as net from 'node:net';
import { FtpError } from './errors';
import type { Reply } from './reply';

export interface PassiveTarget {
  host: string;
  port: number;
}

/** 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2) — the parentheses are optional in practice. */
export function parsePasv(reply: Reply): PassiveTarget {
  const m = /(?<!\d)(\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3})(?!\d)/.exec(reply.message);
  if (!m) throw new FtpError(`cannot read the passive address in "${reply.message}"`, { kind: 'protocol', code: reply.code, serverMessage: reply.message, command: 'PASV' });
  const n = m.slice(1).map(Number);
  if (n.some((x) => x > 255) || n[4] * 256 + n[5] === 0) throw new FtpError(`invalid passive address in "${reply.message}"`, { kind: 'protocol', code: reply.code, serverMessage: reply.message, command: 'PASV' });
  return { host: n.slice(0, 4).join('.'), port: n[4] * 256 + n[5] };
}

/** 229 Entering Extended Passive Mode (|||port|) — the delimiter is whatever the server chose. */
export function parseEpsv(reply: Reply): number {
  const m = /\(([!-~])\1\1(\d{1,5})\1\)/.exec(reply.message);
  const port = m ? Number(m[2]) : NaN;
  if (!(port > 0 && port < 65536)) {
    throw new FtpError(`cannot read the port in "${reply.message}"`, { kind: 'protocol', code: reply.code, serverMessage: reply.message, command: 'EPSV' });
  }
  return port;
}

function isPrivateOrSpecial(ip: string): boolean {
  if (!net.isIPv4(ip)) return false;
  const [a, b] = ip.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

export interface PassiveHostChoice {
  host: string;
  /** Why the address in the reply was not used; '' when it was. */
  note: string;
}

/**
 * Which host to open a PASV data connection to. The reply's address is used
 * only when it is the control connection's own peer, when `pasvHost` says
 * otherwise, or when the caller allowed foreign data hosts: an address that
 * differs is either NAT breakage (a private or 0.0.0.0 address) or a bounce
 * attempt pointing the client at a third host, and in both cases the
 * control host is the right place to go.
 */
export function choosePassiveHost(
  announced: string,
  controlPeer: string,
  controlHost: string,
  pasvHost: string | undefined,
  allowForeignHost: boolean,
): PassiveHostChoice {
  if (pasvHost) return { host: pasvHost, note: announced === pasvHost ? '' : `PASV named ${announced}; using the configured pasvHost ${pasvHost}` };
  const peer = controlPeer.replace(/^::ffff:/, '');
  if (announced === peer) return { host: announced, note: '' };
  if (allowForeignHost && !announced.startsWith('0.')) return { host: announced, note: '' };
  const why = isPrivateOrSpecial(announced) ? 'a private, loopback or unroutable address' : 'a host other than the control connection';
  return { host: controlHost, note: `PASV named ${announced} (${why}); connecting to the control host ${controlHost} instead` };
}

/**
 * A data port below 1024 is a service port (25 SMTP, 22 SSH ...): a server
 * that names one could make this client send data to it (with PROT C, as
 * plain bytes). Refused unless pasvHost is set, whose owner chose where
 * data connections go.
 */
export function assertDataPort(port: number, pasvHost: string | undefined, command: 'PASV' | 'EPSV', reply: Reply): void {
  if (port >= 1024 || pasvHost) return;
  throw new FtpError(
    `${command}: the server named data port ${port}, below 1024 (a service port such as SMTP's): refused, as a hostile server could aim the data connection at another service; set pasvHost on the server node if this server really uses such a port`,
    { kind: 'protocol', code: reply.code, serverMessage: reply.message, command },
  );
}
