/** Editor properties as they arrive (checkboxes, selects, text; strings in hand-edited flows) turned into values. */
import type { TransferType } from '../lib';
import type { NodeMessage } from './red';
import { t } from './i18n';

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

/**
 * Unknown values of enumerated options, per node definition. A value the
 * node does not know, from a hand-edited or newer flow, must never fall back
 * to the default: an ftps-ops node with a misspelt operation would DELETE.
 * The action wiring (and ftps-watch) fails every message with optionProblem()
 * before anything is sent.
 */
const problems = new WeakMap<object, string[]>();

/**
 * The enumerated option `def[field]`: one of `allowed`; missing or "" gives
 * `dflt`; anything else is recorded for optionProblem() and gives `dflt`,
 * which a node never acts on.
 */
export function choice<T extends string>(def: object, field: string, allowed: readonly T[], dflt: T): T {
  const v = (def as Record<string, unknown>)[field];
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  record(def, t('ftps-server.errors.unknownValue', { field, value: JSON.stringify(v), allowed: allowed.join(', ') }));
  return dflt;
}

function record(def: object, problem: string): void {
  const list = problems.get(def) ?? [];
  list.push(problem);
  problems.set(def, list);
}

/**
 * The whole-number option `def[field]`: missing or "" gives `dflt`; junk or
 * a value below `min` is recorded for optionProblem() (like choice) and gives `dflt`.
 */
export function count(def: object, field: string, dflt: number, min: number): number {
  const v = (def as Record<string, unknown>)[field];
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(v);
  if (Number.isFinite(n) && n >= min) return Math.floor(n);
  record(def, t('ftps-server.errors.notANumber', { field, min, value: JSON.stringify(v) }));
  return dflt;
}

/** Why the node's enumerated options cannot be used, or undefined when they all can. */
export function optionProblem(def: object): string | undefined {
  const list = problems.get(def);
  return list && list.length > 0 ? list.join('; ') : undefined;
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
