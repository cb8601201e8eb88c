/**
 * A node's link to its ftps-server: registering for the connection state,
 * running jobs on the server's sessions under the node's own AbortSignal,
 * and a close that aborts them and waits (a while) for them to end. Shared
 * by the action nodes (action.ts) and ftps-watch.
 */
import { setMaxListeners } from 'node:events';
import { inputError, stoppedError } from './node-error';
import type { Node, NodeAPI, NodeStatus } from './red';
import type { ClientJob, JobOptions, ServerNode, ServerUser } from './server-node';
import { t, useCatalogs } from './i18n';

/** How long a stopping node waits for its jobs before it lets Node-RED go on. */
const CLOSE_WAIT_MS = 10_000;

export interface ServerLink {
  /** The server node, or undefined when none is chosen (or the id names something else). */
  readonly server: ServerNode | undefined;
  /** Fires when the node stops; every job of the node listens to it. */
  readonly signal: AbortSignal;
  /** Run a job on a session of the server (waits in the pool's queue), under the node's signal. */
  run<T>(job: ClientJob<T>, opts?: Omit<JobOptions, 'signal'>): Promise<T>;
  /** The node stops: abort its jobs, leave the server, then `finish` once `settled` resolves (or after CLOSE_WAIT_MS). */
  close(settled: Promise<unknown>, finish: () => void): void;
}

export function linkServer(RED: NodeAPI, node: Node, serverId: string | undefined, onServerStatus: (s: NodeStatus) => void): ServerLink {
  useCatalogs(RED);
  const found = serverId ? (RED.nodes.getNode(serverId) as Partial<ServerNode> | null | undefined) : undefined;
  const server = found && typeof found.run === 'function' && typeof found.register === 'function' ? (found as ServerNode) : undefined;
  const aborter = new AbortController();
  // every queued job listens to it
  setMaxListeners(0, aborter.signal);
  const user: ServerUser = { id: node.id, serverStatus: onServerStatus };
  server?.register(user);

  return {
    server,
    signal: aborter.signal,
    run<T>(job: ClientJob<T>, opts: Omit<JobOptions, 'signal'> = {}): Promise<T> {
      if (!server) return Promise.reject(inputError(t('ftps-server.errors.noServer')));
      return server.run(job, { ...opts, signal: aborter.signal });
    },
    close(settled: Promise<unknown>, finish: () => void): void {
      aborter.abort(stoppedError());
      server?.deregister(user);
      let finished = false;
      const once = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        finish();
      };
      const timer = setTimeout(once, CLOSE_WAIT_MS);
      void settled.then(once, once);
    },
  };
}
