/**
 * ftps-server: the config node. Holds the connection settings and the
 * credentials, owns the session pool, and pushes the connection state to
 * the nodes using it.
 */
import { FtpsClient } from './lib';
import type { TlsSettings } from './lib';
import type { ClientJob, ServerNode, ServerUser } from './nodes/server-node';
import type { NodeAPI, NodeStatus, TlsConfigNode } from './nodes/red';
import { ServerDef, serverSettings, tlsFromConfigNode } from './nodes/server-config';
import { PoolStatus, SessionPool } from './nodes/session-pool';
import { registerTestEndpoint } from './nodes/test-connection';

interface ServerNodeImpl extends ServerNode {
  pool: SessionPool<FtpsClient> | null;
  users: Map<string, ServerUser>;
  state: NodeStatus;
}

export = function (RED: NodeAPI): void {
  const t = (key: string, english: string, subs?: Record<string, string | number>): string => {
    const full = `ftps-server.${key}`;
    const s = RED._(full, subs);
    if (s && s !== full && !s.endsWith(`:${full}`)) return s;
    return english.replace(/__(\w+)__/g, (_, k: string) => String(subs?.[k] ?? ''));
  };

  function statusOf(st: PoolStatus): NodeStatus {
    switch (st.state) {
      case 'connecting':
        return { fill: 'yellow', shape: 'ring', text: t('status.connecting', 'connecting') };
      case 'connected':
        return st.sessions > 1
          ? { fill: 'green', shape: 'dot', text: t('status.connectedN', 'connected (__n__)', { n: st.sessions }) }
          : { fill: 'green', shape: 'dot', text: t('status.connected', 'connected') };
      case 'failed': {
        const m = (st.error?.message ?? '').replace(/\s+/g, ' ');
        return { fill: 'red', shape: 'ring', text: t('status.failed', 'failed: __error__', { error: m.length > 40 ? `${m.slice(0, 39)}…` : m }) };
      }
      case 'closing':
      case 'closed':
        return { fill: 'grey', shape: 'ring', text: t('status.closed', 'closed') };
      default:
        return { fill: 'grey', shape: 'ring', text: t('status.idle', 'not connected') };
    }
  }

  function FtpsServer(this: ServerNodeImpl, def: ServerDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    node.users = new Map();
    // nothing shown until the first use (the connection is opened lazily)
    node.state = {};
    node.pool = null;
    node.localRoot = String(def.localRoot ?? '').trim() || undefined;

    const logger = (line: string): void => {
      // the client masks PASS before a line is built; debug 1 → info log, debug 2 → also details
      node.log(line);
    };

    /** The TLS settings from the tls-config node, or undefined when none is chosen. */
    const tlsSettings = (): TlsSettings | undefined => {
      if (!def.tls) return undefined;
      const tlsNode = RED.nodes.getNode(def.tls) as TlsConfigNode | null | undefined;
      if (!tlsNode || typeof tlsNode.addTLSOptions !== 'function') {
        throw new Error(t('errors.noTls', 'the TLS configuration node (tls-config) of this server was not found'));
      }
      if (tlsNode.valid === false) {
        throw new Error(t('errors.badTls', 'the TLS configuration node (tls-config) is invalid: check its certificate, key and CA files'));
      }
      return tlsFromConfigNode(tlsNode.addTLSOptions({}));
    };

    const makePool = (): SessionPool<FtpsClient> => {
      const settings = serverSettings(def, tlsSettings(), logger);
      if (!settings.client.host) throw new Error(t('errors.noHost', 'the ftps-server node has no host'));
      const user = (node.credentials?.user ?? '').trim() || 'anonymous';
      const password = node.credentials?.password ?? '';
      return new SessionPool<FtpsClient>({
        create: () => new FtpsClient(settings.client),
        open: async (client) => {
          await client.connect();
          await client.login(user, password);
        },
        maxConnections: settings.maxConnections,
        idleTimeout: settings.idleTimeout,
        onStatus: (st) => {
          node.state = statusOf(st);
          for (const u of node.users.values()) u.serverStatus(node.state);
        },
        log: settings.client.debug ? (line) => node.debug(line) : undefined,
      });
    };

    node.register = (u: ServerUser): void => {
      node.users.set(u.id, u);
      u.serverStatus(node.state);
    };

    node.deregister = (u: ServerUser): void => {
      node.users.delete(u.id);
    };

    let closed = false;
    node.run = <T>(job: ClientJob<T>, opts: { signal?: AbortSignal } = {}): Promise<T> => {
      if (closed) return Promise.reject(new Error(t('errors.closed', 'the ftps-server node was stopped (flow stopped or redeployed)')));
      if (!node.pool) {
        try {
          node.pool = makePool();
        } catch (e) {
          return Promise.reject(e);
        }
      }
      return node.pool.run(job, opts);
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      const pool = node.pool;
      node.pool = null;
      if (!pool) {
        done();
        return;
      }
      pool.close().then(done, done);
    });
  }

  RED.nodes.registerType('ftps-server', FtpsServer, {
    credentials: {
      user: { type: 'text' },
      password: { type: 'password' },
    },
  });
  // "Test connection" in the dialog
  registerTestEndpoint(RED);
};
