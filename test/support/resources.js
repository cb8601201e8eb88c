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

/**
 * What grew since `before` (a resources() count), as "Type: n before, m after"
 * lines, once all is back down or `ms` have passed. A destroyed socket counts
 * until its close callback (a few loop turns), a closed file until the thread
 * pool has run the close (on a busy machine that can take a while): so this
 * waits for the counts to come back down, and only what is still open after
 * `ms` is reported. Timers get only the first 20 turns. TTYWrap and PipeWrap
 * (stdout/stderr) never count.
 */
async function grownSince(before, ms = 5000) {
  const grown = () => {
    const after = resources();
    return [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((k) => k !== 'TTYWrap' && k !== 'PipeWrap' && (after[k] || 0) > (before[k] || 0))
      .map((k) => `${k}: ${before[k] || 0} before, ${after[k] || 0} after`);
  };
  // 20 loop turns for anything (socket closes, and the timers they clear); after that a timer
  // left running is not waited for (it may well fire within `ms`, and is a leak all the same)
  const waiting = (turn) => (turn < 20 ? grown().length > 0 : grown().some((l) => !l.startsWith('Timeout:')));
  const t0 = Date.now();
  for (let turn = 0; waiting(turn) && Date.now() - t0 < ms; turn += 1) {
    // short waits after the immediate turns, not a busy loop (the wait's own timer
    // has fired, and so is gone, when the count is taken)
    await new Promise((r) => (turn < 20 ? setImmediate(r) : setTimeout(r, 10)));
  }
  return grown();
}

module.exports = { resources, grownSince };
