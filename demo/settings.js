'use strict';
// Node-RED settings for `npm start` (demo/start.js embeds Node-RED with
// these): this working tree is loaded as a node module, and the user
// directory is .demo/ inside the repo (git-ignored) unless FTPS_DEMO_DIR
// names another.
const path = require('node:path');

module.exports = {
  uiHost: '127.0.0.1',
  userDir: process.env.FTPS_DEMO_DIR ? path.resolve(process.env.FTPS_DEMO_DIR) : path.join(__dirname, '..', '.demo'),
  nodesDir: [path.join(__dirname, '..')],
  flowFile: 'flows.json',
  httpAdminRoot: '/',
  httpNodeRoot: false,
  credentialSecret: process.env.FTPS_DEMO_SECRET || 'ftps-demo-only',
  logging: { console: { level: process.env.FTPS_DEMO_LOG || 'info', metrics: false, audit: false } },
  // no update-check prompt or calls home from a demo
  telemetry: { enabled: false },
  diagnostics: { enabled: false },
  editorTheme: { tours: false, page: { title: 'node-red-contrib-ftps demo' }, header: { title: 'node-red-contrib-ftps demo' } },
};
