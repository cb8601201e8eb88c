'use strict';
// CPU time, not wall-clock time, for the parsers' "no line is pathologically
// slow" checks: a busy machine can stop the test process for any time between
// two clock readings, but it cannot make a parser use more CPU. (The process's
// CPU time: V8's helper threads count too, which only makes it stricter.)

/** Run fn(); returns [its result, the CPU milliseconds the process used meanwhile]. */
function withCpuMs(fn) {
  const before = process.cpuUsage();
  const out = fn();
  const d = process.cpuUsage(before);
  return [out, (d.user + d.system) / 1000];
}

module.exports = { withCpuMs };
