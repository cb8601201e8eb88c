'use strict';
// Compiles src/ into nodes/ and copies icons/ to nodes/icons/, the only place
// Node-RED looks for a package's icons.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });

const from = path.join(root, 'icons');
const to = path.join(root, 'nodes', 'icons');
fs.mkdirSync(to, { recursive: true });
for (const name of fs.existsSync(from) ? fs.readdirSync(from) : []) {
  fs.copyFileSync(path.join(from, name), path.join(to, name));
}
