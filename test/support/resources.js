'use strict';
// Counting what Node keeps open (sockets, TLS streams, timers, file
// handles), to show a test left nothing behind.

// process.stdout/stderr become handles on first use when piped: make them
// exist before any count, so they never show up as a difference
void process.stdout;
void process.stderr;

/** Active handles and requests, counted by type. */
function resources() {
  const counts = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] || 0) + 1;
  return counts;
}

module.exports = { resources };
