'use strict';
// Runs the TypeScript sources directly (transpile-only); type-checking is `npm run typecheck`.
// Worker threads call register() again, since each thread has its own module loader.
// `node -r ./src/core/typescript-runtime.js script.ts` registers it for a script.
function register() {
  if (require.extensions['.ts']) return;
  require('ts-node').register({ transpileOnly: true, project: require('path').join(__dirname, '../../tsconfig.json') });
  require('reflect-metadata');
}
register();
module.exports = { register };
