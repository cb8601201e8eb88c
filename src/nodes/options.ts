/**
 * Enumerated node options (an operation, a mode, a method ...). A value the
 * node does not know, from a hand-edited or newer flow, must never fall back
 * to the default: an ftps-ops node with a misspelt operation would DELETE.
 * It is remembered per node definition, and every message to that node fails
 * with an error naming the option, before anything is sent.
 */
const problems = new WeakMap<object, string[]>();

/** The option's value; missing or "" gives `dflt`; anything else unknown is recorded (see optionProblem) and gives `dflt`, which is never acted on. */
export function option<T extends string>(def: object, field: string, allowed: readonly T[], dflt: T): T {
  const v = (def as Record<string, unknown>)[field];
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  const list = problems.get(def) ?? [];
  list.push(`${field}: unknown value ${JSON.stringify(v)} (one of ${allowed.join(', ')}); nothing was sent`);
  problems.set(def, list);
  return dflt;
}

/** Why the node's options cannot be used, or undefined when they all can. */
export function optionProblem(def: object): string | undefined {
  const list = problems.get(def);
  return list && list.length > 0 ? list.join('; ') : undefined;
}
