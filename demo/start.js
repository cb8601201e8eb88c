'use strict';
// `npm start`: Node-RED with this package loaded from the working tree.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const userDir = path.join(root, '.demo');
fs.mkdirSync(userDir, { recursive: true });
const red = require.resolve('node-red/red.js');
const child = spawn(process.execPath, [red, '--userDir', userDir, '--settings', path.join(__dirname, 'settings.js')], { stdio: 'inherit' });
console.log(`Node-RED editor: http://127.0.0.1:${Number(process.env.PORT) || 1880}/  (Ctrl-C stops it)`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
