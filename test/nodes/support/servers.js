'use strict';
// The real servers of the harness for a node's specs: eachServer() runs a
// body once per server kind and mode, each in its own describe with the
// server started before and stopped after (support/flow.js's useServer).
const h = require('../../harness');
const { helper } = require('./red');
const { useServer } = require('./flow');

/**
 * describe(`${name} against ${kind} (${mode})`) for every server kind and
 * each of `modes` it has; body(fx, { kind, mode, caps }) defines the tests.
 */
function eachServer(name, body, { modes = ['explicit'] } = {}) {
  for (const kind of h.KINDS) {
    for (const mode of h.modes(kind)) {
      if (!modes.includes(mode)) continue;
      describe(`${name} against ${kind} (${mode})`, function () {
        this.timeout(60000);
        const fx = useServer(kind, mode);
        body(fx, { kind, mode, caps: h.caps(kind) });
      });
    }
  }
}

/** All log lines the helper's runtime saw, as text. */
function logText() {
  return helper
    .log()
    .args.map((a) => a.map((x) => (x && x.msg !== undefined ? String(x.msg) : String(x))).join(' '))
    .join('\n');
}

module.exports = { eachServer, logText };
