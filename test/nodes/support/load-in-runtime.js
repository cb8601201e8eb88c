'use strict';
// Starts an embedded Node-RED with this working tree as a module (settings.nodesDir),
// and writes what its loader made of the package as JSON to the file named by argv[2]:
// node sets (types, errors), editor HTML, help, message catalogs, icons.
// Run by test/nodes/package.spec.js in a child process (also with Node 22 / Node-RED 5).
const fs = require('node:fs');
const { run } = require('./embedded-red');

run({}, null, async (RED) => {
  const api = RED.runtime.nodes;
  const list = await api.getNodeList({});
  const ours = list.filter((s) => s.module === 'node-red-contrib-ftps');
  const configs = await api.getNodeConfigs({ lang: 'en-US' });
  const pick = (all) => Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('node-red-contrib-ftps/')));
  const catalogEn = pick(await api.getModuleCatalogs({ lang: 'en-US' }));
  const catalogDe = pick(await api.getModuleCatalogs({ lang: 'de' }));
  const icons = await api.getIconList({});
  const result = JSON.stringify({
      version: RED.version(),
      sets: ours.map((s) => ({ id: s.id, types: s.types, err: s.err || null, enabled: s.enabled, loaded: s.loaded })),
      configs,
      catalogEn,
      catalogDe,
      icons: icons['node-red-contrib-ftps'] || null,
  });
  // a file, not stdout: process.exit() would cut a large pipe write short
  if (process.argv[2]) fs.writeFileSync(process.argv[2], result);
  else process.stdout.write(result);
});
