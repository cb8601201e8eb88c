/** TypedInput fields: how they are stored in a flow, evaluated against a message, and checked as paths. */
import { assertSafeArgument } from '../lib';
import { inputError } from './node-error';
import type { Node, NodeAPI, NodeDef, NodeMessage } from './red';
import { t } from './i18n';

export interface Field {
  value: string;
  type: string;
}

/** A TypedInput field as stored in the flow (`<field>` + `<field>Type`), or the default pair when it is absent. */
export function typedField(def: NodeDef, field: string, dfltValue: string, dfltType: string): Field {
  const v = def[field];
  const t = def[`${field}Type`];
  const value = v === undefined || v === null ? '' : String(v);
  // a type without its value ("pathType": "msg" alone) means the default msg property, not msg[""]
  if (t === 'msg' && value === '' && dfltType === 'msg') return { value: dfltValue, type: 'msg' };
  if (typeof t === 'string' && t !== '') return { value, type: t };
  if (value !== '') return { value, type: 'str' };
  return { value: dfltValue, type: dfltType };
}

/** Evaluate a TypedInput field against the message (context stores may be asynchronous). */
export function evaluate(RED: NodeAPI, node: Node, msg: NodeMessage, f: Field): Promise<unknown> {
  if (f.type === 'msg' && f.value === '') return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    try {
      RED.util.evaluateNodeProperty(f.value, f.type, node, msg, (err, result) => (err ? reject(err) : resolve(result)));
    } catch (e) {
      reject(e);
    }
  });
}

/** Describe where a field's value comes from, for error messages ("msg.filename"). */
export function fieldSource(f: Field, label: string): string {
  if (f.type === 'msg' || f.type === 'flow' || f.type === 'global') return `${f.type}.${f.value}`;
  return t('ftps-server.errors.fieldOfNode', { label });
}

/** A path from a field value: a string (numbers are accepted), CR/LF refused; empty → '' or an error when required. */
export function toPath(v: unknown, f: Field, label: string, required: boolean): string {
  if (v === undefined || v === null || v === '') {
    if (required) throw inputError(t('ftps-server.errors.noValue', { label, source: fieldSource(f, label) }));
    return '';
  }
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string') throw inputError(t('ftps-server.errors.notAString', { label, source: fieldSource(f, label), type: Array.isArray(v) ? 'array' : typeof v }));
  // the client's own check, before the job is even queued
  assertSafeArgument(v, label);
  return v;
}

/** Read, check and return a path field. */
export async function readPath(io: { RED: NodeAPI; node: Node }, msg: NodeMessage, f: Field, label: string, required: boolean): Promise<string> {
  return toPath(await evaluate(io.RED, io.node, msg, f), f, label, required);
}
