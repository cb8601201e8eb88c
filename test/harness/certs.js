'use strict';
// Per-process test certificates, made with the openssl CLI into a temp dir
// that is removed when the process exits.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');

let cached = null;

// Passphrase of clientKeyEncrypted (printable ASCII with punctuation, as users choose them).
const CLIENT_KEY_PASSPHRASE = 'cl1ent key: p4ss-phrase!';

function run(args, cwd, env) {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 30000, env: env ? { ...process.env, ...env } : process.env }, (err, stdout, stderr) => {
      if (err) {
        err.message = `openssl ${args.join(' ')} failed: ${err.message}\n${stderr}`;
        reject(err);
      } else resolve(stdout);
    });
  });
}

const KEY = ['-newkey', 'rsa:2048', '-nodes'];

// Extension sections written to ext.cnf.
const EXT = `
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,IP:::1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[wronghost]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

// Minimal `openssl ca` set-up, only used for the expired certificate
// (openssl x509 in OpenSSL 3.0 cannot set a notBefore in the past).
const CA_CNF = (dir) => `
[ca]
default_ca = testca
[testca]
dir = ${dir}
database = ${dir}/ca-index.txt
new_certs_dir = ${dir}/ca-newcerts
serial = ${dir}/ca-serial
certificate = ${dir}/ca.pem
private_key = ${dir}/ca.key
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[anything]
commonName = supplied
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
`;

async function caSigned(dir, name, cn, extSection, serial) {
  await run(['req', '-new', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  await run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial),
    '-days', '3650', '-sha256', '-extfile', 'ext.cnf', '-extensions', extSection, '-out', `${name}.pem`], dir);
}

async function expired(dir) {
  fs.writeFileSync(path.join(dir, 'ca.cnf'), CA_CNF(dir));
  fs.writeFileSync(path.join(dir, 'ca-index.txt'), '');
  fs.writeFileSync(path.join(dir, 'ca-serial'), '1000\n');
  fs.mkdirSync(path.join(dir, 'ca-newcerts'));
  await run(['req', '-new', ...KEY, '-keyout', 'expired.key', '-out', 'expired.csr', '-subj', '/CN=localhost'], dir);
  await run(['ca', '-batch', '-config', 'ca.cnf', '-extensions', 'server', '-notext', '-in', 'expired.csr',
    '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-out', 'expired.pem'], dir);
}

async function generate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-certs-'));
  fs.chmodSync(dir, 0o711);
  fs.writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  process.on('exit', () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch (e) { /* ignore */ } });
  fs.writeFileSync(path.join(dir, 'ext.cnf'), EXT);

  await Promise.all([
    run(['req', '-x509', ...KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-sha256',
      '-subj', '/CN=node-red-contrib-ftps test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-addext', 'subjectKeyIdentifier=hash'], dir),
    run(['req', '-x509', ...KEY, '-keyout', 'self.key', '-out', 'self.pem', '-days', '3650', '-sha256',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext', 'basicConstraints=critical,CA:FALSE'], dir),
  ]);
  await Promise.all([
    caSigned(dir, 'server', 'localhost', 'server', 2),
    caSigned(dir, 'wronghost', 'wrong.example', 'wronghost', 3),
    caSigned(dir, 'client', 'ftps test client', 'client', 4),
    expired(dir),
  ]);
  // The client key again, encrypted with a passphrase (PKCS#8, AES-256-CBC), as
  // `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes it: BEGIN ENCRYPTED PRIVATE KEY.
  await run(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'client.key', '-out', 'client-encrypted.key',
    '-passout', 'env:FTPS_CLIENT_KEY_PASSPHRASE'], dir, { FTPS_CLIENT_KEY_PASSPHRASE: CLIENT_KEY_PASSPHRASE });
  const rd = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.key')) fs.chmodSync(path.join(dir, f), 0o600);
  const files = {
    caCert: path.join(dir, 'ca.pem'), caKey: path.join(dir, 'ca.key'),
    serverCert: path.join(dir, 'server.pem'), serverKey: path.join(dir, 'server.key'),
    selfSignedCert: path.join(dir, 'self.pem'), selfSignedKey: path.join(dir, 'self.key'),
    expiredCert: path.join(dir, 'expired.pem'), expiredKey: path.join(dir, 'expired.key'),
    wrongHostCert: path.join(dir, 'wronghost.pem'), wrongHostKey: path.join(dir, 'wronghost.key'),
    clientCert: path.join(dir, 'client.pem'), clientKey: path.join(dir, 'client.key'),
    clientKeyEncrypted: path.join(dir, 'client-encrypted.key'),
  };
  const out = { dir, files };
  for (const [k, f] of Object.entries(files)) out[k] = rd(path.basename(f));
  out.clientKeyPassphrase = CLIENT_KEY_PASSPHRASE;
  return out;
}

/**
 * The run's certificates (generated once per process, then cached):
 * { dir, files: {<name>: path}, caCert, caKey, serverCert, serverKey, selfSignedCert, selfSignedKey,
 *   expiredCert, expiredKey, wrongHostCert, wrongHostKey, clientCert, clientKey,
 *   clientKeyEncrypted (clientKey encrypted with a passphrase) } (PEM strings), and
 *   clientKeyPassphrase (the passphrase of clientKeyEncrypted).
 */
function certs() {
  if (!cached) {
    cached = generate();
    cached.catch(() => { cached = null; });
  }
  return cached;
}

/** Paths of the cert/key pair a server presents for opts.cert ('ca' | 'self' | 'expired' | 'wronghost'). */
function serverPair(c, which) {
  switch (which || 'ca') {
    case 'ca': return { cert: c.files.serverCert, key: c.files.serverKey };
    case 'self': return { cert: c.files.selfSignedCert, key: c.files.selfSignedKey };
    case 'expired': return { cert: c.files.expiredCert, key: c.files.expiredKey };
    case 'wronghost': return { cert: c.files.wrongHostCert, key: c.files.wrongHostKey };
    default: throw new Error(`unknown cert '${which}' (use ca, self, expired or wronghost)`);
  }
}

module.exports = { certs, serverPair };
