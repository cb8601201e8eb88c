/** Editor properties as they arrive (checkboxes, selects, text; strings in hand-edited flows) turned into values. */
import type { TransferType } from '../lib';
import type { NodeMessage } from './red';

/** A boolean option that may be a checkbox (boolean) or a select ("true"/"false"/"" = server default). */
export function optionalFlag(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** true/false from a checkbox value, "true"/"false" strings, or the default. */
export function flag(v: unknown, dflt: boolean): boolean {
  const f = optionalFlag(v);
  return f === undefined ? dflt : f;
}

/** One of the allowed values, or the default. */
export function choice<T extends string>(v: unknown, allowed: readonly T[], dflt: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : dflt;
}

/** A number from an editor field; "" and junk give the default. */
export function num(v: unknown, dflt: number, min = 0): number {
  if (v === '' || v === null || v === undefined) return dflt;
  const n = Number(v);
  return Number.isFinite(n) && n >= min ? n : dflt;
}

/**
 * The transfer type of one message: the contract's option is called `type`,
 * but `type` is every node's own type in a flow, so the node stores it as
 * `transferType`; `msg.type` overrides it per message when it is exactly
 * "binary" or "ascii" (anything else, e.g. a type some other node left on
 * the msg, is ignored).
 */
export function transferTypeOf(msg: NodeMessage, nodeDefault: TransferType): TransferType {
  return msg.type === 'binary' || msg.type === 'ascii' ? msg.type : nodeDefault;
}
