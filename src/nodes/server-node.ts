/** The contract between the ftps-server config node and the nodes that use it. */
import type { FtpsClient } from '../lib';
import type { Node, NodeStatus } from './red';
import type { JobContext, RunOptions } from './session-pool';
import type { MsgTarget } from './targets';

/** A node using an ftps-server: the config node pushes its connection state to it. */
export interface ServerUser {
  readonly id: string;
  serverStatus(status: NodeStatus): void;
}

export type ClientJob<T> = (client: FtpsClient, ctx: JobContext) => Promise<T>;

/** How one job runs: the pool's options (signal, repeat safety, retry callback) and the msg.ftpsServer target. */
export interface JobOptions extends RunOptions {
  target?: MsgTarget;
}

/** What the ftps-server config node offers to the nodes using it. */
export interface ServerNode extends Node {
  /** Queue a job for the next free session of this server. */
  run<T>(job: ClientJob<T>, opts?: JobOptions): Promise<T>;
  register(user: ServerUser): void;
  deregister(user: ServerUser): void;
  /** The folder local file names must stay in (the localRoot property), or undefined for any path. */
  localRoot?: string;
}
