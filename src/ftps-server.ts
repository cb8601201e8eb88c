/**
 * ftps-server: the config node. Holds the connection settings and the
 * credentials, owns the session pool, and pushes the connection state to
 * the nodes using it.
 */
import { FtpsClient, proxyDialer } from './lib';
import type { FtpsClientOptions, TlsSettings } from './lib';
import type { ClientJob, JobOptions, ServerNode, ServerUser } from './nodes/server-node';
import type { HttpProxyNode, NodeAPI, NodeStatus, TlsConfigNode } from './nodes/red';
import { flag } from './nodes/options';
import { ServerDef, ServerSettings, serverSettings, tlsFromConfigNode } from './nodes/server-config';
import { PoolStatus, RunOptions, SessionPool, SessionPoolOptions } from './nodes/session-pool';
import { maskSecret, resolveTarget, TargetPools } from './nodes/targets';
import type { MsgTarget } from './nodes/targets';
import { registerTestEndpoint } from './nodes/test-connection';
import { statusHint } from './nodes/status-view';
import { t, useCatalogs } from './nodes/i18n';

interface ServerNodeImpl extends ServerNode {
  pool: SessionPool<FtpsClient> | null;
  /** The pools of msg.ftpsServer targets (allowMsgOverride). */
  targets: TargetPools<SessionPool<FtpsClient>> | null;
  users: Map<string, ServerUser>;
  state: NodeStatus;
}

export = function (RED: NodeAPI): void {
  useCatalogs(RED);

  function statusOf(st: PoolStatus): NodeStatus {
    switch (st.state) {
      case 'connecting':
        return { fill: 'yellow', shape: 'ring', text: t('ftps-server.status.connecting') };
      case 'connected':
        return st.sessions > 1
          ? { fill: 'green', shape: 'dot', text: t('ftps-server.status.connectedN', { n: st.sessions }) }
          : { fill: 'green', shape: 'dot', text: t('ftps-server.status.connected') };
      case 'failed': {
        // the hint, not a cut reply text: the full error reaches the message's Catch node
        return { fill: 'red', shape: 'ring', text: t('ftps-server.status.failed', { error: statusHint((st.error ?? {}) as { code?: number; kind?: string }) }) };
      }
      case 'closing':
      case 'closed':
        return { fill: 'grey', shape: 'ring', text: t('ftps-server.status.closed') };
      default:
        return { fill: 'grey', shape: 'ring', text: t('ftps-server.status.idle') };
    }
  }

  function FtpsServer(this: ServerNodeImpl, def: ServerDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    node.users = new Map();
    // nothing shown until the first use (the connection is opened lazily)
    node.state = {};
    node.pool = null;
    node.targets = null;
    const allowOverride = flag(def.allowMsgOverride, false);
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
        throw new Error(t('ftps-server.errors.noTls'));
      }
      if (tlsNode.valid === false) {
        throw new Error(t('ftps-server.errors.badTls'));
      }
      return tlsFromConfigNode(tlsNode.addTLSOptions({}));
    };

    /** The dialer through the core `http proxy` node `id` (its URL, no-proxy list and credentials). */
    const proxyConnect = (id: string): ReturnType<typeof proxyDialer> => {
      const p = RED.nodes.getNode(id) as HttpProxyNode | null | undefined;
      if (!p || typeof p.url !== 'string' || !p.url.trim()) {
        throw new Error(t('ftps-server.errors.noProxy'));
      }
      return proxyDialer({
        url: p.url.trim(),
        username: p.credentials?.username || undefined,
        password: p.credentials?.password || undefined,
        noProxy: Array.isArray(p.noproxy) ? p.noproxy : undefined,
      });
    };

    const settingsNow = (): ServerSettings => {
      const settings = serverSettings(def, tlsSettings(), logger);
      // never a fallback to the default for a value the node does not know: every message fails, nothing is sent
      if (settings.problem) throw Object.assign(new Error(t('ftps-server.errors.badSettings', { problem: settings.problem })), { kind: 'input' });
      if (!settings.client.host) throw new Error(t('ftps-server.errors.noHost'));
      if (settings.proxy) settings.client.connect = proxyConnect(settings.proxy);
      return settings;
    };
    const ownCredentials = (): { user: string; password: string } => ({
      user: (node.credentials?.user ?? '').trim() || 'anonymous',
      password: node.credentials?.password ?? '',
    });

    /** A pool of sessions to `client` with the config node's limits and retry policy. */
    const newPool = (
      settings: ServerSettings,
      client: FtpsClientOptions,
      user: string,
      password: string,
      extra: Pick<SessionPoolOptions<FtpsClient>, 'onStatus' | 'log'>,
    ): SessionPool<FtpsClient> =>
      new SessionPool<FtpsClient>({
        create: () => new FtpsClient(client),
        open: async (c) => {
          await c.connect();
          await c.login(user, password);
        },
        maxConnections: settings.maxConnections,
        idleTimeout: settings.idleTimeout,
        retries: settings.retries,
        retryDelayMs: settings.retryDelayMs,
        keepAlive: settings.keepAlive,
        ...extra,
      });

    /** A pool for one msg.ftpsServer target: no status of its own. */
    const makeTargetPool = (client: FtpsClientOptions, user: string, password: string): SessionPool<FtpsClient> => {
      const settings = settingsNow();
      return newPool(settings, client, user, password, {
        log: settings.client.debug ? (line) => node.debug(`${client.host}:${client.port ?? ''}: ${line}`) : undefined,
      });
    };

    const makePool = (): SessionPool<FtpsClient> => {
      const settings = settingsNow();
      const { user, password } = ownCredentials();
      return newPool(settings, settings.client, user, password, {
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
    /** One message for a msg.ftpsServer target: its own pool, unless it is the config node's own target. */
    const runOnTarget = <T>(job: ClientJob<T>, opts: RunOptions, m: MsgTarget): Promise<T> | null => {
      const settings = settingsNow();
      const target = resolveTarget(settings.client, ownCredentials(), m);
      if (target.own) return null;
      node.targets ??= new TargetPools<SessionPool<FtpsClient>>(settings.maxTargets, () => makeTargetPool(target.client, target.user, target.password));
      const pools = node.targets;
      return pools
        .run(target.key, (pool) => pool.run(job, opts), () => makeTargetPool(target.client, target.user, target.password))
        .catch((e: unknown) => {
          throw maskSecret(e, target.password);
        });
    };

    node.run = <T>(job: ClientJob<T>, opts: JobOptions = {}): Promise<T> => {
      if (closed) return Promise.reject(new Error(t('ftps-server.errors.closed')));
      if (opts.target !== undefined) {
        if (!allowOverride) {
          return Promise.reject(
            Object.assign(new Error(t('ftps-server.errors.noOverride')), { kind: 'input' }),
          );
        }
        try {
          const p = runOnTarget(job, opts, opts.target);
          if (p) return p;
        } catch (e) {
          return Promise.reject(e);
        }
      }
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
      const targets = node.targets;
      node.pool = null;
      node.targets = null;
      void Promise.allSettled([pool?.close(), targets?.close()]).then(() => done());
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
