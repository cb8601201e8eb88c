/**
 * The dialer through a core `http proxy` config node (its URL, no-proxy list
 * and credentials), for the server node's sessions and for "Test
 * connection", so the dialog's test takes the same way as the flow does.
 */
import { proxyDialer } from '../lib';
import type { TcpDialer } from '../lib';
import type { HttpProxyNode, NodeAPI } from './red';

/** The proxy node `id` as a dialer; null when it is not deployed or has no URL. */
export function proxyLink(RED: NodeAPI, id: string): TcpDialer | null {
  const p = RED.nodes.getNode(id) as HttpProxyNode | null | undefined;
  if (!p || typeof p.url !== 'string' || !p.url.trim()) return null;
  return proxyDialer({
    url: p.url.trim(),
    username: p.credentials?.username || undefined,
    password: p.credentials?.password || undefined,
    noProxy: Array.isArray(p.noproxy) ? p.noproxy : undefined,
  });
}
