'use strict';
// The editor as a user sees it, in a real browser (Debian's chromium driven
// by playwright-core), against the demo exactly as `npm start` runs it (its
// own process, embedded FTPS server, demo flow): the palette, the demo flow
// run from its inject button into the debug sidebar, the config dialog
// (validation, credentials kept out of the export), every edit dialog (its
// fields, options shown only when they apply), new nodes valid with only a
// server, the examples. Screenshots go to .test-tmp/screenshots/node-red-N/
// (or $SCREENSHOT_DIR). Every wait is on a DOM or editor state, never a delay.
// Without chromium or playwright-core the test is skipped, loudly; under
// CI=true it fails instead.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startDemo, ROOT } = require('../support/demo-process');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Node-RED as the demo runs it: the package's own, or NODE_RED_PATH's (Node-RED 5 in CI)
const NR_MAJOR = require(path.join(process.env.NODE_RED_PATH || path.dirname(require.resolve('node-red/package.json')), 'package.json')).version.split('.')[0];
const SHOTS = process.env.SCREENSHOT_DIR || path.join(ROOT, '.test-tmp', 'screenshots', `node-red-${NR_MAJOR}`);
// Every node type the package registers, from package.json: a node added there shows up here.
const TYPES = Object.keys(require('../../package.json')['node-red'].nodes);
// Chromium as this machine needs it: no sandbox as root, and no background
// connections (the network is closed; they would be refused by the dozen).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Options each dialog shows only when they apply: [select, value, selectors shown, selectors hidden].
const TOGGLES = {
  'ftps-get': {
    hidden: ['.ftps-get-file', '.ftps-get-chunks'],
    steps: [['#node-input-output', 'file', ['.ftps-get-file'], ['.ftps-get-chunks']], ['#node-input-output', 'chunks', ['.ftps-get-chunks'], ['.ftps-get-file']]],
  },
  'ftps-put': {
    hidden: ['.ftps-put-file', '.ftps-put-unique-tip'],
    steps: [['#node-input-source', 'file', ['.ftps-put-file'], []], ['#node-input-mode', 'unique', ['.ftps-put-unique-tip'], ['.ftps-put-resume']]],
  },
  'ftps-xput': { hidden: ['.ftps-xput-file'], steps: [['#node-input-source', 'file', ['.ftps-xput-file'], []]] },
  'ftps-mdtm': { hidden: ['.ftps-mdtm-set'], steps: [['#node-input-action', 'set', ['.ftps-mdtm-set'], []]] },
  'ftps-ops': {
    hidden: ['.ftps-ops-rename', '.ftps-ops-recursive'],
    steps: [['#node-input-operation', 'rename', ['.ftps-ops-rename'], ['.ftps-ops-recursive']], ['#node-input-operation', 'rmdir', ['.ftps-ops-recursive'], ['.ftps-ops-rename']]],
  },
  'ftps-watch': { hidden: ['.ftps-watch-move'], steps: [['#node-input-afterEmit', 'move', ['.ftps-watch-move'], []]] },
};

function playwright() {
  try {
    return require('playwright-core');
  } catch {
    return null;
  }
}

describe('editor in headless chromium (the demo as npm start runs it)', function () {
  this.timeout(120000);
  let demo;
  let browser;
  let page;
  let actionTypes;
  let newServerId;
  const errors = [];

  const shot = async (name, clip) => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), clip });
  };
  // the open edit tray, down to its last visible form row
  const trayShot = async (name) => shot(name, await page.evaluate(() => {
    const tray = $('.red-ui-tray').last()[0];
    const r = tray.getBoundingClientRect();
    const bottom = Math.max(...$(tray).find('.form-row:visible').map((i, e) => e.getBoundingClientRect().bottom).get());
    return { x: r.x, y: r.y, width: r.width, height: Math.min(r.height, bottom - r.y + 16) };
  }));

  before(async function () {
    const pw = playwright();
    if (!pw || !fs.existsSync(CHROMIUM)) {
      const msg = `editor test needs playwright-core (npm install) and ${CHROMIUM} (apt-get install chromium)`;
      if (process.env.CI === 'true') throw new Error(`CI=true and ${msg}`);
      console.log(`\n  !!!!!!!! SKIPPED: ${msg} !!!!!!!!\n`);
      this.skip();
    }
    // the user's editor settings, as the runtime stores them: no info tips cycling in the
    // sidebar and no welcome tour (Node-RED 5 shows them at start and they shift the layout)
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-demo-'));
    fs.writeFileSync(path.join(userDir, '.config.users.json'), JSON.stringify({ _: { editor: { view: { 'view-show-tips': false, 'view-show-welcome-tours': false } } } }));
    demo = await startDemo({ userDir });
    browser = await pw.chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(20000);
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/favicon|Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    await page.goto(`${demo.url}/`);
    await page.waitForSelector(`.red-ui-palette-node[data-palette-type="ftps-get"]`, { timeout: 60000 });
    // the flows are loaded (the demo tab is drawn) before anything is touched
    await page.waitForSelector('#ftps-demo-inject', { timeout: 60000 });
    actionTypes = await page.evaluate((types) => types.filter((t) => RED.nodes.getType(t) && RED.nodes.getType(t).category !== 'config'), TYPES);
    assert.strictEqual(await page.evaluate(() => RED.settings.get('editor.view.view-show-tips', true)), false, 'info tips off');
  });

  after(async () => {
    if (browser) await browser.close();
    if (demo) {
      await demo.stop();
      demo.cleanup();
    }
  });

  it("shows every node of package.json in the palette, under its category, with its label and its icon", async () => {
    const defs = await page.evaluate((types) => types.map((t) => {
      const d = RED.nodes.getType(t);
      return d && { type: t, category: d.category, icon: typeof d.icon === 'function' ? null : d.icon, paletteLabel: typeof d.paletteLabel === 'string' ? d.paletteLabel : t };
    }), TYPES);
    defs.forEach((d, i) => assert.ok(d, `${TYPES[i]} is registered in the editor`));
    assert.ok(actionTypes.length >= 8, `action nodes: ${actionTypes}`);
    // the palette filter, as a user looking for the nodes would type it
    await page.locator('#red-ui-palette-search input').pressSequentially('ftps');
    await page.waitForFunction(() => $('.red-ui-palette-node[data-palette-type="inject"]').is(':hidden'));
    for (const d of defs) {
      const info = await page.evaluate(async (type) => {
        const el = document.querySelector(`.red-ui-palette-node[data-palette-type="${type}"]`);
        if (!el) return null;
        const cat = el.closest('.red-ui-palette-category');
        const icon = el.querySelector('.red-ui-palette-icon');
        const bg = icon ? getComputedStyle(icon).backgroundImage : '';
        const url = (/url\("?([^")]+)"?\)/.exec(bg) || [])[1];
        let loaded = false;
        if (url) {
          const img = new Image();
          img.src = url;
          loaded = await img.decode().then(() => img.naturalWidth > 0, () => false);
        }
        return { label: el.textContent.replace(/\s+/g, ' ').trim(), category: cat && cat.id, visible: $(el).is(':visible'), icon: bg, loaded };
      }, d.type);
      if (d.category === 'config') {
        assert.strictEqual(info, null, `${d.type} (a config node) is not in the palette`);
        continue;
      }
      assert.ok(info, `${d.type} in the palette`);
      assert.strictEqual(info.category, `red-ui-palette-container-${d.category}`, d.type);
      assert.strictEqual(info.label, d.paletteLabel, d.type);
      assert.ok(info.visible, `${d.type} shown for the filter "ftps"`);
      assert.ok(d.icon && info.icon.includes(d.icon), `${d.type} icon ${d.icon}: ${info.icon}`);
      assert.ok(info.loaded, `${d.type} icon ${d.icon} loads as an image`);
    }
    // the palette down to the last category left by the filter
    const clip = await page.evaluate(() => {
      const p = document.getElementById('red-ui-palette').getBoundingClientRect();
      const bottom = Math.max(...$('.red-ui-palette-category:visible').map((i, e) => e.getBoundingClientRect().bottom).get());
      return { x: p.x, y: p.y, width: p.width, height: Math.min(p.height, bottom - p.y + 8) };
    });
    await shot('palette', clip);
    const search = page.locator('#red-ui-palette-search input');
    await search.press('Control+a');
    await search.press('Backspace');
    await page.waitForFunction(() => $('.red-ui-palette-node:visible').length > 20);
    // help sections written once (multi-file and msg.type in ftps-get's help, the upload source in
    // ftps-put's) are shown in the help of the others too, in place of their placeholders
    const helps = await page.evaluate(() => ['ftps-get', 'ftps-put', 'ftps-xput'].map((t) => RED.nodes.getNodeHelp(t)));
    helps.forEach((h, i) => {
      assert.match(h, /<span class="property-type">deleteExtraneous<\/span>/, `multi-file section, help ${i}`);
      assert.match(h, /<code>"binary"<\/code> or <code>"ascii"<\/code>: the transfer type/, `msg.type, help ${i}`);
      if (i > 0) assert.match(h, /<dt>payload <span class="property-type">buffer \| string \| number/, `upload source, help ${i}`);
      assert.doesNotMatch(h, /ftps-help:[\w-]+ from=/, `no placeholder left in help ${i}`);
    });
    assert.deepStrictEqual(errors, []);
  });

  it('runs the demo flow: its inject button puts, lists and gets hello.txt, and the debug sidebar shows it', async () => {
    // (the sidebar's tab bar differs between Node-RED 4 and 5)
    await page.evaluate(() => RED.sidebar.show('debug'));
    await page.waitForSelector('.red-ui-debug-content', { state: 'visible' });
    await page.click('#ftps-demo-inject .red-ui-flow-node-button-button');
    const content = page.locator('.red-ui-debug-msg', { hasText: 'file content' });
    await content.waitFor({ timeout: 30000 });
    assert.match(await content.locator('.red-ui-debug-msg-payload').innerText(), /Hello from Node-RED over FTPS at \d{4}-\d\d-\d\dT/);
    const listing = page.locator('.red-ui-debug-msg', { hasText: 'listing' });
    await listing.waitFor();
    // open the array and its first entry, as a user would, to see the file
    await listing.locator('.red-ui-debug-msg-expandable').first().click();
    await listing.locator('.red-ui-debug-msg-expandable').nth(1).click();
    await listing.locator('.red-ui-debug-msg-payload', { hasText: 'hello.txt' }).waitFor();
    assert.strictEqual(await page.locator('.red-ui-debug-msg', { hasText: 'error' }).count(), 0, 'no message from the Catch node');
    assert.match(fs.readFileSync(path.join(demo.ftp.root, 'hello.txt'), 'utf8'), /^Hello from Node-RED over FTPS at /);
    // the nodes report success in their status
    await page.waitForFunction(() => $('#ftps-demo-get .red-ui-flow-node-status-group').is(':visible'));
    await shot('demo-flow');
    assert.deepStrictEqual(errors, []);
  });

  async function waitForTray(okButton) {
    await page.waitForSelector(okButton, { state: 'visible' });
    // the tray has slid in and oneditprepare has run
    await page.waitForFunction(() => {
      const tray = $('.red-ui-tray').last()[0];
      if (!tray || tray.style.right !== '0px') return false;
      return Math.abs(tray.getBoundingClientRect().right - tray.parentElement.getBoundingClientRect().right) < 1;
    });
  }

  /** Nodes added to the current flow as a palette drag leaves them: every default filled in, then `extra`. */
  async function addNodes(list) {
    await page.evaluate((nodes) => {
      const z = RED.workspaces.active();
      const full = nodes.map((extra) => {
        const def = RED.nodes.getType(extra.type);
        const n = { z, wires: def.outputs ? [[]] : [] };
        for (const d in def.defaults) n[d] = def.defaults[d].value === undefined ? '' : JSON.parse(JSON.stringify(def.defaults[d].value));
        return Object.assign(n, extra);
      });
      RED.nodes.import(full, { generateIds: false });
      RED.nodes.dirty(true);
      RED.view.redraw(true);
    }, list);
    await page.waitForSelector(`[id="${list[list.length - 1].id}"] rect.red-ui-flow-node`);
  }

  /** Labels of the open dialog whose text does not fit their box (clipped or wrapped). */
  const unclippedLabels = () => page.evaluate(() => $('.red-ui-tray').last().find('.form-row:visible > label:first-child:visible')
    .filter((i, e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(e).lineHeight || '20'))
    .map((i, e) => $(e).text().trim()).get());

  const hasError = (sel) => page.evaluate((s) => $(s).hasClass('input-error'), sel);

  it('the server config dialog: its tabs and fields, a bad port and an empty host flagged, credentials stored but never exported; the demo flow still runs after a deploy from the editor', async () => {
    // a flow of its own, with one list node whose server is created from its dialog
    await page.evaluate(() => RED.workspaces.add());
    await addNodes([{ id: 'cred-list', type: 'ftps-list', x: 200, y: 80, server: '' }]);
    await page.dblclick('#cred-list rect.red-ui-flow-node');
    await waitForTray('#node-dialog-ok');
    // the one server there is (the demo's) is chosen for a new node; a second one is made here
    assert.strictEqual(await page.inputValue('#node-input-server'), 'ftps-demo-server', 'the only server is chosen');
    await trayShot('dialog-default-server');
    // and a node dropped from the palette (onadd) gets it too
    assert.strictEqual(await page.evaluate(() => { const n = { type: 'ftps-get', server: '' }; RED.nodes.getType('ftps-get').onadd.call(n); return n.server; }), 'ftps-demo-server');
    await page.selectOption('#node-input-server', '_ADD_');
    await page.click('#node-input-btn-server-add');
    await waitForTray('#node-config-dialog-ok');
    const form = await page.evaluate(() => ({
      tabs: $('#node-config-ftps-server-tabs li').map((i, e) => $(e).text().trim()).get(),
      password: $('#node-config-input-password').attr('type'),
      fields: ['host', 'port', 'encryption', 'user', 'password', 'dataProt', 'tls', 'timeout', 'maxConnections'].filter((f) => $(`#node-config-input-${f}`).length === 1),
      groups: Object.fromEntries(
        ['connection', 'security', 'data', 'advanced'].map((t) => [
          t,
          $(`#ftps-server-tab-${t}`)
            .find('input[id^="node-config-input-"], select[id^="node-config-input-"]')
            .map((i, e) => e.id.replace('node-config-input-', ''))
            .get(),
        ]),
      ),
    }));
    assert.deepStrictEqual(form.tabs, ['Connection', 'Security', 'Data', 'Advanced']);
    // the tab labels fit their tabs (the text ends clear of the tab's right edge; the tab clips its overflow)
    assert.deepStrictEqual(await page.evaluate(() => $('#node-config-ftps-server-tabs li').filter((i, li) => { const text = document.createRange(); text.selectNodeContents($(li).find('.red-ui-tab-label')[0]); return text.getBoundingClientRect().right > li.getBoundingClientRect().right - 6; }).map((i, e) => $(e).text().trim()).get()), []);
    // the grouping issue 4 asks for
    assert.deepStrictEqual(form.groups, {
      connection: ['host', 'port', 'user', 'password'],
      security: ['encryption', 'dataProt', 'tls', 'rejectUnauthorized', 'fingerprint', 'tlsMaxVersion', 'localRoot', 'allowMsgOverride', 'maxTargets'],
      data: ['dataMode', 'activeHost', 'epsv', 'pasvHost', 'pret', 'proxy', 'rateLimit', 'encoding'],
      advanced: ['timeout', 'maxConnections', 'idleTimeout', 'keepAlive', 'retries', 'retryDelay', 'lowSpeedLimit', 'lowSpeedTime', 'maxMemory', 'preserveTimestamp', 'overrideHelp', 'feat', 'enableFeatures', 'disableFeatures', 'ccc', 'debug'],
    });
    assert.deepStrictEqual(await unclippedLabels(), [], 'server dialog labels fit');
    assert.ok(form.tabs.every((t) => t && !/ftps-server\./.test(t)), `tab labels translated: ${form.tabs}`);
    assert.strictEqual(form.password, 'password');
    assert.deepStrictEqual(form.fields, ['host', 'port', 'encryption', 'user', 'password', 'dataProt', 'tls', 'timeout', 'maxConnections']);

    // empty host and a port out of range are flagged; fixing them clears the flags
    const typeInto = async (sel, v) => {
      await page.fill(sel, v);
      await page.dispatchEvent(sel, 'change');
    };
    await typeInto('#node-config-input-host', '');
    await typeInto('#node-config-input-port', '70000');
    await page.waitForFunction(() => $('#node-config-input-port').hasClass('input-error'));
    assert.strictEqual(await hasError('#node-config-input-host'), true, 'empty host flagged');
    await typeInto('#node-config-input-port', 'abc');
    assert.strictEqual(await hasError('#node-config-input-port'), true, 'non-numeric port flagged');
    await trayShot('ftps-server-dialog-invalid');
    await typeInto('#node-config-input-host', 'ftp.example.com');
    await typeInto('#node-config-input-port', '2121');
    await page.waitForFunction(() => !$('#node-config-input-port').hasClass('input-error') && !$('#node-config-input-host').hasClass('input-error'));
    // the FEAT switches (Advanced tab, hidden: set as its change handler sees it): a name other than MLST/MLSD/SIZE/MDTM is flagged
    const setHidden = (sel, v) => page.evaluate(([s, val]) => $(s).val(val).trigger('change'), [sel, v]);
    assert.strictEqual(await page.evaluate(() => $('#node-config-input-feat').is(':checked')), true, 'FEAT on by default');
    await setHidden('#node-config-input-disableFeatures', 'MLST, REST');
    await page.waitForFunction(() => $('#node-config-input-disableFeatures').hasClass('input-error'));
    await setHidden('#node-config-input-disableFeatures', 'mlsd, SIZE');
    await setHidden('#node-config-input-enableFeatures', 'MDTM');
    await page.waitForFunction(() => !$('#node-config-input-disableFeatures').hasClass('input-error') && !$('#node-config-input-enableFeatures').hasClass('input-error'));
    await setHidden('#node-config-input-disableFeatures', '');
    await setHidden('#node-config-input-enableFeatures', '');

    // encryption "clear" hides the TLS options and shows a warning
    const tlsShown = () => page.evaluate(() => ({ tls: $('.ftps-server-tls-only').first().css('display') !== 'none', warning: $('#ftps-server-clear-warning').css('display') !== 'none' }));
    assert.deepStrictEqual(await tlsShown(), { tls: true, warning: false });
    // encryption sits on the Security tab; the Connection tab stays shown (two tab clicks
    // within 400 ms are a double click to RED.tabs), so the select is changed as its handler sees it
    const setEncryption = (v) => page.evaluate((val) => $('#node-config-input-encryption').val(val).trigger('change'), v);
    await setEncryption('clear');
    assert.deepStrictEqual(await tlsShown(), { tls: false, warning: true });
    await setEncryption('explicit');
    assert.deepStrictEqual(await tlsShown(), { tls: true, warning: false });

    // Test connection against the demo's server (self-signed certificate), with the unsaved settings
    await typeInto('#node-config-input-host', demo.ftp.host);
    await typeInto('#node-config-input-port', String(demo.ftp.port));
    await page.fill('#node-config-input-user', demo.ftp.user);
    await page.fill('#node-config-input-password', demo.ftp.password);
    await page.click('#ftps-server-test');
    await page.waitForSelector('#ftps-server-test-pin', { state: 'visible', timeout: 30000 });
    const refused = await page.innerText('#ftps-server-test-result');
    assert.match(refused, /self-signed/, refused);
    assert.match(refused, /SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/, refused);
    assert.ok(!refused.includes(demo.ftp.password), 'password not shown');
    // the offer to pin sits below the error in the result box (it scrolls): shown in the screenshot
    await page.locator('#ftps-server-test-pin').scrollIntoViewIfNeeded();
    await trayShot('ftps-server-test-untrusted');
    await page.click('#ftps-server-test-pin');
    const pinned = await page.inputValue('#node-config-input-fingerprint');
    assert.match(pinned, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.strictEqual(new (require('node:crypto').X509Certificate)(demo.ftp.cert).fingerprint256, pinned, 'the demo certificate is pinned');
    await page.evaluate(() => $('#ftps-server-test-result').empty());
    await page.click('#ftps-server-test');
    await page.waitForFunction(() => /Connected and logged in/.test($('#ftps-server-test-result').text()), null, { timeout: 30000 });
    const ok = await page.innerText('#ftps-server-test-result');
    assert.match(ok, /Greeting: 220/, ok);
    assert.match(ok, /TLS: TLSv1\.[23]/, ok);
    assert.match(ok, /Certificate subject: /, ok);
    assert.ok(!ok.includes(demo.ftp.password), 'password not shown');
    await trayShot('ftps-server-test-connection');
    await page.evaluate(() => $('#node-config-input-fingerprint').val('').trigger('change'));

    await page.fill('#node-config-input-name', 'browser test server');
    await typeInto('#node-config-input-host', 'ftp.example.com');
    await typeInto('#node-config-input-port', '2121');
    await page.fill('#node-config-input-user', 'alice-in-browser');
    await page.fill('#node-config-input-password', 'S3cret-from-the-browser');
    await trayShot('ftps-server-dialog');
    // the Security tab: the fleet bound appears with "let msg.ftpsServer choose the server"
    await page.click('#node-config-ftps-server-tabs a[href="#ftps-server-tab-security"]');
    await page.waitForSelector('#node-config-input-allowMsgOverride', { state: 'visible' });
    assert.strictEqual(await page.isVisible('#node-config-input-maxTargets'), false, 'maxTargets hidden while msg.ftpsServer is not allowed');
    await page.check('#node-config-input-allowMsgOverride');
    await page.waitForSelector('#node-config-input-maxTargets', { state: 'visible' });
    assert.strictEqual(await page.inputValue('#node-config-input-maxTargets'), '16');
    assert.deepStrictEqual(await unclippedLabels(), [], 'security tab labels fit');
    await trayShot('ftps-server-dialog-security');
    await page.uncheck('#node-config-input-allowMsgOverride');
    await page.waitForSelector('#node-config-input-maxTargets', { state: 'hidden' });
    await page.click('#node-config-dialog-ok');
    await page.waitForSelector('#node-config-dialog-ok', { state: 'detached' });
    newServerId = await page.evaluate(() => $('#node-input-server').val());
    assert.match(newServerId, /^[0-9a-f]{16}$/);
    await page.click('#node-dialog-ok');
    await page.waitForSelector('#node-dialog-ok', { state: 'detached' });

    // Menu > Export > all flows: what a user would copy or download
    await page.evaluate(() => RED.actions.invoke('core:show-export-dialog'));
    await page.click('#red-ui-clipboard-dialog-export-rng-full');
    await page.locator('#red-ui-tab-red-ui-clipboard-dialog-export-tab-clipboard-json a').first().click();
    await page.waitForSelector('#red-ui-clipboard-dialog-export-text', { state: 'visible' });
    await page.waitForFunction((id) => $('#red-ui-clipboard-dialog-export-text').val().includes(id), newServerId);
    const exported = await page.inputValue('#red-ui-clipboard-dialog-export-text');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#red-ui-clipboard-dialog-export-text', { state: 'hidden' });
    const srv = JSON.parse(exported).find((n) => n.id === newServerId);
    assert.strictEqual(srv.host, 'ftp.example.com');
    assert.strictEqual(srv.credentials, undefined);
    assert.ok(!exported.includes('S3cret-from-the-browser'), 'password not exported');
    assert.ok(!exported.includes('alice-in-browser'), 'user not exported');
    assert.ok(!exported.includes(demo.ftp.password), 'demo password not exported');

    // deploy: the runtime keeps both, the editor only learns has_password
    await page.click('#red-ui-header-button-deploy');
    await page.waitForFunction(() => !RED.nodes.dirty());
    const creds = await page.evaluate((id) => fetch(`credentials/ftps-server/${id}`).then((r) => r.json()), newServerId);
    assert.deepStrictEqual(creds, { user: 'alice-in-browser', has_password: true });
    const onDisk = fs.readFileSync(path.join(demo.userDir, 'flows.json'), 'utf8') + fs.readFileSync(path.join(demo.userDir, 'flows_cred.json'), 'utf8');
    assert.ok(onDisk.includes(newServerId), 'deployed to the flow file');
    assert.ok(!onDisk.includes('S3cret-from-the-browser') && !onDisk.includes('alice-in-browser'), 'credentials encrypted on disk');

    // that full deploy restarted the demo flow from the editor, which never had
    // the demo password: the runtime kept it, and the flow still logs in
    await page.evaluate(() => RED.workspaces.show('ftps-demo-tab'));
    const contents = page.locator('.red-ui-debug-msg', { hasText: 'file content' });
    const before = await contents.count();
    await page.click('#ftps-demo-inject .red-ui-flow-node-button-button');
    await page.waitForFunction((n) => $('.red-ui-debug-msg:contains("file content")').length > n, before);
    assert.strictEqual(await page.locator('.red-ui-debug-msg', { hasText: 'error' }).count(), 0, 'no message from the Catch node');
    assert.deepStrictEqual(errors, []);
  });

  it('every edit dialog opens with its fields translated, the server select, and options shown only when they apply', async () => {
    await addNodes(actionTypes.map((t, i) => ({ id: `dlg-${t}`, type: t, x: 150 + 200 * (i % 3), y: 160 + 60 * Math.floor(i / 3), server: newServerId })));
    for (const t of actionTypes) {
      await page.dblclick(`[id="dlg-${t}"] rect.red-ui-flow-node`);
      await waitForTray('#node-dialog-ok');
      const r = await page.evaluate(({ type, toggles }) => {
        const shown = (s) => $(s).length > 0 && $(s).css('display') !== 'none';
        const rows = $('.red-ui-tray-body .form-row:visible');
        const labels = rows.find('label').map((i, e) => $(e).text().trim()).get().filter(Boolean);
        const out = {
          rows: rows.length,
          untranslated: labels.filter((l) => new RegExp(`^${type}\\.`).test(l)),
          name: $('#node-input-name').is(':visible'),
          server: $('#node-input-server').val(),
          typedInputs: $('.red-ui-tray-body .red-ui-typedInput-container:visible').length,
          clipped: rows.children('label:first-child').filter((i, e) => e.scrollWidth > e.clientWidth + 1).map((i, e) => $(e).text().trim()).get(),
          toggles: [],
        };
        if (toggles) {
          out.toggles.push(toggles.hidden.filter(shown).map((s) => `${s} shown at first`));
          for (const [sel, value, on, off] of toggles.steps) {
            $(sel).val(value).trigger('change');
            out.toggles.push(on.filter((s) => !shown(s)).map((s) => `${s} hidden for ${value}`).concat(off.filter(shown).map((s) => `${s} shown for ${value}`)));
          }
        }
        return out;
      }, { type: t, toggles: TOGGLES[t] });
      await trayShot(`dialog-${t}`);
      await page.click('#node-dialog-cancel');
      await page.waitForSelector('#node-dialog-ok', { state: 'detached' });
      assert.ok(r.rows >= 2, `${t}: ${r.rows} rows`);
      assert.deepStrictEqual(r.untranslated, [], `${t}: labels without translation`);
      assert.strictEqual(r.name, true, `${t}: name field`);
      assert.deepStrictEqual(r.clipped, [], `${t}: labels that do not fit`);
      assert.strictEqual(r.server, newServerId, `${t}: server select`);
      assert.deepStrictEqual(r.toggles.flat(), [], t);
      if (['ftps-list', 'ftps-get', 'ftps-put', 'ftps-xput', 'ftps-mdtm', 'ftps-ops'].includes(t)) assert.ok(r.typedInputs >= 1, `${t}: path is a TypedInput`);
    }
    assert.deepStrictEqual(errors, []);
  });

  it('a new node is valid once a server is chosen (defaults need nothing else)', async () => {
    const result = await page.evaluate((types) => {
      // what the palette does for a dragged node: every default filled in; then only the server is chosen
      const withDefaults = (type, extra) => {
        const def = RED.nodes.getType(type);
        const n = { type };
        for (const d in def.defaults) n[d] = def.defaults[d].value === undefined ? '' : JSON.parse(JSON.stringify(def.defaults[d].value));
        return Object.assign(n, extra);
      };
      const tab = RED.workspaces.active();
      RED.view.importNodes(
        [withDefaults('ftps-server', { id: 'srvnew', host: 'ftp.example.com' })].concat(
          types.map((t, i) => withDefaults(t, { id: `new${i}`, z: tab, x: 900, y: 100 + 40 * i, server: 'srvnew', wires: [[]] })),
        ),
        { generateIds: false },
      );
      const out = {};
      RED.editor.validateNode(RED.nodes.node('srvnew'));
      out.server = RED.nodes.node('srvnew').valid;
      types.forEach((t, i) => {
        const n = RED.nodes.node(`new${i}`);
        RED.editor.validateNode(n);
        out[t] = n.valid ? true : n.validationErrors;
      });
      return out;
    }, actionTypes);
    assert.strictEqual(result.server, true, 'a server with only the host set is valid');
    // with several servers a new node gets none: the user picks one
    assert.deepStrictEqual(await page.evaluate(() => { const n = { type: 'ftps-put', server: '' }; RED.nodes.getType('ftps-put').onadd.call(n); return [n.server, ftpsEditor.servers().length > 1]; }), ['', true]);
    for (const t of actionTypes) assert.strictEqual(result[t], true, `${t} valid with only the server chosen: ${JSON.stringify(result[t])}`);
  });

  it('every example imports without errors', async () => {
    const files = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
    for (const f of files) {
      const flow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'));
      const n = await page.evaluate((fl) => {
        let before = 0;
        RED.nodes.eachNode(() => { before += 1; });
        RED.view.importNodes(fl, { generateIds: true, addFlow: true });
        let after = 0;
        RED.nodes.eachNode(() => { after += 1; });
        return after - before;
      }, flow);
      // config nodes and the tab (a workspace) are not counted by eachNode
      assert.strictEqual(n, flow.filter((x) => x.type !== 'ftps-server' && x.type !== 'tab').length, f);
    }
    assert.deepStrictEqual(errors, []);
  });
});
