/** What goes out on a node's output: the results on the input msg, msg.ftps, and the short summaries for the status. */
import type { FtpsClient, Reply } from '../lib';
import type { NodeMessage } from './red';
import { t } from './i18n';

/** msg.ftps on every output message. */
export interface FtpsInfo {
  code: number;
  message: string;
  bytes?: number;
  ms?: number;
  [key: string]: unknown;
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

/** Add the results to the input message (the contract: the input msg, other properties kept). */
export function withResult(msg: NodeMessage, props: Record<string, unknown>): NodeMessage {
  return Object.assign(msg, props);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  // powers of 1024, so the IEC names (a status "3.0 MB" would be read as 3,000,000 bytes)
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function transferSummary(bytes: number, ms: number): string {
  return t('ftps-server.status.transferred', { bytes: formatBytes(bytes), seconds: (ms / 1000).toFixed(1) });
}
