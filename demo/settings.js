'use strict';
// Node-RED settings for `npm start`: this working tree is loaded as a node
// module, and the user directory is .demo/ inside the repo (git-ignored).
const path = require('node:path');

module.exports = {
  uiPort: Number(process.env.PORT) || 1880,
  uiHost: '127.0.0.1',
  nodesDir: [path.join(__dirname, '..')],
  flowFile: 'flows.json',
  credentialSecret: process.env.FTPS_DEMO_SECRET || 'ftps-demo-only',
  logging: { console: { level: 'info', metrics: false, audit: false } },
  editorTheme: { tours: false },
};
