'use strict';
// The package as users get it: `npm pack` from this checkout (prepack builds
// it), `npm install <tarball>` into a fresh Node-RED user directory (no dev
// dependencies), a real `node-red` process of the given version (installed
// from the registry into its own temporary prefix) on the given Node.js, then
// through the admin API: every node type registered, enabled, without error,
// and each example deployed with nothing firing on deploy.
//
//   node scripts/tarball-check.js 4:20 5:22 4:24     (Node-RED major : Node.js major)
//
// Node.js majors other than this process's own come from the registry package
// node@N (`npx -y -p node@N`). The examples' ftps-server nodes are pointed at a
// local "tripwire" listener that counts connections: an example that connects
// on deploy shows up there (and in the log) instead of waiting on DNS.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TYPES = Object.keys(pkg['node-red'].nodes);
const START_TIMEOUT_MS = 90_000;
const STEP_TIMEOUT_MS = 30_000;

const log = (s) => console.log(`[tarball] ${s}`);

function run(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000, ...opts });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout || ''}${e.stderr || ''}`);
  }
}

/** The node binary for a major version: this one, or node@N from the registry. */
function nodeBinary(major) {
  if (String(process.versions.node.split('.')[0]) === String(major)) return process.execPath;
  return run('npx', ['-y', '-p', `node@${major}`, 'node', '-p', 'process.execPath']).trim();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A TCP listener that counts connections and closes each at once. */
async function tripwire() {
  const hits = [];
  const waiters = [];
  const server = net.createServer((sock) => {
    hits.push(Date.now());
    sock.destroy();
    for (const w of waiters.splice(0)) w();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    hits,
    next: (ms) => withTimeout(new Promise((r) => waiters.push(r)), ms, 'a connection to the tripwire'),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function withTimeout(p, ms, what) {
  let timer;
  return Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** node-red processes still running: killed if this script is stopped or fails. */
const children = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) c.kill('SIGKILL');
    console.error(`[tarball] stopped by ${sig}`);
    process.exit(1);
  });
}
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** A running node-red process: its output, waits on log lines, stop. */
function startNodeRed(nodeBin, redJs, userDir, port) {
  const child = spawn(nodeBin, [redJs, '--userDir', userDir, '--port', String(port), '--settings', path.join(userDir, 'settings.js')], {
    cwd: userDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false' },
  });
  let output = '';
  const watchers = new Set();
  const onData = (d) => {
    output += d;
    for (const w of watchers) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  children.add(child);
  const exit = new Promise((r) => child.once('exit', (code, signal) => {
    children.delete(child);
    exited = { code, signal };
    for (const w of watchers) w();
    r(exited);
  }));
  /** Resolves once `re` matches the output after `from`; fails if the process ends first. */
  const waitFor = (re, from, ms, what) => withTimeout(new Promise((resolve, reject) => {
    const check = () => {
      const m = re.exec(output.slice(from));
      if (m) {
        watchers.delete(check);
        resolve(m);
      } else if (exited) {
        watchers.delete(check);
        reject(new Error(`node-red exited (${JSON.stringify(exited)}) before ${what}`));
      }
    };
    watchers.add(check);
    check();
  }), ms, what);
  const stop = async () => {
    if (exited) return exited;
    child.kill('SIGINT');
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exit;
    clearTimeout(t);
    return exited;
  };
  return { child, output: () => output, waitFor, stop };
}

async function api(base, method, p, body, headers = {}) {
  const res = await fetch(base + p, {
    method,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${p}: HTTP ${res.status} ${text.slice(0, 500)}`);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The examples, each server pointed at the tripwire (host and port only), and
 * each debug node also writing to the log: errors a Catch node handles are
 * not logged by Node-RED, so this is where they show.
 */
function examples(port) {
  const dir = path.join(ROOT, 'examples');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const flow = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    for (const n of flow) {
      if (n.type === 'ftps-server') Object.assign(n, { host: '127.0.0.1', port: String(port) });
      if (n.type === 'debug') Object.assign(n, { console: true, name: n.id });
    }
    return { file: f, flow };
  });
}

/** Log lines at error or warn level, and debug node output (something ran). */
function problems(text) {
  return text.split('\n').filter((l) => /\[(error|warn)\]|\[debug:/.test(l));
}

async function checkCombo(tarball, work, nrMajor, nodeMajor, redPrefixes) {
  const label = `Node-RED ${nrMajor} on Node.js ${nodeMajor}`;
  const t0 = Date.now();
  const nodeBin = nodeBinary(nodeMajor);
  const nodeVersion = run(nodeBin, ['-v']).trim();
  if (!redPrefixes.has(nrMajor)) {
    const prefix = path.join(work, `node-red-${nrMajor}`);
    log(`installing node-red@${nrMajor} into ${prefix}`);
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev', '--prefix', prefix, `node-red@${nrMajor}`]);
    redPrefixes.set(nrMajor, prefix);
  }
  const redDir = path.join(redPrefixes.get(nrMajor), 'node_modules', 'node-red');
  const redVersion = JSON.parse(fs.readFileSync(path.join(redDir, 'package.json'), 'utf8')).version;

  // a fresh user directory as Node-RED makes it, with its own package.json
  const userDir = path.join(work, `userdir-nr${nrMajor}-node${nodeMajor}`);
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', tarball], { cwd: userDir });
  const installed = fs.readdirSync(path.join(userDir, 'node_modules')).filter((d) => !d.startsWith('.'));
  for (const dev of Object.keys(pkg.devDependencies || {})) {
    if (installed.includes(dev.split('/')[0])) throw new Error(`${label}: dev dependency ${dev} was installed into the user directory`);
  }
  let uiPort = await freePort();
  fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = ${JSON.stringify({
    uiHost: '127.0.0.1',
    flowFile: 'flows.json',
    credentialSecret: 'tarball-check',
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { tours: false },
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false },
  }, null, 2)};\n`);

  const wire = await tripwire();
  let red;
  for (let attempt = 1; ; attempt++) {
    red = startNodeRed(nodeBin, path.join(redDir, 'red.js'), userDir, uiPort);
    try {
      await red.waitFor(/Server now running at/, 0, START_TIMEOUT_MS, `${label} to start`);
      break;
    } catch (e) {
      await red.stop();
      // the free port was taken by someone else before node-red listened on it
      if (attempt < 3 && /EADDRINUSE/.test(red.output())) {
        uiPort = await freePort();
        continue;
      }
      await wire.close();
      e.message += `\n--- node-red output (${label}) ---\n${red.output().slice(-6000)}`;
      throw e;
    }
  }
  const base = `http://127.0.0.1:${uiPort}`;
  try {
    await red.waitFor(/Started flows|No flows found|Flows file not found/i, 0, START_TIMEOUT_MS, `${label}'s flows to start`);
    // startup's own warnings (a new flow file, projects off) are not the package's
    const afterStart = red.output().length;

    // every node type registered, enabled, loaded, without error
    const sets = (await api(base, 'GET', '/nodes')).filter((s) => s.module === pkg.name);
    const types = sets.flatMap((s) => s.types).sort();
    if (JSON.stringify(types) !== JSON.stringify([...TYPES].sort())) throw new Error(`${label}: types ${types.join(', ')}; expected ${TYPES.join(', ')}`);
    for (const s of sets) {
      if (s.err) throw new Error(`${label}: ${s.id} failed to load: ${s.err}`);
      if (s.enabled !== true) throw new Error(`${label}: ${s.id} not enabled`);
      if (s.version !== pkg.version) throw new Error(`${label}: ${s.id} version ${s.version}, packed ${pkg.version}`);
    }
    const icons = (await api(base, 'GET', '/icons'))[pkg.name] || [];
    const wantIcons = fs.readdirSync(path.join(ROOT, 'icons')).sort();
    if (JSON.stringify([...icons].sort()) !== JSON.stringify(wantIcons)) throw new Error(`${label}: icons ${icons.join(', ')}; expected ${wantIcons.join(', ')}`);
    const html = await api(base, 'GET', '/nodes', undefined, { Accept: 'text/html' });
    for (const t of TYPES) {
      if (!html.includes(`data-template-name="${t}"`)) throw new Error(`${label}: editor template of ${t} not served`);
      if (!html.includes(`data-help-name="${t}"`)) throw new Error(`${label}: help of ${t} not served`);
    }
    const de = await api(base, 'GET', '/nodes/messages?lng=de');
    for (const t of TYPES) if (!(de[`${pkg.name}/${t}`] || {})[t]) throw new Error(`${label}: no de catalog for ${t}`);
    const resource = await fetch(`${base}/resources/${pkg.name}/ftps-editor.js`);
    if (resource.status !== 200) throw new Error(`${label}: resources/ftps-editor.js: HTTP ${resource.status}`);

    // each example alone, then all of them side by side, as full deploys
    const all = examples(wire.port);
    const deploys = all.map((e) => ({ what: e.file, flow: e.flow })).concat([{ what: 'all examples together', flow: all.flatMap((e) => e.flow) }]);
    for (const d of deploys) {
      const from = red.output().length;
      const rev = (await api(base, 'GET', '/flows')).rev;
      await api(base, 'POST', '/flows', { flows: d.flow, rev }, { 'Node-RED-Deployment-Type': 'full' });
      await red.waitFor(/Started flows/, from, STEP_TIMEOUT_MS, `${label}: flows of ${d.what} to start`);
      const deployed = (await api(base, 'GET', '/flows')).flows;
      const missing = d.flow.filter((n) => !deployed.some((m) => m.id === n.id));
      if (missing.length) throw new Error(`${label}: ${d.what}: nodes not deployed: ${missing.map((n) => n.id).join(', ')}`);
    }
    // Positive control: a click on one inject reaches the tripwire and its
    // error reaches the log through the example's Catch and debug nodes, so
    // the tripwire and the log do see a node that runs. Nothing else may have
    // connected or logged by then. (That no inject fires once or repeats and
    // the polling watch node is imported disabled is proven statically, in
    // test/nodes/package.spec.js: a runtime check can only watch for a while.)
    const hitsBefore = wire.hits.length;
    const from = red.output().length;
    const clicked = all[0].flow;
    const listInject = clicked.find((n) => n.type === 'inject');
    const hit = wire.next(STEP_TIMEOUT_MS);
    await api(base, 'POST', `/inject/${listInject.id}`);
    await hit;
    const ids = new Set(clicked.map((n) => n.id));
    await red.waitFor(new RegExp(`\\[debug:${clicked.find((n) => n.type === 'debug' && n.complete === 'error').id}\\]`), from, 60_000, `${label}: the clicked list node's error at its debug node`);
    if (hitsBefore !== 0) throw new Error(`${label}: ${hitsBefore} connections to the server before any click`);
    const bad = problems(red.output().slice(afterStart)).filter((l) => {
      const m = /\[debug:([^\]]+)\]/.exec(l);
      return !(m && ids.has(m[1]) && red.output().indexOf(l) >= from);
    });
    if (bad.length) throw new Error(`${label}: errors, warnings or messages not from the clicked inject:\n${bad.join('\n')}`);
    if (process.env.TARBALL_CHECK_VERBOSE) console.log(red.output());
    const stopped = await red.stop();
    if (stopped.code !== 0 && stopped.signal !== 'SIGINT') throw new Error(`${label}: node-red exit ${JSON.stringify(stopped)}`);
    log(`ok: ${label} (node-red ${redVersion}, node ${nodeVersion}): ${TYPES.length} types, ${all.length} examples deployed, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    e.message += `\n--- node-red output (${label}) ---\n${red.output().slice(-6000)}`;
    throw e;
  } finally {
    await red.stop();
    await wire.close();
  }
}

async function main() {
  const combos = (process.argv.slice(2).length ? process.argv.slice(2) : ['4:20', '5:22', '4:24']).map((c) => {
    const m = /^(\d+):(\d+)$/.exec(c);
    if (!m) throw new Error(`"${c}" is not NODE_RED_MAJOR:NODE_MAJOR (e.g. 4:20)`);
    return [Number(m[1]), Number(m[2])];
  });
  const t0 = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-tarball-'));
  let ok = false;
  try {
    log('npm pack (prepack builds the nodes)');
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT }))[0];
    const tarball = path.join(work, packed.filename);
    log(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`);
    const redPrefixes = new Map();
    for (const [nr, nodeMajor] of combos) await checkCombo(tarball, work, nr, nodeMajor, redPrefixes);
    ok = true;
    log(`all ${combos.length} combinations passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    if (ok || !process.env.KEEP_TARBALL_CHECK) fs.rmSync(work, { recursive: true, force: true });
    else log(`left ${work} for inspection`);
  }
}

main().catch((e) => {
  console.error(`[tarball] FAILED: ${e.stack || e.message}`);
  process.exit(1);
});
