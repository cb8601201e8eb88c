/** A node's status: throttled progress, results, failures, and the server's connection state in between. */
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
    if (this.active === 0 || s.fill === 'red') this.now(s);
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
