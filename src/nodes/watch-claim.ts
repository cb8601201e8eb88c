/**
 * ftps-watch's `claim`: several Node-RED instances watching one directory,
 * each file handled by exactly one. The FTP server is the only
 * coordinator: RNFR/RNTO is atomic there, so of the instances renaming a
 * file to their own claim name `.ftps-claim.<instance>.<name>` (in the
 * same directory) exactly one succeeds, the others get a refusal because
 * the file is gone. A claim whose instance died is taken over once it has
 * been older than claimTimeout in two polls in a row (the second poll
 * keeps a claim that was renamed just before a listing, before its time
 * was refreshed, from looking stale).
 */
import { randomBytes } from 'node:crypto';
import { remoteDirname } from '../lib';

/** The names claims take: never another node's business (watchers, multi-file get and its mirror). */
export const CLAIM_PREFIX = '.ftps-claim.';

/** This node in this process: node ids may hold dots (older flows), the instance part must not. */
export function claimInstance(nodeId: string): string {
  const id = nodeId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32);
  return `${id}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export function isClaimName(name: string): boolean {
  return name.startsWith(CLAIM_PREFIX);
}

function joinDir(dir: string, name: string): string {
  if (dir === '' || dir === '.') return name;
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Where `instance` parks the file at `path` while it works on it. */
export function claimPathFor(instance: string, path: string): string {
  return joinDir(remoteDirname(path), `${CLAIM_PREFIX}${instance}.${baseName(path)}`);
}

/** A claim's instance and the path the file had before it was claimed; null for a name that is no claim. */
export function parseClaim(path: string): { instance: string; original: string } | null {
  const name = baseName(path);
  if (!isClaimName(name)) return null;
  const rest = name.slice(CLAIM_PREFIX.length);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) return null;
  return { instance: rest.slice(0, dot), original: joinDir(remoteDirname(path), rest.slice(dot + 1)) };
}

/**
 * Claims seen from poll to poll: a claim is stale when its modification
 * time was older than the timeout in this poll and in the one before,
 * with the same time both times.
 */
export class ClaimTracker {
  private seen = new Map<string, string>();

  constructor(private readonly timeoutMs: number) {}

  /** The stale claims among this poll's claims (path and modification time as ISO text or null). */
  poll(claims: ReadonlyArray<{ path: string; modified: string | null }>, now: number): string[] {
    const next = new Map<string, string>();
    const stale: string[] = [];
    for (const c of claims) {
      if (c.modified === null) continue;
      const t = Date.parse(c.modified);
      if (Number.isNaN(t) || now - t < this.timeoutMs) continue;
      if (this.seen.get(c.path) === c.modified) stale.push(c.path);
      next.set(c.path, c.modified);
    }
    this.seen = next;
    return stale;
  }

  forget(path: string): void {
    this.seen.delete(path);
  }
}
