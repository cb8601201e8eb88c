'use strict';
// The spec reporter plus one closing line in the plain form CI reads:
// "tests: N passed, N failed, N skipped".
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || { passes: 0, failures: 0, pending: 0 };
      // after the spec reporter's own epilogue
      process.nextTick(() => {
        console.log(`tests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
      });
    });
  }
}
module.exports = SummaryReporter;
