import * as net from 'node:net';
import type * as tls from 'node:tls';
import { FtpError } from './errors';

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
}

/** The options every TLS connection of a session shares: control and data alike. */
export function baseTlsOptions(host: string, s: TlsSettings): tls.ConnectionOptions {
  const o: tls.ConnectionOptions = {
    // the name the certificate is checked against, also when TLS runs over an existing socket
    host,
    minVersion: 'TLSv1.2',
    maxVersion: s.maxVersion ?? 'TLSv1.3',
    rejectUnauthorized: s.rejectUnauthorized !== false,
  };
  if (s.ca !== undefined) o.ca = s.ca;
  if (s.cert !== undefined) o.cert = s.cert;
  if (s.key !== undefined) o.key = s.key;
  if (s.passphrase !== undefined) o.passphrase = s.passphrase;
  if (s.pfx !== undefined) o.pfx = s.pfx;
  const servername = s.servername || (net.isIP(host) ? undefined : host);
  if (servername) o.servername = servername;
  return o;
}

const CERT_PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain ends in an untrusted self-signed CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT: 'the server certificate is signed by an unknown CA',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  CERT_NOT_YET_VALID: 'the server certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not match the host name',
  CERT_REVOKED: 'the server certificate has been revoked',
  // alerts from the server about our side: it wants a (valid) client certificate
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the server requires a client certificate (set one in the tls-config node)',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'the server ended the handshake (often: it requires a client certificate, or no common TLS version or cipher)',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the server does not trust the CA of the client certificate',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server rejected the client certificate',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'the server denied access to this client certificate',
  ERR_OSSL_BAD_DECRYPT: 'the client key cannot be decrypted: wrong or missing passphrase',
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: 'the client key does not belong to the client certificate',
};

/** OpenSSL's text without its source-file position ("...:../deps/openssl/.../rec_layer_s3.c:1601:SSL alert number 40"). */
function cleanOpenSslText(text: string): string {
  return text.replace(/:\.\.\/deps\/[^\s]*?:\d+:/, ': ').replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/, '').trim();
}

/** A TLS failure as an FtpError whose message says which check failed. */
export function tlsError(err: Error, where: string, command = ''): FtpError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const problem = CERT_PROBLEMS[code];
  const serverCert = problem !== undefined && !code.startsWith('ERR_');
  const text = problem
    ? `TLS ${where} refused: ${problem} (${code}${serverCert ? '; trust its CA through a tls-config node, or turn verification off' : ''})`
    : `TLS ${where} failed: ${cleanOpenSslText(err.message)}${code && !err.message.includes(code) ? ` (${code})` : ''}`;
  return new FtpError(text, { kind: 'tls', code: 0, command, cause: err });
}
