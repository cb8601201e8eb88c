/**
 * The nodes' own texts (statuses, errors, warnings) from the message
 * catalogs nodes/locales/<lang>/<file>.json, as core nodes do. A key reads
 * "<file>.<path>": the catalog of the node file <file>, whose top-level key
 * is the file's name, so "ftps-server.errors.noHost" is
 * "node-red-contrib-ftps/ftps-server:ftps-server.errors.noHost" for RED._.
 * Keys are fully qualified because shared code (the action wiring, the
 * pool's status) runs for every node type, whatever RED it was given.
 * Errors from the client (src/lib) keep their English text and code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Subs = Record<string, string | number>;
type Translate = (key: string, subs?: Subs) => string;

const MODULE = 'node-red-contrib-ftps';
let translate: Translate | undefined;
const english = new Map<string, unknown>();

/** Use this runtime's RED._ (every node file calls it when it is loaded). */
export function useCatalogs(red: { _: Translate }): void {
  translate = (key, subs) => red._(key, subs);
}

/** The RED._ key of `key`: "<module>/<file>:<file>.<path>". */
export function catalogKey(key: string): string {
  return `${MODULE}/${key.slice(0, key.indexOf('.'))}:${key}`;
}

/** The text of `key` with its __name__ placeholders filled in. */
export function t(key: string, subs?: Subs): string {
  const full = catalogKey(key);
  if (translate) {
    const s = translate(full, subs);
    // RED._ gives the key back when no catalog is loaded (node-red-node-test-helper) or the key is missing
    if (typeof s === 'string' && s !== '' && s !== full && s !== key && !s.endsWith(`:${key}`)) return s;
  }
  return englishText(key, subs);
}

/** The en-US catalog's text, read from the package's own file. */
function englishText(key: string, subs?: Subs): string {
  const file = key.slice(0, key.indexOf('.'));
  if (!english.has(file)) {
    let cat: unknown = null;
    try {
      cat = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'locales', 'en-US', `${file}.json`), 'utf8'));
    } catch {
      // no catalog: the key itself is shown, and the catalog test names it
    }
    english.set(file, cat);
  }
  let v: unknown = english.get(file);
  for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  if (typeof v !== 'string') return key;
  return v.replace(/__(\w+)__/g, (m, name: string) => (subs && name in subs ? String(subs[name]) : m));
}
