/**
 * A node's status is its own: the result of its last message or its
 * transfer's progress. The shared server's connection state shows only
 * while one of this node's messages waits for a session.
 */
import type { Progress } from '../lib';
import type { Node, NodeStatus } from './red';
import { formatBytes } from './result';
import { t } from './i18n';

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

/** Catalog keys of the hints by error kind and by reply code. */
const KIND_HINTS: Record<string, string> = {
  tls: 'ftps-server.hint.tls',
  timeout: 'ftps-server.hint.timeout',
  closed: 'ftps-server.hint.closed',
  connect: 'ftps-server.hint.connect',
  input: 'ftps-server.hint.input',
  local: 'ftps-server.hint.local',
  protocol: 'ftps-server.hint.protocol',
  aborted: 'ftps-server.hint.aborted',
};

const CODE_HINTS: Record<number, string> = {
  421: 'ftps-server.hint.code421',
  425: 'ftps-server.hint.code425',
  426: 'ftps-server.hint.code426',
  430: 'ftps-server.hint.code430',
  450: 'ftps-server.hint.code450',
  451: 'ftps-server.hint.code451',
  452: 'ftps-server.hint.code452',
  500: 'ftps-server.hint.code500',
  501: 'ftps-server.hint.code501',
  502: 'ftps-server.hint.code502',
  530: 'ftps-server.hint.code530',
  532: 'ftps-server.hint.code532',
  550: 'ftps-server.hint.code550',
  551: 'ftps-server.hint.code551',
  552: 'ftps-server.hint.code552',
  553: 'ftps-server.hint.code553',
};

/** "550 not found or refused", "TLS or certificate error": what failed, never a truncated reply text. */
export function statusHint(err: { code?: number; kind?: string }): string {
  const kind = err.kind !== undefined ? KIND_HINTS[err.kind] : undefined;
  if (err.code === 421 && kind) return t(kind);
  if (typeof err.code === 'number' && err.code > 0) {
    const byCode = CODE_HINTS[err.code] ?? (err.code >= 500 ? 'ftps-server.hint.refused' : 'ftps-server.hint.tryAgain');
    return `${err.code} ${t(byCode)}`;
  }
  return t(kind ?? 'ftps-server.hint.failed');
}
