/**
 * "Test connection" in the ftps-server dialog: the admin endpoint
 * POST /ftps-server/test connects with the dialog's current settings (saved
 * or not), logs in, lists the current directory once and reports what a
 * user needs to see: greeting, TLS version, certificate, FEAT, or the error
 * with a hint. The password is used for the login only: never returned,
 * never logged (the client masks PASS in its own log, which stays here).
 */
import { CertificateError, FtpsClient, isFtpError } from '../lib';
import type { PeerCertificate, TcpDialer, TlsConnectionInfo, TlsSettings } from '../lib';
import type { AdminRequest, AdminResponse, NodeAPI, TlsConfigNode } from './red';
import { proxyLink } from './proxy-link';
import { ServerDef, serverSettings, tlsFromConfigNode } from './server-config';

/** What the dialog sends: its fields, its credential inputs, and the node's id (for saved credentials). */
export interface TestRequest {
  id?: string;
  config?: Record<string, unknown>;
  credentials?: { user?: string; password?: string };
}

export interface TestResult {
  ok: boolean;
  /** Which step failed or was reached last: connect, login, list. */
  step: 'settings' | 'connect' | 'login' | 'list' | 'done';
  greeting?: string;
  tls?: TlsConnectionInfo | null;
  feat?: string[];
  /** Entries in the login directory, when the listing worked. */
  entries?: number;
  error?: string;
  hint?: string;
  /** Notes worth knowing even when everything worked (a private PASV address replaced, ...). */
  notes?: string[];
  /** The refused certificate, which the dialog offers to pin. */
  certificate?: PeerCertificate | null;
}

/** The password field's value when the editor did not change a stored password. */
export const UNCHANGED_PASSWORD = '__PWRD__';
/** The longest a test waits for any one step, whatever the configured timeout. */
const TEST_TIMEOUT_S = 15;

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Why it failed, in the user's terms, from the error and the settings that led to it. */
export function hintFor(err: unknown, def: ServerDef, step: TestResult['step']): string {
  const msg = err instanceof Error ? err.message : String(err);
  const enc = text(def.encryption) || 'explicit';
  const port = Number(def.port) || (enc === 'implicit' ? 990 : 21);
  if (err instanceof CertificateError) {
    return /not the pinned one/.test(msg)
      ? 'The server shows another certificate than the pinned fingerprint: if the server got a new certificate, pin the new one; otherwise someone may be in between.'
      : 'The server certificate is not trusted. Pin exactly this certificate (button below, for a device with a self-signed certificate), or choose a TLS config node with the CA that signed it.';
  }
  if (step === 'connect' && isFtpError(err) && (err.kind === 'timeout' || err.kind === 'closed' || err.kind === 'tls' || err.kind === 'protocol')) {
    if (enc === 'implicit' && port !== 990) return `Implicit FTPS starts TLS at once, usually on port 990; port ${port} probably expects explicit FTPS (AUTH TLS): choose explicit, or port 990.`;
    if (enc !== 'implicit' && port === 990) return 'Port 990 is the port of implicit FTPS (TLS from the first byte): choose implicit.';
    if (enc === 'implicit') return 'No TLS handshake on this port: the server may expect explicit FTPS (AUTH TLS, usually port 21).';
  }
  if (isFtpError(err) && err.kind === 'connect') return 'No connection: check host and port, and that a firewall lets the control connection through.';
  if (step === 'login' && isFtpError(err) && err.code === 530) return 'The server refused the user or password.';
  if (step === 'login' && isFtpError(err) && err.code >= 500 && /AUTH|TLS|SSL/i.test(msg)) return 'The server does not offer TLS: choose plain FTP only if the network is trusted.';
  if (step === 'list' && isFtpError(err) && (err.kind === 'timeout' || err.kind === 'connect' || err.kind === 'data')) {
    return 'Logged in, but the data connection failed: a server behind NAT often announces a private PASV address; set "PASV host" to its public address, or try EPSV "never"/"always".';
  }
  return '';
}

/** FEAT as "NAME args" lines, sorted. */
function featLines(client: FtpsClient): string[] | undefined {
  const f = client.features;
  if (!f) return undefined;
  return [...f.entries()].map(([k, v]) => (v ? `${k} ${v}` : k)).sort();
}

/**
 * Connect, log in, list once, quit. `tls` is what the tls-config node
 * gives, and `connect` the configured proxy's dialer, as for the server node itself.
 */
export async function testConnection(def: ServerDef, tls: TlsSettings | undefined, user: string, password: string, connect?: TcpDialer): Promise<TestResult> {
  const notes: string[] = [];
  let client: FtpsClient;
  try {
    const settings = serverSettings({ ...def, debug: 1, timeout: Math.min(Number(def.timeout) || 120, TEST_TIMEOUT_S) }, tls, (line) => {
      // the client's own notes (a replaced PASV address); commands and replies stay here
      if (/^PASV named|EPSV/.test(line) && !/^[<>]/.test(line)) notes.push(line);
    });
    if (!settings.client.host) return { ok: false, step: 'settings', error: 'no host', hint: 'Enter the server name or address.' };
    client = new FtpsClient(connect ? { ...settings.client, connect } : settings.client);
  } catch (e) {
    return { ok: false, step: 'settings', error: (e as Error).message, hint: '' };
  }
  let step: TestResult['step'] = 'connect';
  const out: TestResult = { ok: false, step };
  try {
    const welcome = await client.connect();
    out.greeting = `${welcome.code} ${welcome.message}`.slice(0, 2000);
    out.tls = client.controlTlsInfo;
    step = 'login';
    await client.login(user || 'anonymous', password);
    out.tls = client.controlTlsInfo ?? out.tls;
    out.feat = featLines(client);
    step = 'list';
    out.entries = (await client.list('')).length;
    step = 'done';
    out.ok = true;
  } catch (e) {
    out.error = e instanceof Error ? e.message : String(e);
    out.hint = hintFor(e, def, step);
    if (e instanceof CertificateError) out.certificate = e.certificate;
  } finally {
    await client.quit();
  }
  out.step = step;
  if (notes.length) out.notes = notes;
  return out;
}

/** The request as the dialog sends it: only strings, booleans and numbers of the config are taken. */
function parseRequest(body: unknown): TestRequest {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  if (b.config && typeof b.config === 'object') {
    for (const [k, v] of Object.entries(b.config as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') config[k] = v;
    }
  }
  const c = (b.credentials && typeof b.credentials === 'object' ? b.credentials : {}) as Record<string, unknown>;
  return { id: text(b.id), config, credentials: { user: text(c.user), password: typeof c.password === 'string' ? c.password : undefined } };
}

/** Register the endpoint; it needs the permission to change ftps-server nodes, as saving the dialog would. */
export function registerTestEndpoint(RED: NodeAPI): void {
  RED.httpAdmin.post('/ftps-server/test', RED.auth.needsPermission('ftps-server.write'), (req: AdminRequest, res: AdminResponse) => {
    const r = parseRequest(req.body);
    const def: ServerDef = { ...r.config, id: r.id || 'ftps-server-test', type: 'ftps-server' };
    // an unchanged password field (or none sent) means the node's saved one
    let password = r.credentials?.password;
    if ((password === undefined || password === UNCHANGED_PASSWORD) && r.id) password = RED.nodes.getCredentials(r.id)?.password;
    if (password === UNCHANGED_PASSWORD) password = '';
    let tls: TlsSettings | undefined;
    const tlsId = text(def.tls);
    if (tlsId && def.encryption !== 'clear') {
      const tlsNode = RED.nodes.getNode(tlsId) as TlsConfigNode | null | undefined;
      if (!tlsNode || typeof tlsNode.addTLSOptions !== 'function') {
        res.json({ ok: false, step: 'settings', error: 'the TLS config node is not deployed yet', hint: 'Deploy the TLS config node first, then test again.' } satisfies TestResult);
        return;
      }
      tls = tlsFromConfigNode(tlsNode.addTLSOptions({}));
    }
    // the proxy the flow would use: a test that went direct could pass where the flow fails, or the reverse
    let connect: TcpDialer | undefined;
    const proxyId = text(def.proxy).trim();
    if (proxyId) {
      try {
        connect = proxyLink(RED, proxyId) ?? undefined;
      } catch (e) {
        res.json({ ok: false, step: 'settings', error: `the proxy URL is not usable: ${(e as Error).message}`, hint: 'Check the URL of the http proxy config node.' } satisfies TestResult);
        return;
      }
      if (!connect) {
        res.json({ ok: false, step: 'settings', error: 'the http proxy config node is not deployed yet (or has no URL)', hint: 'Deploy the http proxy config node first, then test again.' } satisfies TestResult);
        return;
      }
    }
    testConnection(def, tls, r.credentials?.user ?? '', password ?? '', connect).then(
      (result) => res.json(result),
      (e: unknown) => res.json({ ok: false, step: 'connect', error: e instanceof Error ? e.message : String(e) } satisfies TestResult),
    );
  });
}
