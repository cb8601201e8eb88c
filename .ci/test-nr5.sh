#!/usr/bin/env bash
# The node tests again on Node-RED 5 with Node.js 22 (both from the npm
# registry): node-red@5 goes into .nr5/ (git-ignored), Node 22 comes from
# the registry package node@22, and NODE_RED_PATH points the tests at it.
# The unit tests of the direct data paths run here too: sockets.held-handshake checks
# that this Node.js still lets a TLS handshake be held back (src/lib/sockets.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .nr5/node_modules/node-red/package.json ]; then
  npm install --no-save --no-audit --no-fund --no-package-lock --prefix .nr5 node-red@5
fi
echo "Node-RED $(node -p "require('./.nr5/node_modules/node-red/package.json').version") on Node.js $(npx -y -p node@22 node -v)"
NODE_RED_PATH="$PWD/.nr5/node_modules/node-red" npx -y -p node@22 node node_modules/mocha/bin/mocha.js \
  --no-config --timeout 60000 --reporter ./test/support/reporter.js 'test/nodes/**/*.spec.js' test/unit/file-batches.spec.js test/unit/file-source.spec.js test/unit/sockets.held-handshake.spec.js
