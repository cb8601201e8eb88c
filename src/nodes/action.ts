/**
 * What every action node shares: finding its ftps-server, reading TypedInput
 * fields, running jobs on the server's session pool, keeping output in input
 * order, status (throttled), msg.ftps and errors for Catch nodes.
 */
import { setMaxListeners } from 'node:events';
import { assertSafeArgument } from '../lib';
import type { FtpsClient, Progress, Reply, TransferType } from '../lib';
import type { Node, NodeAPI, NodeDef, NodeDone, NodeMessage, NodeSend, NodeStatus } from './red';
import { resolveLocalPath } from './local-paths';
import type { JobContext, RunOptions } from './session-pool';
import { repeatSafety, retryText } from './retry';
import { takeMsgTarget } from './targets';
import type { MsgTarget } from './targets';

/** A node using an ftps-server: the config node pushes its connection state to it. */
export interface ServerUser {
  readonly id: string;
  serverStatus(status: NodeStatus): void;
}

export type ClientJob<T> = (client: FtpsClient, ctx: JobContext) => Promise<T>;

/** What the ftps-server config node offers to the nodes using it. */
export interface ServerNode extends Node {
  /** Queue a job for the next free session of this server. */
  run<T>(job: ClientJob<T>, opts?: RunOptions & { target?: MsgTarget }): Promise<T>;
  register(user: ServerUser): void;
  deregister(user: ServerUser): void;
  /** The connection state as a node status. */
  connectionStatus(): NodeStatus;
  /** The folder local file names must stay in (the localRoot property), or undefined for any path. */
  localRoot?: string;
}

export interface ActionDef extends NodeDef {
  server?: string;
}

/** msg.ftps on every output message. */
export interface FtpsInfo {
  code: number;
  message: string;
  bytes?: number;
  ms?: number;
  [key: string]: unknown;
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
}

export type Handler = (msg: NodeMessage, io: ActionIO) => Promise<Outcome>;

/**
 * The error handed to done(): the message says what failed; `code` is the
 * server's reply code when it answered (also 421 for a lost connection, as
 * Net::Cmd reports it). toString() is the bare message, so a Catch node's
 * msg.error.message reads cleanly.
 */
export class FtpsNodeError extends Error {
  kind?: string;
  command?: string;
  declare code?: number;

  constructor(message: string, init: { code?: number; kind?: string; command?: string; cause?: unknown } = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FtpsError';
    if (init.code !== undefined && init.code > 0) this.code = init.code;
    if (init.kind) this.kind = init.kind;
    if (init.command) this.command = init.command;
  }

  override toString(): string {
    return this.message;
  }
}

/** An input problem found by the node itself (nothing was sent). */
export function inputError(message: string): FtpsNodeError {
  return new FtpsNodeError(message, { kind: 'input' });
}

const LOST_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_SOCKET_CLOSED']);

/** A failure that lost the connection (a reset, a pipe closed) somewhere in its cause chain. */
function lostConnection(e: unknown): boolean {
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const x = e as { code?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && LOST_CONNECTION.has(x.code)) return true;
    e = x.cause;
  }
  return false;
}

function hasReplyCode(e: unknown): boolean {
  const c = (e as { code?: unknown }).code;
  return typeof c === 'number' && c > 0;
}

/**
 * The error of a job whose session died under it: code 421 (as Net::Cmd
 * reports a lost connection) when the error itself has no reply code, so
 * a Catch node can always tell a lost connection from a refusal.
 */
export function sessionLostError(e: unknown): unknown {
  if (!(e instanceof Error) || hasReplyCode(e)) return e;
  const x = e as Error & { kind?: unknown; command?: unknown };
  return new FtpsNodeError(`${e.message} (the connection to the server was lost)`, {
    code: 421,
    kind: typeof x.kind === 'string' ? x.kind : 'closed',
    command: typeof x.command === 'string' ? x.command : undefined,
    cause: e,
  });
}

export function toNodeError(e: unknown): FtpsNodeError {
  if (e instanceof FtpsNodeError) return e;
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; kind?: unknown; command?: unknown };
    if (!hasReplyCode(e) && lostConnection(e)) return sessionLostError(e) as FtpsNodeError;
    return new FtpsNodeError(e.message, {
      code: typeof x.code === 'number' ? x.code : undefined,
      kind: typeof x.kind === 'string' ? x.kind : undefined,
      command: typeof x.command === 'string' ? x.command : undefined,
    });
  }
  return new FtpsNodeError(String(e));
}

/** A TypedInput field as stored in the flow (`<field>` + `<field>Type`), or the default pair when it is absent. */
export function typedField(def: NodeDef, field: string, dfltValue: string, dfltType: string): { value: string; type: string } {
  const v = def[field];
  const t = def[`${field}Type`];
  const value = v === undefined || v === null ? '' : String(v);
  // a type without its value ("pathType": "msg" alone) means the default msg property, not msg[""]
  if (t === 'msg' && value === '' && dfltType === 'msg') return { value: dfltValue, type: 'msg' };
  if (typeof t === 'string' && t !== '') return { value, type: t };
  if (value !== '') return { value, type: 'str' };
  return { value: dfltValue, type: dfltType };
}

/** Evaluate a TypedInput field against the message (context stores may be asynchronous). */
export function evaluate(RED: NodeAPI, node: Node, msg: NodeMessage, f: { value: string; type: string }): Promise<unknown> {
  if (f.type === 'msg' && f.value === '') return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    try {
      RED.util.evaluateNodeProperty(f.value, f.type, node, msg, (err, result) => (err ? reject(err) : resolve(result)));
    } catch (e) {
      reject(e);
    }
  });
}

/** Describe where a field's value comes from, for error messages ("msg.filename"). */
export function fieldSource(f: { value: string; type: string }, label: string): string {
  if (f.type === 'msg' || f.type === 'flow' || f.type === 'global') return `${f.type}.${f.value}`;
  return `the node's ${label} field`;
}

/** A path from a field value: a string (numbers are accepted), CR/LF refused; empty → '' or an error when required. */
export function toPath(v: unknown, f: { value: string; type: string }, label: string, required: boolean): string {
  if (v === undefined || v === null || v === '') {
    if (required) throw inputError(`no ${label}: set ${fieldSource(f, label)}`);
    return '';
  }
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string') throw inputError(`${label} must be a string (${fieldSource(f, label)} is ${Array.isArray(v) ? 'an array' : typeof v})`);
  // the client's own check, before the job is even queued
  assertSafeArgument(v, label);
  return v;
}

/** Read, check and return a path field. */
export async function readPath(io: { RED: NodeAPI; node: Node }, msg: NodeMessage, f: { value: string; type: string }, label: string, required: boolean): Promise<string> {
  return toPath(await evaluate(io.RED, io.node, msg, f), f, label, required);
}

/** The server's last reply: from the client when it offers one, else the reply the operation implies. */
export function lastReply(client: FtpsClient, fallbackCode: number, fallbackMessage: string): { code: number; message: string } {
  const r: Reply | null = client.lastReply;
  if (r && typeof r.code === 'number') return { code: r.code, message: r.message };
  return { code: fallbackCode, message: fallbackMessage };
}

export function ftpsInfo(reply: { code: number; message: string }, extra: Partial<FtpsInfo> = {}): FtpsInfo {
  return { code: reply.code, message: reply.message, ...extra };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function transferSummary(bytes: number, ms: number): string {
  return `${formatBytes(bytes)} in ${(ms / 1000).toFixed(1)} s`;
}

/** A boolean option that may be a checkbox (boolean) or a select ("true"/"false"/"" = server default). */
export function optionalFlag(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

export function flagOpt(v: unknown, dflt: boolean): boolean {
  const f = optionalFlag(v);
  return f === undefined ? dflt : f;
}

/**
 * The transfer type of one message: the contract's option is called `type`,
 * but `type` is every node's own type in a flow, so the node stores it as
 * `transferType`; `msg.type` overrides it per message when it is exactly
 * "binary" or "ascii" (anything else, e.g. a type some other node left on
 * the msg, is ignored).
 */
export function transferTypeOf(msg: NodeMessage, nodeDefault: TransferType): TransferType {
  return msg.type === 'binary' || msg.type === 'ascii' ? msg.type : nodeDefault;
}

export function choice<T extends string>(v: unknown, allowed: readonly T[], dflt: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : dflt;
}

/**
 * A node's status, throttled to about one change a second (every change
 * reaches Status nodes). The latest status always arrives in the end.
 */
export class StatusView {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeStatus | undefined;
  private shown = '';
  /** Jobs of this node running on a session. */
  active = 0;
  private serverState: NodeStatus = {};

  constructor(
    private readonly node: Node,
    private readonly intervalMs = 1000,
  ) {}

  set(s: NodeStatus): void {
    const now = Date.now();
    if (!this.timer && now - this.last >= this.intervalMs) {
      this.apply(s);
      return;
    }
    this.pending = s;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const p = this.pending;
        this.pending = undefined;
        if (p) this.apply(p);
      }, Math.max(0, this.intervalMs - (now - this.last)));
    }
  }

  /** The server's connection state (changes rarely: shown at once); not while this node shows a transfer. */
  server(s: NodeStatus): void {
    this.serverState = s;
    if (this.active === 0 || s.fill === 'red') this.now(s);
  }

  /** Show at once, replacing anything waiting in the throttle. */
  now(s: NodeStatus): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.apply(s);
  }

  serverStatus(): NodeStatus {
    return this.serverState;
  }

  progress(label: string, p: Progress): void {
    const text = p.total && p.total > 0 ? `${label} ${Math.min(100, Math.floor((p.bytes * 100) / p.total))}%` : `${label} ${formatBytes(p.bytes)}`;
    this.set({ fill: 'blue', shape: 'dot', text });
  }

  done(summary: string): void {
    this.set({ fill: 'green', shape: 'dot', text: summary });
  }

  failed(err: Error): void {
    const m = err.message.replace(/\s+/g, ' ');
    this.set({ fill: 'red', shape: 'ring', text: m.length > 48 ? `${m.slice(0, 47)}…` : m });
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.node.status({});
  }

  private apply(s: NodeStatus): void {
    this.last = Date.now();
    const key = JSON.stringify(s);
    if (key === this.shown) return;
    this.shown = key;
    this.node.status(s);
  }
}

/**
 * Wire an action node: input handling with (msg, send, done), outputs in
 * input order even when the server runs jobs in parallel, done(err) for
 * Catch nodes, status, and a close that aborts this node's transfers and
 * waits for them.
 */
export function setupAction(RED: NodeAPI, node: Node, def: ActionDef, handler: Handler): void {
  const server = def.server ? (RED.nodes.getNode(def.server) as ServerNode | null | undefined) : undefined;
  const view = new StatusView(node);
  const aborter = new AbortController();
  // every queued message listens to it
  setMaxListeners(0, aborter.signal);
  let closing = false;
  let tail: Promise<void> = Promise.resolve();
  const repeat = repeatSafety(node.type, def);

  const user: ServerUser = { id: node.id, serverStatus: (s) => view.server(s) };
  if (server && typeof server.register === 'function') {
    server.register(user);
  } else {
    view.now({ fill: 'red', shape: 'ring', text: 'no server' });
  }

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
      run: <T>(job: ClientJob<T>): Promise<T> => {
        if (!server || typeof server.run !== 'function') return Promise.reject(inputError('no ftps-server configured: open the node and choose a server'));
        if (targetError !== undefined) return Promise.reject(targetError);
        return server.run(
          async (client, ctx) => {
            view.active += 1;
            try {
              return await job(client, ctx);
            } catch (e) {
              throw client.connected ? e : sessionLostError(e);
            } finally {
              view.active -= 1;
            }
          },
          { signal: aborter.signal, repeat, onRetry: (r) => view.now({ fill: 'yellow', shape: 'ring', text: retryText(r) }), target },
        );
      },
      progress: (label, ctx) => (p) => {
        if (p.bytes > 0) ctx.commit();
        view.progress(label, p);
      },
      sendNow: (m) => send(m),
      localPath: (name) => resolveLocalPath(server?.localRoot, name),
    };
    let work: Promise<Outcome>;
    try {
      work = handler(msg, io);
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
      view.done(outcome?.summary ?? 'done');
      done();
    })();
  });

  node.on('close', (_removed: boolean, done: () => void) => {
    closing = true;
    aborter.abort(new FtpsNodeError('the node was stopped (flow stopped or redeployed)', { kind: 'aborted' }));
    if (server && typeof server.deregister === 'function') server.deregister(user);
    const timer = setTimeout(finish, 10_000);
    let finished = false;
    function finish(): void {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      view.clear();
      done();
    }
    void tail.then(finish, finish);
  });
}

/** Add the results to the input message (the contract: the input msg, other properties kept). */
export function withResult(msg: NodeMessage, props: Record<string, unknown>): NodeMessage {
  return Object.assign(msg, props);
}
