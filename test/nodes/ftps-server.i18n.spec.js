'use strict';
// The nodes' statuses and errors come from the message catalogs: in a real
// Node-RED set to German the error is the de catalog's text; under the test
// helper (no catalogs loaded) the en-US catalog's.
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { helper } = require('./support/red');
const { NODES } = require('./support/flow');

const LOCALES = path.join(__dirname, '..', '..', 'nodes', 'locales');
const text = (lang, file, ...keys) => keys.reduce((o, k) => o[k], JSON.parse(fs.readFileSync(path.join(LOCALES, lang, `${file}.json`), 'utf8')));
const fill = (s, subs) => s.replace(/__(\w+?)__/g, (m, n) => (n in subs ? String(subs[n]) : m));

describe('ftps nodes: runtime texts from the message catalogs', () => {
  afterEach(async () => {
    await helper.unload();
  });

  it('test helper: a node without a server shows the en-US status and Catch gets the en-US error', async () => {
    const flow = [
      { id: 'f1', type: 'tab', label: 'i18n' },
      { id: 'o1', z: 'f1', type: 'ftps-ops', server: '', wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'c1', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ];
    const hint = text('en-US', 'ftps-server', 'ftps-server', 'hint', 'input');
    const noServer = text('en-US', 'ftps-server', 'ftps-server', 'status', 'noServer');
    await helper.load(NODES, flow);
    const o1 = helper.getNode('o1');
    // "no server" is shown while the node is built; the failed message's hint follows (throttled)
    const hintShown = new Promise((resolve) => o1.on('call:status', (c) => c.args[0].text === hint && resolve()));
    const caught = new Promise((resolve) => helper.getNode('caught').once('input', resolve));
    o1.receive({ filename: '/a.txt' });
    const m = await caught;
    assert.strictEqual(m.error.message, text('en-US', 'ftps-server', 'ftps-server', 'errors', 'noServer'));
    await hintShown;
    // every status call of this node, also those made before the listener above (the helper spies on Node.status)
    const texts = o1.status.getCalls().filter((c) => c.thisValue === o1).map((c) => c.args[0].text);
    assert.strictEqual(texts[0], noServer);
  });

  it('a real Node-RED in German: the error of a bad server setting is the de catalog text', function () {
    this.timeout(60000);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ftps-i18n-out-')), 'out.json');
    try {
      execFileSync(process.execPath, [path.join(__dirname, 'support', 'runtime-messages.js'), file, 'de'], { encoding: 'utf8', timeout: 50000 });
      const { text: logged } = JSON.parse(fs.readFileSync(file, 'utf8'));
      const problem = fill(text('de', 'ftps-server', 'ftps-server', 'errors', 'unknownValue'), { field: 'encryption', value: '"rot13"', allowed: 'explicit, implicit, clear' });
      assert.strictEqual(logged, fill(text('de', 'ftps-server', 'ftps-server', 'errors', 'badSettings'), { problem }));
      assert.notStrictEqual(text('de', 'ftps-server', 'ftps-server', 'errors', 'badSettings'), text('en-US', 'ftps-server', 'ftps-server', 'errors', 'badSettings'));
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
