'use strict';
// Starts an embedded Node-RED in the language argv[3] (settings.lang) with a flow whose
// ftps-server holds an unknown encryption value and an inject (once) into an ftps-list
// node, and writes the error Node-RED logs for that node as JSON to the file argv[2].
// Run by test/nodes/ftps-server.i18n.spec.js in a child process: the node test helper
// loads no message catalogs, a real runtime does.
const fs = require('node:fs');
const { run } = require('./embedded-red');

const [out, lang] = process.argv.slice(2);
let logged;
const errorLogged = new Promise((resolve) => {
  logged = resolve;
});
const flows = [
  { id: 'f1', type: 'tab', label: 'i18n' },
  { id: 's1', type: 'ftps-server', host: '127.0.0.1', port: '1', encryption: 'rot13', retries: 0 },
  { id: 'i1', z: 'f1', type: 'inject', once: true, onceDelay: 0.1, props: [{ p: 'payload' }], payload: '', payloadType: 'date', wires: [['l1']] },
  { id: 'l1', z: 'f1', type: 'ftps-list', server: 's1', wires: [[]] },
];
const settings = {
  lang,
  credentialSecret: false,
  logging: {
    console: { level: 'off' },
    capture: { level: 'error', handler: () => (m) => m.type === 'ftps-list' && logged(m.msg) },
  },
};

run(settings, flows, async () => {
  let timer;
  const text = await Promise.race([errorLogged, new Promise((resolve) => (timer = setTimeout(() => resolve(null), 30000)))]);
  clearTimeout(timer);
  fs.writeFileSync(out, JSON.stringify({ text: text === null ? null : String(text) }));
});
