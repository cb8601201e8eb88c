/** Scratch names for xput and xget: the data lands under one, then is renamed into place. */
import * as os from 'node:os';
import type { ScratchOptions } from './client-options';
import { joinPath } from './listing';
import { remoteDirname } from './remote-fs';
import { assertSafeArgument } from './validate';

let scratchCounter = 0;

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

function defaultBody(reversed: boolean): string {
  const host = sanitize(os.hostname() || 'client');
  const name = reversed ? [...host].reverse().join('') : host;
  scratchCounter += 1;
  return `${name}.${process.pid}.${scratchCounter}`;
}

/** prefix + body + postfix; the body is unique per process and transfer unless given. */
export function scratchBase(o: ScratchOptions, reversed: boolean): string {
  return `${o.prefix ?? '_tmp.'}${o.body ?? defaultBody(reversed)}${o.postfix ?? '.tmp'}`;
}

/** The scratch name sits in the target's directory unless the prefix names a directory of its own. */
export function scratchPath(remote: string, o: ScratchOptions, reversed: boolean): string {
  const base = scratchBase(o, reversed);
  assertSafeArgument(base, 'scratch name');
  return (o.prefix ?? '').includes('/') ? base : joinPath(remoteDirname(remote), base);
}
