/**
 * The small part of the Node-RED runtime API these nodes use, declared by
 * hand (@types/node-red describes Node-RED 1.3). Types only: nothing here
 * exists at run time.
 */

/** A message: any properties; the ones the nodes read are checked where they are read. */
export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  filename?: unknown;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type NodeSend = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null> | null) => void;
export type NodeDone = (err?: Error) => void;
export type InputHandler = (msg: NodeMessage, send: NodeSend, done: NodeDone) => void;
export type CloseHandler = (removed: boolean, done: () => void) => void;

/** The part of a runtime node object the nodes touch. */
export interface Node {
  readonly id: string;
  readonly type: string;
  name?: string;
  z?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', handler: InputHandler): void;
  on(event: 'close', handler: CloseHandler): void;
  send(msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null> | null): void;
  status(status: NodeStatus): void;
  log(msg: unknown): void;
  warn(msg: unknown): void;
  error(msg: unknown, m?: NodeMessage): void;
  debug(msg: unknown): void;
  trace(msg: unknown): void;
}

/** Editor properties as the runtime hands them to a node's constructor. */
export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
  [key: string]: unknown;
}

export type CredentialType = 'text' | 'password';

export interface RegisterOptions {
  credentials?: Record<string, { type: CredentialType }>;
}

/** What the core tls-config node offers to other nodes. */
export interface TlsConfigNode extends Node {
  valid?: boolean;
  addTLSOptions(opts: Record<string, unknown>): Record<string, unknown>;
}

export type PropertyType = 'msg' | 'flow' | 'global' | 'str' | 'num' | 'bool' | 'json' | 'env' | 'date' | 'jsonata' | 'bin' | 're' | 'node' | 'cred';

/** The admin HTTP API (an Express app) as an endpoint uses it. */
export interface AdminRequest {
  body?: unknown;
}
export interface AdminResponse {
  status(code: number): AdminResponse;
  json(body: unknown): void;
}
export type AdminHandler = (req: AdminRequest, res: AdminResponse, next: () => void) => void;

export interface NodeAPI {
  httpAdmin: { post(path: string, ...handlers: AdminHandler[]): void };
  auth: { needsPermission(permission: string): AdminHandler };
  nodes: {
    createNode(node: object, def: NodeDef): void;
    getCredentials(id: string): Record<string, string | undefined> | undefined;
    registerType<N extends Node, D extends NodeDef>(type: string, ctor: (this: N, def: D) => void, opts?: RegisterOptions): void;
    getNode(id: string): Node | null | undefined;
  };
  util: {
    evaluateNodeProperty(value: unknown, type: string, node: Node, msg: NodeMessage, callback: (err: Error | null | undefined, result: unknown) => void): void;
    generateId(): string;
    cloneMessage<T>(msg: T): T;
  };
  log: {
    info(msg: unknown): void;
    warn(msg: unknown): void;
    error(msg: unknown): void;
    debug(msg: unknown): void;
  };
  /** i18n: a key of this node set's catalog, or "namespace:key". */
  _(key: string, subs?: Record<string, string | number>): string;
}
