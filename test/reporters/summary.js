// Writes the run's totals to .jest-results.json so .ci/run can print "N passed, N failed" from jest's own
// results, whatever other reporters print. A suite that failed to run counts as a failure.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const brokenSuites = results.testResults
      .filter((suite) => suite.testExecError || suite.failureMessage)
      .filter((suite) => suite.numFailingTests === 0).length;
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + brokenSuites,
      pending: results.numPendingTests + results.numTodoTests,
      suites: results.numTotalTestSuites,
      success: results.success,
    };
    writeFileSync(join(this.rootDir, '.jest-results.json'), `${JSON.stringify(summary)}\n`);
  }
}

module.exports = SummaryReporter;
