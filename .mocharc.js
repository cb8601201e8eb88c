'use strict';
module.exports = {
  spec: ['test/**/*.spec.js'],
  reporter: require.resolve('./test/support/reporter.js'),
  timeout: 60000,
  slow: 5000,
};
