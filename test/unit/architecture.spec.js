'use strict';
// The rooms of src/ and their arrows (docs/architecture.md): no import cycle
// (type imports included), no file that has grown past one concern, and the
// client free of Node-RED.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const SRC = path.join(__dirname, '..', '..', 'src');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return d.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file (import, import type, export ... from), resolved to files. */
function importsOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)) {
    const base = path.resolve(path.dirname(file), m[1]);
    const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
    if (hit) out.push(hit);
  }
  return out;
}

function findCycle(files) {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map();
  const stack = [];
  const visit = (f) => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') return [...stack.slice(stack.indexOf(g)), g];
      if (!state.has(g)) {
        const c = visit(g);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of files) {
    if (!state.has(f)) {
      const c = visit(f);
      if (c) return c.map((x) => path.relative(SRC, x));
    }
  }
  return null;
}

describe('architecture of src/', () => {
  const files = sources(SRC);

  it('the cycle finder finds a cycle when there is one (a made-up pair)', () => {
    const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'arch-'));
    try {
      fs.writeFileSync(path.join(tmp, 'a.ts'), "import type { B } from './b';\n");
      fs.writeFileSync(path.join(tmp, 'b.ts'), "export { A } from './a';\n");
      assert.ok(findCycle([path.join(tmp, 'a.ts'), path.join(tmp, 'b.ts')]));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('no import cycle (type imports included)', () => {
    assert.equal(findCycle(files), null);
  });

  it('no source file above 600 lines', () => {
    const long = files.map((f) => [path.relative(SRC, f), fs.readFileSync(f, 'utf8').split('\n').length]).filter(([, n]) => n > 600);
    assert.deepEqual(long, []);
  });

  it('arrows point one way: src/lib imports nothing from src/nodes or the node files', () => {
    const lib = path.join(SRC, 'lib');
    const wrong = files.filter((f) => f.startsWith(lib)).flatMap((f) => importsOf(f).filter((g) => !g.startsWith(lib)).map((g) => `${path.relative(SRC, f)} -> ${path.relative(SRC, g)}`));
    assert.deepEqual(wrong, []);
  });
});
