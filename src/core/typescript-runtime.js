'use strict';
// Runs the TypeScript sources directly (transpile-only); type-checking is `npm run typecheck`.
// Worker threads call register() again, since each thread has its own module loader.
function register() {
  if (process[Symbol.for('smt.ts-node')]) return;
  require('ts-node').register({ transpileOnly: true, project: require('path').join(__dirname, '../../tsconfig.json') });
  require('reflect-metadata');
  process[Symbol.for('smt.ts-node')] = true;
}
module.exports = { register };
