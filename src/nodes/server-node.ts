/** The contract between the ftps-server config node and the nodes that use it. */
import type { FtpsClient } from '../lib';
import type { Node, NodeStatus } from './red';
import type { JobContext } from './session-pool';

/** A node using an ftps-server: the config node pushes its connection state to it. */
export interface ServerUser {
  readonly id: string;
  serverStatus(status: NodeStatus): void;
}

export type ClientJob<T> = (client: FtpsClient, ctx: JobContext) => Promise<T>;

/** What the ftps-server config node offers to the nodes using it. */
export interface ServerNode extends Node {
  /** Queue a job for the next free session of this server. */
  run<T>(job: ClientJob<T>, opts?: { signal?: AbortSignal }): Promise<T>;
  register(user: ServerUser): void;
  deregister(user: ServerUser): void;
  /** The folder local file names must stay in (the localRoot property), or undefined for any path. */
  localRoot?: string;
}
