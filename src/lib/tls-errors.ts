/** TLS failures in words: which check failed, and what to do about it. */
import { FtpError } from './errors';

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

/**
 * A wrong passphrase does not always fail OpenSSL's padding check (about
 * one try in 256 decrypts to garbage with valid padding), and the garbage
 * then fails as some other decoding error: with a passphrase set, any
 * OpenSSL decoding failure of the key is the passphrase's.
 */
export function keyError(err: NodeJS.ErrnoException, options: { passphrase?: string }): Error {
  const code = err.code ?? '';
  const decoding = code.startsWith('ERR_OSSL_') && code !== 'ERR_OSSL_X509_KEY_VALUES_MISMATCH';
  if (options.passphrase === undefined || !decoding || code === 'ERR_OSSL_BAD_DECRYPT') return err;
  return Object.assign(new Error(err.message, { cause: err }), { code: 'ERR_OSSL_BAD_DECRYPT' });
}

/** A TLS failure as an FtpError whose message says which check failed. */
export function tlsError(err: Error, where: string, command = ''): FtpError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const problem = CERT_PROBLEMS[code];
  const serverCert = problem !== undefined && !code.startsWith('ERR_');
  const text = problem
    ? `TLS ${where} refused: ${problem} (${code}${serverCert ? '; pin its fingerprint, or trust its CA through a tls-config node' : ''})`
    : `TLS ${where} failed: ${cleanOpenSslText(err.message)}${code && !err.message.includes(code) ? ` (${code})` : ''}`;
  return new FtpError(text, { kind: 'tls', code: 0, command, cause: err });
}
