'use strict';
module.exports = {
  spec: ['test/unit/**/*.test.js', 'test/integration/**/*.test.js', 'test/nodes/**/*.test.js', 'test/**/*.spec.js'],
  reporter: require.resolve('./test/support/reporter.js'),
  timeout: 60000,
  slow: 5000,
};
