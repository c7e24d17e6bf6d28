'use strict';
// Type-checking is a separate step (tsc --noEmit); tests only transpile.
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
// mocha adds the config's spec to files named on the command line: name none when some are given,
// so `npx mocha test/unit/core/cpt.test.ts` runs that file alone.
const filesNamed = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));
module.exports = {
  require: ['ts-node/register', 'reflect-metadata'],
  ...(filesNamed ? {} : { spec: ['test/**/*.test.ts'] }),
  extension: ['ts'],
  timeout: 60000,
  reporter: './test/support/summary-reporter.js',
};
