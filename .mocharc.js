'use strict';
// Type-checking is a separate step (tsc --noEmit); tests only transpile.
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
module.exports = {
  require: ['ts-node/register', 'reflect-metadata'],
  spec: ['test/**/*.test.ts'],
  extension: ['ts'],
  timeout: 60000,
  reporter: './test/support/summary-reporter.js',
};
