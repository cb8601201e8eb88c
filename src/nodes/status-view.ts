/**
 * A node's status is its own: the result of its last message or its
 * transfer's progress. The shared server's connection state shows only
 * while one of this node's messages waits for a session.
 */
import type { Progress } from '../lib';
import type { Node, NodeStatus } from './red';
import { formatBytes } from './result';

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
  /** Messages of this node between input and done. */
  inFlight = 0;

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

  /** The server's connection state: shown (at once) only while a message of this node waits for a session. */
  server(s: NodeStatus): void {
    if (this.inFlight > 0 && this.active === 0) this.now(s);
  }

  /** Show at once, replacing anything waiting in the throttle. */
  now(s: NodeStatus): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.apply(s);
  }

  progress(label: string, p: Progress): void {
    const text = p.total && p.total > 0 ? `${label} ${Math.min(100, Math.floor((p.bytes * 100) / p.total))}%` : `${label} ${formatBytes(p.bytes)}`;
    this.set({ fill: 'blue', shape: 'dot', text });
  }

  done(summary: string): void {
    this.set({ fill: 'green', shape: 'dot', text: summary });
  }

  /** A short hint that fits the editor; the full text is in the debug sidebar and msg.error. */
  failed(err: Error & { code?: number; kind?: string }): void {
    this.set({ fill: 'red', shape: 'ring', text: statusHint(err) });
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

const KIND_HINTS: Record<string, string> = {
  tls: 'TLS or certificate error',
  timeout: 'timed out',
  closed: 'connection lost',
  connect: 'cannot connect',
  input: 'bad input',
  local: 'local file error',
  protocol: 'server broke the protocol',
  aborted: 'stopped',
};

const CODE_HINTS: Record<number, string> = {
  421: 'connection lost',
  425: 'no data connection',
  426: 'transfer aborted',
  430: 'login refused',
  450: 'file busy',
  451: 'server error',
  452: 'server disk full',
  500: 'command unknown',
  501: 'bad argument',
  502: 'not supported',
  530: 'login refused',
  532: 'account needed',
  550: 'not found or refused',
  551: 'page type unknown',
  552: 'quota exceeded',
  553: 'name not allowed',
};

/** "550 not found or refused", "TLS or certificate error": what failed, never a truncated reply text. */
export function statusHint(err: { code?: number; kind?: string }): string {
  const kind = err.kind !== undefined ? KIND_HINTS[err.kind] : undefined;
  if (err.code === 421 && kind) return kind;
  if (typeof err.code === 'number' && err.code > 0) {
    const byCode = CODE_HINTS[err.code] ?? (err.code >= 500 ? 'refused' : 'failed, try again');
    return `${err.code} ${byCode}`;
  }
  return kind ?? 'failed';
}
