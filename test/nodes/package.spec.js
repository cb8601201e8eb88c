'use strict';
// The package as Node-RED's loader and editor see it: package.json's node list,
// editor HTML, help, message catalogs (en-US and de), icons and examples, checked
// statically and through a real embedded Node-RED runtime.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TYPES = ['ftps-server', 'ftps-list', 'ftps-get', 'ftps-put', 'ftps-xput', 'ftps-mdtm', 'ftps-site', 'ftps-quot', 'ftps-ops', 'ftps-watch'];
const ACTION_TYPES = TYPES.slice(1);

const read = (...p) => fs.readFileSync(path.join(ROOT, ...p), 'utf8');
const catalog = (lang, t) => JSON.parse(read('nodes', 'locales', lang, `${t}.json`));

function lookup(obj, key) {
  return key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

/** The registerType call's definition object, as source text. */
function definition(html, t) {
  const start = html.indexOf(`RED.nodes.registerType("${t}"`);
  assert.ok(start >= 0, `${t}: RED.nodes.registerType("${t}", ...) in the HTML`);
  return html.slice(start, html.indexOf('</script>', start));
}

/** Property names in the `defaults: { ... }` block. */
function defaultsOf(def) {
  const i = def.indexOf('defaults: {');
  const block = def.slice(i, def.indexOf('\n    },', i));
  return [...block.matchAll(/^\s{8}(\w+):/gm)].map((m) => m[1]);
}

// the multi-file get and put options (CONTRACT.md)
const MULTI = ['recursive', 'skip', 'deleteExtraneous', 'concurrency'];
// the editor script every dialog shares: it expands the <ftps-row> markers of the templates
const sharedEditor = require(path.join(ROOT, 'resources', 'ftps-editor.js'));
const sharedEditorText = read('resources', 'ftps-editor.js');
// the contract's properties (CONTRACT.md); `type` is stored as `transferType`
// because `type` is every node's own type in a flow
const CONTRACT = {
  'ftps-server': ['host', 'port', 'encryption', 'dataProt', 'tls', 'rejectUnauthorized', 'fingerprint', 'pasvHost', 'epsv', 'pret', 'overrideHelp', 'ccc', 'timeout', 'preserveTimestamp', 'maxConnections', 'idleTimeout', 'debug',
    'lowSpeedLimit', 'lowSpeedTime', 'maxMemory', 'retries', 'retryDelay', 'keepAlive', 'rateLimit', 'proxy', 'dataMode', 'activeHost', 'encoding', 'allowMsgOverride'],
  'ftps-list': ['server', 'name', 'path', 'pathType', 'pattern', 'method', 'recursive', 'dot'],
  'ftps-get': ['server', 'name', 'path', 'pathType', 'output', 'localFilename', 'localFilenameType', 'transferType', 'resume', 'preserveTimestamp', ...MULTI],
  'ftps-put': ['server', 'name', 'path', 'pathType', 'source', 'localFilename', 'localFilenameType', 'mode', 'resume', 'transferType', 'preserveTimestamp', 'mkdirs', ...MULTI],
  'ftps-xput': ['server', 'name', 'path', 'pathType', 'source', 'localFilename', 'localFilenameType', 'prefix', 'postfix', 'body', 'transferType', 'preserveTimestamp', 'mkdirs', ...MULTI],
  'ftps-mdtm': ['server', 'name', 'path', 'pathType', 'action'],
  'ftps-site': ['server', 'name', 'command', 'commandType'],
  'ftps-quot': ['server', 'name', 'command', 'commandType'],
  'ftps-ops': ['server', 'name', 'path', 'pathType', 'operation', 'to', 'toType', 'recursive'],
  'ftps-watch': ['server', 'name', 'path', 'pattern', 'recursive', 'interval', 'emitExisting', 'events', 'download', 'afterEmit', 'moveTo', 'claim', 'claimTimeout', 'dot'],
};
// a trigger node: its path is a plain directory (default "/"), not a TypedInput
const TRIGGER_TYPES = ['ftps-watch'];

describe('package files (editor, help, locales, icons, examples)', function () {
  it('package.json lists every node with its .js and .html', () => {
    assert.strictEqual(pkg.name, 'node-red-contrib-ftps');
    assert.match(pkg['node-red'].version, />=4/);
    assert.deepStrictEqual(Object.keys(pkg['node-red'].nodes).sort(), [...TYPES].sort());
    for (const t of TYPES) {
      const js = pkg['node-red'].nodes[t];
      assert.strictEqual(js, `nodes/${t}.js`);
      assert.ok(fs.existsSync(path.join(ROOT, js)), `${js} built`);
      assert.ok(fs.existsSync(path.join(ROOT, js.replace(/\.js$/, '.html'))), `${t}.html`);
    }
  });

  for (const t of TYPES) {
    it(`${t}: inline registerType literals, contract defaults, i18n keys in en-US and de, help, icon`, () => {
      const html = read('nodes', `${t}.html`);
      assert.ok(html.includes(`data-template-name="${t}"`));
      const def = definition(html, t);
      const literals = t === 'ftps-server' ? ['category: "config"', 'defaults: {', 'credentials: {'] : ['category: "storage"', 'color: "', 'defaults: {', 'inputs: 1', 'outputs: 1', 'icon: "'];
      for (const l of literals) assert.ok(def.includes(l), `${t}: ${l}`);
      const defaults = defaultsOf(def);
      for (const p of CONTRACT[t]) assert.ok(defaults.includes(p), `${t}: default for ${p}`);
      assert.ok(!defaults.includes('type'), `${t}: no property named "type"`);
      if (t !== 'ftps-server') {
        assert.match(def, /server: \{ value: "", type: "ftps-server", required: true \}/);
        if (TRIGGER_TYPES.includes(t)) {
          assert.match(def, /path: \{ value: "\/" \}/);
          assert.match(def, /interval: \{ value: 60,/);
          assert.match(def, /events: \{ value: "add,change" \}/);
          assert.match(def, /afterEmit: \{ value: "keep" \}/);
          assert.match(def, /emitExisting: \{ value: false \}/);
        } else {
          for (const f of ['path', 'command']) {
            if (defaults.includes(f)) assert.ok(defaults.includes(`${f}Type`), `${t}: ${f} stored with ${f}Type`);
          }
          if (defaults.includes('path')) assert.match(def, /path: \{ value: "filename"/);
          if (defaults.includes('path')) assert.match(def, /pathType: \{ value: "msg" \}/);
        }
        if (defaults.includes('localFilename')) assert.match(def, /localFilename: \{ value: "localFilename"/);
        const icon = /icon: "([^"]+)"/.exec(def)[1];
        assert.ok(fs.existsSync(path.join(ROOT, 'icons', icon)), `icons/${icon}`);
        assert.ok(fs.existsSync(path.join(ROOT, 'nodes', 'icons', icon)), `nodes/icons/${icon} (copied by the build)`);
        assert.match(read('icons', icon), /^<svg[^>]*viewBox="0 0 40 60"/);
      } else {
        assert.match(def, /user: \{ type: "text" \}/);
        assert.match(def, /password: \{ type: "password" \}/);
        assert.match(def, /tls: \{ value: "", type: "tls-config", required: false \}/);
      }
      const en = catalog('en-US', t);
      const de = catalog('de', t);
      // the template as the editor gets it, with its <ftps-row> markers expanded; "a;[title]b" holds two keys
      const expanded = sharedEditor.expand(t, html);
      assert.ok(!expanded.includes('<ftps-row'), `${t}: every marker expanded`);
      const keys = new Set([...expanded.matchAll(/data-i18n="([^"]+)"/g)].flatMap((m) => m[1].split(';').map((k) => k.replace(/^\[[a-z]+\]/, ''))));
      for (const m of html.matchAll(/node\._\("([^"]+)"\)/g)) keys.add(m[1]);
      if (t === 'ftps-server') {
        // the Test connection result: node._("ftps-server.test.x") and line("x", ...) in the shared script
        for (const m of sharedEditorText.matchAll(/node\._\("(ftps-server\.test\.\w+)"\)/g)) keys.add(m[1]);
        for (const m of sharedEditorText.matchAll(/line\("(\w+)"/g)) keys.add(`ftps-server.test.${m[1]}`);
      }
      assert.ok(keys.size > 0);
      for (const k of keys) {
        assert.strictEqual(typeof lookup(en, k), 'string', `${t}: en-US ${k}`);
        assert.strictEqual(typeof lookup(de, k), 'string', `${t}: de ${k}`);
      }
      const help = read('nodes', 'locales', 'en-US', `${t}.html`);
      assert.ok(help.includes(`data-help-name="${t}"`));
      assert.match(help, /data-help-name="[^"]+">\s*<p>[^<]+/, 'the first element is a <p> (the palette tooltip)');
      assert.match(help, /<h3>Details<\/h3>/);
      if (t !== 'ftps-server') {
        assert.match(help, /<h3>Inputs<\/h3>[\s\S]*<h3>Outputs<\/h3>[\s\S]*<h3>Details<\/h3>/);
        assert.match(help, /dl class="message-properties"/);
      }
      const helpDe = read('nodes', 'locales', 'de', `${t}.html`);
      assert.ok(helpDe.includes(`data-help-name="${t}"`), `${t}: de help`);
      assert.match(helpDe, /data-help-name="[^"]+">\s*<p>[^<]+/);
      if (t !== 'ftps-server') assert.match(helpDe, /<h3>Eingaben<\/h3>[\s\S]*<h3>Ausgaben<\/h3>[\s\S]*<h3>Details<\/h3>/);
      if (defaults.includes('transferType')) {
        // the contract's `type`, stored as transferType, with msg.type as the per-message override
        for (const [lang, text] of [['en-US', help], ['de', helpDe]]) {
          assert.match(text, /<dt class="optional">type <span class="property-type">string<\/span><\/dt>/, `${t} ${lang}: msg.type among the inputs`);
          assert.match(text, /<code>transferType<\/code>/, `${t} ${lang}: transferType`);
          assert.match(text, /<code>msg\.type<\/code>[^.]*<code>"binary"<\/code>[^.]*<code>"ascii"<\/code>/, `${t} ${lang}: msg.type override`);
        }
      }
    });
  }

  it('examples: valid flows, no credentials, together they use every action node', () => {
    const files = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 10);
    const used = new Set();
    for (const f of files) {
      const text = read('examples', f);
      const flow = JSON.parse(text);
      assert.ok(Array.isArray(flow), f);
      const ids = new Set(flow.map((n) => n.id));
      assert.strictEqual(ids.size, flow.length, `${f}: unique ids`);
      for (const n of flow) {
        used.add(n.type);
        assert.ok(!('credentials' in n), `${f}: no credentials`);
        for (const out of n.wires || []) for (const w of out) assert.ok(ids.has(w), `${f}: wire to ${w}`);
        if (ACTION_TYPES.includes(n.type)) assert.ok(ids.has(n.server), `${f}: ${n.id} has its server`);
      }
      assert.ok(!/"password"\s*:/.test(text), `${f}: no password`);
    }
    for (const t of ACTION_TYPES) assert.ok(used.has(t), `an example uses ${t}`);
    assert.ok(files.some((f) => /pick up new files/i.test(f)));
    assert.ok(files.some((f) => /sensor CSV/i.test(f)));
  });

  it('the tarball (npm pack) holds what Node-RED needs and nothing of the development tree', function () {
    this.timeout(60000);
    // --ignore-scripts: the files are built already; prepack would only build them again
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const shipped = new Set(JSON.parse(out)[0].files.map((f) => f.path));
    const need = ['package.json', 'README.md', 'LICENSE', 'resources/ftps-editor.js', pkg.main, pkg.types];
    for (const [t, js] of Object.entries(pkg['node-red'].nodes)) {
      need.push(js, js.replace(/\.js$/, '.html'));
      for (const lang of ['en-US', 'de']) need.push(`nodes/locales/${lang}/${t}.json`, `nodes/locales/${lang}/${t}.html`);
    }
    for (const icon of fs.readdirSync(path.join(ROOT, 'icons'))) need.push(`nodes/icons/${icon}`);
    for (const ex of fs.readdirSync(path.join(ROOT, 'examples'))) need.push(`examples/${ex}`);
    for (const f of need) assert.ok(shipped.has(f), `${f} in the tarball`);
    for (const f of shipped) {
      assert.ok(!/^(src|test|bench|demo|docs|scripts|\.ci|icons)\//.test(f), `${f} is not for users`);
      assert.ok(!f.endsWith('.map') && !f.endsWith('.ts') || f.startsWith('nodes/lib/') && f.endsWith('.d.ts'), `${f}: only the client's type declarations (package.json types) of the compiled extras`);
    }
    // every relative require of a shipped module resolves inside the tarball
    for (const f of [...shipped].filter((x) => x.endsWith('.js') && x.startsWith('nodes/'))) {
      for (const m of read(f).matchAll(/require\("(\.[^"]+)"\)/g)) {
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1]));
        assert.ok([base, `${base}.js`, `${base}/index.js`].some((c) => shipped.has(c)), `${f} requires ${m[1]}, shipped`);
      }
    }
    assert.match(read('LICENSE'), /Apache License\s+Version 2\.0/);
    assert.strictEqual(pkg.license, 'Apache-2.0');
    for (const k of ['repository', 'bugs', 'homepage']) assert.ok(pkg[k], `package.json ${k}`);
    assert.ok(pkg.keywords.includes('node-red'));
    assert.match(pkg.engines.node, /^>=\d+/);
    assert.strictEqual(pkg.scripts.prepack, 'npm run build', 'a clean clone builds what it packs');
  });

  it('README images and links work from the Flow Library page: absolute URLs, nothing outside the repository', () => {
    const readme = read('README.md');
    for (const m of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)) assert.match(m[1], /^https:\/\/raw\.githubusercontent\.com\/node-red-contrib-ftps\/node-red-contrib-ftps\//, `image ${m[1]}`);
    for (const m of readme.matchAll(/\]\(([^)\s]+)/g)) {
      assert.ok(!m[1].startsWith('..'), `link ${m[1]} leaves the repository`);
      if (!/^(https?:|#|mailto:)/.test(m[1])) assert.ok(fs.existsSync(path.join(ROOT, m[1].split('#')[0])), `link ${m[1]} exists`);
    }
    assert.ok(!readme.includes('../shared'), 'no links to files outside the repository');
    assert.match(readme, /`npm test`/, 'the test command');
  });

  it('examples import side by side: ids unique across all of them, one named tab each, config nodes of their own', () => {
    const files = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
    const owner = new Map();
    const labels = new Set();
    for (const f of files) {
      const flow = JSON.parse(read('examples', f));
      for (const n of flow) {
        assert.ok(!owner.has(n.id), `${f}: id ${n.id} is also used by ${owner.get(n.id)}`);
        owner.set(n.id, f);
      }
      const tabs = flow.filter((n) => n.type === 'tab');
      assert.strictEqual(tabs.length, 1, `${f}: one tab`);
      const tab = tabs[0];
      assert.match(tab.label, /^FTPS: \w/, `${f}: tab named by what it does`);
      assert.ok(!labels.has(tab.label), `${f}: tab label ${tab.label} unique`);
      labels.add(tab.label);
      for (const n of flow) {
        if (n.type === 'tab') continue;
        // config nodes stay global, so the user sets a server once and reuses it
        if (n.type === 'ftps-server' || n.type === 'tls-config') assert.ok(!('z' in n), `${f}: ${n.id} global`);
        else assert.strictEqual(n.z, tab.id, `${f}: ${n.id} on the example's tab`);
      }
      const servers = flow.filter((n) => n.type === 'ftps-server');
      assert.strictEqual(servers.length, 1, `${f}: its own ftps-server`);
      assert.strictEqual(servers[0].host, 'ftp.example.com', `${f}: a placeholder host`);
    }
  });

  it('examples fire nothing on deploy: manual injects only, the polling watch node imported disabled', () => {
    const files = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
    for (const f of files) {
      for (const n of JSON.parse(read('examples', f))) {
        if (n.type === 'inject') {
          assert.ok(!n.once, `${f}: ${n.id} does not fire once at deploy`);
          assert.ok(!n.repeat, `${f}: ${n.id} does not repeat`);
          assert.ok(!n.crontab, `${f}: ${n.id} has no schedule`);
        }
        // ftps-watch polls from the moment it starts
        if (n.type === 'ftps-watch') assert.strictEqual(n.d, true, `${f}: ${n.id} disabled until the user sets a server`);
      }
    }
  });

  it('examples read only files the demo server provides (demo/ftp-server.js seeds them)', () => {
    const { seedExampleFiles } = require('../../demo/ftp-server');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-seed-'));
    try {
      seedExampleFiles(root);
      const READERS = { 'ftps-get': 'file', 'ftps-mdtm': 'file', 'ftps-list': 'dir' };
      let checked = 0;
      for (const f of fs.readdirSync(path.join(ROOT, 'examples')).filter((x) => x.endsWith('.json'))) {
        const flow = JSON.parse(read('examples', f));
        const byId = new Map(flow.map((n) => [n.id, n]));
        for (const inj of flow.filter((n) => n.type === 'inject')) {
          const fname = (inj.props || []).find((p) => p.p === 'filename' && p.vt === 'str');
          if (!fname) continue;
          for (const target of inj.wires.flat().map((id) => byId.get(id))) {
            let kind = READERS[target.type];
            if (target.type === 'ftps-ops' && ['exists', 'size', 'stat'].includes(target.operation)) kind = 'file';
            if (target.type === 'ftps-mdtm' && target.action === 'set') kind = 'file';
            if (!kind) continue;
            // a multi-file get (a glob in the path) lists the literal folder before the first wildcard
            const parts = fname.v.split('/');
            const wild = parts.findIndex((x) => /[*?[{]/.test(x));
            if (wild >= 0) {
              assert.strictEqual(target.type, 'ftps-get', `${f}: a glob only on ftps-get`);
              kind = 'dir';
            }
            const local = path.join(root, wild >= 0 ? parts.slice(0, wild).join('/') : fname.v);
            assert.ok(fs.existsSync(local), `${f}: ${inj.name} reads ${fname.v}, which the demo server has`);
            assert.strictEqual(fs.statSync(local).isDirectory(), kind === 'dir', `${f}: ${fname.v} is a ${kind}`);
            checked++;
          }
        }
      }
      assert.ok(checked >= 6, `${checked} reads checked`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('loads as a module in a real Node-RED runtime (types, editor HTML, help, catalogs, icons)', function () {
    this.timeout(60000);
    const file = path.join(os.tmpdir(), `ftps-runtime-${process.pid}.json`);
    execFileSync(process.execPath, [path.join(__dirname, 'support', 'load-in-runtime.js'), file], { encoding: 'utf8', timeout: 50000 });
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.rmSync(file, { force: true });
    assert.deepStrictEqual(r.sets.map((s) => s.types).flat().sort(), [...TYPES].sort());
    for (const s of r.sets) assert.strictEqual(s.err, null, `${s.id}: ${s.err}`);
    for (const t of TYPES) {
      assert.ok(r.configs.includes(`data-template-name="${t}"`), `${t} editor template served`);
      assert.ok(r.configs.includes(`data-help-name="${t}"`), `${t} help served`);
      assert.ok(r.catalogEn[`node-red-contrib-ftps/${t}`][t], `${t} en-US catalog`);
      assert.ok(r.catalogDe[`node-red-contrib-ftps/${t}`][t], `${t} de catalog`);
    }
    assert.deepStrictEqual([...r.icons].sort(), ACTION_TYPES.map((t) => `${t}.svg`).sort());
  });
});
