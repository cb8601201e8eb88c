/**
 * The wiring every action node shares: input handling with (msg, send,
 * done), jobs on the server's session pool, output in input order even when
 * the server runs jobs in parallel, done(err) for Catch nodes, status, and
 * a close that aborts this node's transfers and waits for them.
 */
import type { Progress } from '../lib';
import { resolveLocalPath } from './local-paths';
import { inputError, sessionLostError, toNodeError } from './node-error';
import { optionProblem } from './options';
import type { Node, NodeAPI, NodeDef, NodeDone, NodeMessage, NodeSend } from './red';
import { repeatSafety, retryText } from './retry';
import type { RetryInfo } from './retry';
import { linkServer } from './server-link';
import type { ClientJob } from './server-node';
import type { JobContext } from './session-pool';
import { StatusView } from './status-view';
import { takeMsgTarget } from './targets';
import type { MsgTarget } from './targets';
import { t } from './i18n';

export interface ActionDef extends NodeDef {
  server?: string;
}

/** What a node's handler gives back: the message(s) to send on its output and a short status text. */
export interface Outcome {
  out: NodeMessage | NodeMessage[] | null;
  summary?: string;
}

export interface ActionIO {
  readonly RED: NodeAPI;
  readonly node: Node;
  /** Run a job on a session of the node's server (waits in the pool's queue). */
  run<T>(job: ClientJob<T>): Promise<T>;
  /** A progress callback for transfers: throttled status, and commit() once bytes moved. */
  progress(label: string, ctx: JobContext): (p: Progress) => void;
  /** Send a message at once (chunked output), ahead of the handler's final outcome. */
  sendNow(msg: NodeMessage): void;
  /** A local file name checked against the server's localRoot (and resolved inside it). */
  localPath(name: string): Promise<string>;
  /** Show a progress text of the node's own (multi-file transfers: files and bytes), throttled unless `now`. */
  status(text: string, now?: boolean): void;
}

export type Handler = (msg: NodeMessage, io: ActionIO) => Promise<Outcome>;

export function setupAction(RED: NodeAPI, node: Node, def: ActionDef, handler: Handler): void {
  const view = new StatusView(node);
  const link = linkServer(RED, node, def.server, (s) => view.server(s));
  let closing = false;
  let tail: Promise<void> = Promise.resolve();
  if (!link.server) view.now({ fill: 'red', shape: 'ring', text: t('ftps-server.status.noServer') });
  const repeat = repeatSafety(node.type, def);
  const onRetry = (r: RetryInfo): void => view.now({ fill: 'yellow', shape: 'ring', text: retryText(r) });

  const run = <T>(job: ClientJob<T>, target: MsgTarget | undefined): Promise<T> =>
    link.run(async (client, ctx) => {
      view.active += 1;
      try {
        return await job(client, ctx);
      } catch (e) {
        throw client.connected ? e : sessionLostError(e);
      } finally {
        view.active -= 1;
      }
    }, { repeat, onRetry, target });

  node.on('input', (msg: NodeMessage, send: NodeSend, done: NodeDone) => {
    // msg.ftpsServer's password leaves the msg here, so no output or Catch msg carries it
    let target: MsgTarget | undefined;
    let targetError: unknown;
    try {
      target = takeMsgTarget(msg);
    } catch (e) {
      targetError = e;
    }
    const io: ActionIO = {
      RED,
      node,
      run: (job) => (targetError !== undefined && link.server ? Promise.reject(targetError) : run(job, target)),
      progress: (label, ctx) => (p) => {
        if (p.bytes > 0) ctx.commit();
        view.progress(label, p);
      },
      sendNow: (m) => send(m),
      localPath: (name) => resolveLocalPath(link.server?.localRoot, name),
      status: (text, now) => (now ? view.now : view.set).call(view, { fill: 'blue', shape: 'dot', text }),
    };
    view.inFlight += 1;
    let work: Promise<Outcome>;
    const badOption = optionProblem(def);
    try {
      work = badOption ? Promise.reject(inputError(badOption)) : handler(msg, io);
    } catch (e) {
      work = Promise.reject(e);
    }
    work.catch(() => undefined);
    const prev = tail;
    tail = (async () => {
      let outcome: Outcome | undefined;
      let error: unknown;
      try {
        outcome = await work;
      } catch (e) {
        error = e ?? new Error('failed');
      }
      await prev;
      view.inFlight -= 1;
      if (error !== undefined) {
        if (closing) {
          done();
          return;
        }
        const err = toNodeError(error);
        view.failed(err);
        done(err);
        return;
      }
      if (outcome?.out) {
        const out = outcome.out;
        send(Array.isArray(out) ? [out] : out);
      }
      view.done(outcome?.summary ?? t('ftps-server.status.done'));
      done();
    })();
  });

  node.on('close', (_removed: boolean, done: () => void) => {
    closing = true;
    link.close(tail, () => {
      view.clear();
      done();
    });
  });
}
