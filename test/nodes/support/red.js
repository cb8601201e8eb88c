'use strict';
// The Node-RED the node tests run against: the devDependency (4.x), or the one
// NODE_RED_PATH names (e.g. a node-red@5 install, run with Node 22).
const path = require('node:path');
const helper = require('node-red-node-test-helper');

const redPath = require.resolve(process.env.NODE_RED_PATH || 'node-red');
helper.init(redPath);

/** A core node module of that Node-RED, e.g. core('network/05-tls.js'). */
function core(rel) {
  return require(require.resolve(`@node-red/nodes/core/${rel}`, { paths: [path.dirname(redPath)] }));
}

module.exports = { helper, redPath, core };
