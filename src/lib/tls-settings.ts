import * as net from 'node:net';
import type * as tls from 'node:tls';
import { normalizeFingerprint, withPeerPolicy } from './peer-check';

/** Certificate settings as the core Node-RED tls-config node fills them in. */
export interface TlsSettings {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  pfx?: string | Buffer;
  /** SNI and certificate name to check; defaults to the host unless it is an IP address. */
  servername?: string;
  /** Verify the server's certificate (default true). */
  rejectUnauthorized?: boolean;
  /** Highest TLS version to offer; TLSv1.2 is an escape hatch for servers that mishandle TLS 1.3 tickets. */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** SHA-256 of the server certificate (hex, colons optional): accepted iff it matches, whoever signed it. */
  fingerprint?: string;
}

/** The options every TLS connection of a session shares: control and data alike. */
export function baseTlsOptions(host: string, s: TlsSettings): tls.ConnectionOptions {
  const o: tls.ConnectionOptions = {
    // the name the certificate is checked against, also when TLS runs over an existing socket
    host,
    minVersion: 'TLSv1.2',
    maxVersion: s.maxVersion ?? 'TLSv1.3',
  };
  if (s.ca !== undefined) o.ca = s.ca;
  if (s.cert !== undefined) o.cert = s.cert;
  if (s.key !== undefined) o.key = s.key;
  if (s.passphrase !== undefined) o.passphrase = s.passphrase;
  if (s.pfx !== undefined) o.pfx = s.pfx;
  const servername = s.servername || (net.isIP(host) ? undefined : host);
  if (servername) o.servername = servername;
  const pin = s.fingerprint?.trim() ? normalizeFingerprint(s.fingerprint) : undefined;
  return withPeerPolicy(o, { verify: s.rejectUnauthorized !== false, pin });
}

// where a TLS failure's message is written (kept importable from here)
export { tlsError } from './tls-errors';
