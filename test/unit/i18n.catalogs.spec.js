'use strict';
// The nodes' runtime texts: every catalog key the node code uses exists in
// the en-US and the de catalog, with the same __placeholders__; every
// runtime key in a catalog is used; and t() takes RED._'s text, or the
// en-US catalog's when RED._ has none (as in node-red-node-test-helper).
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const LOCALES = path.join(ROOT, 'nodes', 'locales');
const i18n = require(path.join(ROOT, 'nodes', 'nodes', 'i18n.js'));
/** The catalog sections that hold runtime texts (the rest is the editor's). */
const RUNTIME = ['status', 'errors', 'hint', 'warn', 'testHint', 'field'];
const KEY = new RegExp(`'(ftps-[a-z]+\\.(?:${RUNTIME.join('|')})\\.[A-Za-z0-9_.]+)'`, 'g');

function sources() {
  const dirs = [path.join(ROOT, 'src'), path.join(ROOT, 'src', 'nodes')];
  return dirs.flatMap((d) =>
    fs
      .readdirSync(d)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(d, f)),
  );
}

function usedKeys() {
  const used = new Map();
  for (const file of sources()) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(KEY)) used.set(m[1], path.relative(ROOT, file));
  }
  return used;
}

function leaves(obj, prefix = '') {
  const out = new Map();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

function catalog(lang) {
  const all = new Map();
  for (const f of fs.readdirSync(path.join(LOCALES, lang)).filter((x) => x.endsWith('.json'))) {
    const file = f.replace(/\.json$/, '');
    const json = JSON.parse(fs.readFileSync(path.join(LOCALES, lang, f), 'utf8'));
    assert.deepStrictEqual(Object.keys(json), [file], `${lang}/${f}: one top-level key, the file's name`);
    for (const [k, v] of leaves(json)) all.set(k, v);
  }
  return all;
}

/** The property names of the object literal that starts at `from` (just after its "{"). */
function topLevelNames(text, from) {
  const names = [];
  let depth = 0;
  let part = '';
  for (let i = from; i < text.length; i += 1) {
    const c = text[i];
    if (depth === 0 && (c === ',' || c === '}')) {
      const name = /^\s*(\w+)/.exec(part);
      if (name) names.push(name[1]);
      part = '';
      if (c === '}') return names;
      continue;
    }
    if ('([{'.includes(c)) depth += 1;
    if (')]}'.includes(c)) depth -= 1;
    part += c;
  }
  return names;
}

const placeholders = (s) => [...String(s).matchAll(/__(\w+?)__/g)].map((m) => m[1]).sort();

describe('i18n: the runtime message catalogs', () => {
  const en = catalog('en-US');
  const de = catalog('de');
  const used = usedKeys();
  // later tests in the same process get the test helper's RED._ again
  after(() => i18n.useCatalogs({ _: (key) => key }));

  it('the node code uses catalog keys (the scan finds them)', () => {
    assert.ok(used.size >= 80, `found ${used.size} keys`);
    assert.ok(used.has('ftps-server.status.retry') && used.has('ftps-server.errors.badSettings'));
  });

  it('every key used in src exists in en-US and de', () => {
    const missing = [];
    for (const [k, file] of used) {
      if (typeof en.get(k) !== 'string') missing.push(`en-US ${k} (${file})`);
      if (typeof de.get(k) !== 'string') missing.push(`de ${k} (${file})`);
    }
    assert.deepStrictEqual(missing, []);
  });

  it("each t('key', { ... }) call gives exactly the key's placeholders", () => {
    const problems = [];
    let calls = 0;
    for (const file of sources()) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\('([\w.-]+)'(\)|, \{)/g)) {
        const given = m[2] === ')' ? [] : topLevelNames(text, m.index + m[0].length);
        calls += 1;
        const want = placeholders(en.get(m[1]));
        if (given.sort().join() !== want.join()) problems.push(`${path.relative(ROOT, file)}: ${m[1]} gets ${given} but wants ${want}`);
      }
    }
    assert.ok(calls > 60, `${calls} calls checked`);
    assert.deepStrictEqual(problems, []);
  });

  it('every runtime key in the catalogs is used', () => {
    const unused = [...en.keys()].filter((k) => RUNTIME.includes(k.split('.')[1]) && !used.has(k));
    assert.deepStrictEqual(unused, []);
  });

  it('de has every en-US key (editor keys too), with the same placeholders, and no key en-US lacks', () => {
    const problems = [];
    for (const [k, v] of en) {
      if (!de.has(k)) problems.push(`de lacks ${k}`);
      else if (placeholders(v).join() !== placeholders(de.get(k)).join()) problems.push(`${k}: en-US ${placeholders(v)} vs de ${placeholders(de.get(k))}`);
    }
    for (const k of de.keys()) if (!en.has(k)) problems.push(`en-US lacks ${k}`);
    assert.deepStrictEqual(problems, []);
  });

  it("t(): RED._ gets the fully qualified key, and its text is taken", () => {
    const asked = [];
    i18n.useCatalogs({
      _: (key, subs) => {
        asked.push(key);
        const k = key.slice(key.indexOf(':') + 1);
        return de.get(k).replace(/__(\w+?)__/g, (m, n) => (subs && n in subs ? String(subs[n]) : m));
      },
    });
    assert.strictEqual(i18n.t('ftps-server.status.retry', { retry: 1, retries: 2, seconds: 4 }), 'Wiederholung 1/2 in 4 s');
    assert.deepStrictEqual(asked, ['node-red-contrib-ftps/ftps-server:ftps-server.status.retry']);
  });

  it('t(): when RED._ gives the key back (no catalog loaded, key missing), the en-US text', () => {
    i18n.useCatalogs({ _: (key) => key });
    assert.strictEqual(i18n.t('ftps-server.status.retry', { retry: 1, retries: 2, seconds: 4 }), 'retry 1/2 in 4 s');
    i18n.useCatalogs({ _: (key) => key.slice(key.indexOf(':') + 1) });
    assert.strictEqual(i18n.t('ftps-ops.status.bytes', { n: 7 }), '7 bytes');
    assert.strictEqual(i18n.t('ftps-ops.status.noSuchKey'), 'ftps-ops.status.noSuchKey', 'a missing key shows as itself');
  });
});
