/**
 * "Test connection" in the ftps-server dialog: the admin endpoint
 * POST /ftps-server/test connects with the dialog's current settings (saved
 * or not), logs in, lists the current directory once and reports what a
 * user needs to see: greeting, TLS version, certificate, FEAT, or the error
 * with a hint. The password is used for the login only: never returned,
 * never logged (the client masks PASS in its own log, which stays here).
 */
import { CertificateError, FtpsClient, isFtpError } from '../lib';
import type { PeerCertificate, TlsConnectionInfo, TlsSettings } from '../lib';
import type { AdminRequest, AdminResponse, NodeAPI, TlsConfigNode } from './red';
import { t } from './i18n';
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
      ? t('ftps-server.testHint.pinMismatch')
      : t('ftps-server.testHint.untrusted');
  }
  if (step === 'connect' && isFtpError(err) && (err.kind === 'timeout' || err.kind === 'closed' || err.kind === 'tls' || err.kind === 'protocol')) {
    if (enc === 'implicit' && port !== 990) return t('ftps-server.testHint.implicitPort', { port });
    if (enc !== 'implicit' && port === 990) return t('ftps-server.testHint.port990');
    if (enc === 'implicit') return t('ftps-server.testHint.noHandshake');
  }
  if (isFtpError(err) && err.kind === 'connect') return t('ftps-server.testHint.noConnection');
  if (step === 'login' && isFtpError(err) && err.code === 530) return t('ftps-server.testHint.login');
  if (step === 'login' && isFtpError(err) && err.code >= 500 && /AUTH|TLS|SSL/i.test(msg)) return t('ftps-server.testHint.noTls');
  if (step === 'list' && isFtpError(err) && (err.kind === 'timeout' || err.kind === 'connect' || err.kind === 'data')) {
    return t('ftps-server.testHint.pasv');
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
 * gives, as for the server node itself.
 */
export async function testConnection(def: ServerDef, tls: TlsSettings | undefined, user: string, password: string): Promise<TestResult> {
  const notes: string[] = [];
  let client: FtpsClient;
  try {
    const settings = serverSettings({ ...def, debug: 1, timeout: Math.min(Number(def.timeout) || 120, TEST_TIMEOUT_S) }, tls, (line) => {
      // the client's own notes (a replaced PASV address); commands and replies stay here
      if (/^PASV named|EPSV/.test(line) && !/^[<>]/.test(line)) notes.push(line);
    });
    if (settings.problem) return { ok: false, step: 'settings', error: t('ftps-server.errors.badSettings', { problem: settings.problem }), hint: '' };
    if (!settings.client.host) return { ok: false, step: 'settings', error: t('ftps-server.errors.noHost'), hint: t('ftps-server.testHint.noHost') };
    client = new FtpsClient(settings.client);
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
        res.json({ ok: false, step: 'settings', error: t('ftps-server.testHint.tlsMissing'), hint: t('ftps-server.testHint.tlsNotDeployed') } satisfies TestResult);
        return;
      }
      tls = tlsFromConfigNode(tlsNode.addTLSOptions({}));
    }
    testConnection(def, tls, r.credentials?.user ?? '', password ?? '').then(
      (result) => res.json(result),
      (e: unknown) => res.json({ ok: false, step: 'connect', error: e instanceof Error ? e.message : String(e) } satisfies TestResult),
    );
  });
}
