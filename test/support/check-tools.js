'use strict';
// `npm test` runs this first: the tests drive real tools (the same ones .ci/run installs), and a
// missing one is named here, up front, with the command that installs it, rather than as failures
// scattered through the run. SMT_TEST_SKIP_TOOL_CHECK=1 runs the tests anyway.
const { spawnSync } = require('node:child_process');

const TOOLS = [
  { command: 'xmllint', apt: 'libxml2-utils', why: 'validates SOAP messages and faults against the XSDs in wsdl/' },
  { command: 'gpg', apt: 'gnupg', why: 'decrypts delivered report files as a REP would' },
  { command: 'unzip', apt: 'unzip', why: 'reads delivered zip files as a REP would' },
  { command: 'xmlsec1', apt: 'xmlsec1', why: 'an independent WS-Security peer' },
  { command: 'curl', apt: 'curl', why: 'an independent FTPS client' },
  { command: 'python3', apt: 'python3 python3-zeep python3-xmlsec', why: 'zeep, a stock SOAP client built from the served WSDL', check: ['/usr/bin/python3', ['-c', 'import zeep, xmlsec']] },
  { command: 'chromium', apt: 'chromium', why: 'the browser the portal tests drive' },
];

const present = (tool) => {
  const [cmd, args] = tool.check ?? ['sh', ['-c', `command -v ${tool.command}`]];
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
};

const missing = TOOLS.filter((tool) => !present(tool));
if (!process.env.SMT_TEST_POSTGRES_URL) {
  process.stderr.write('npm test: SMT_TEST_POSTGRES_URL is not set, so the PostgreSQL tests are skipped (README, "Tests").\n');
}
if (missing.length > 0) {
  const lines = [
    'npm test: the tests need tools this machine does not have:',
    ...missing.map((t) => `  ${t.command.padEnd(9)} ${t.why}`),
    `Install them (Debian/Ubuntu, as .ci/run does): sudo apt-get install ${[...new Set(missing.flatMap((t) => t.apt.split(' ')))].join(' ')}`,
    'Or run the tests anyway (the ones needing these tools fail): SMT_TEST_SKIP_TOOL_CHECK=1 npm test',
    '',
  ];
  process.stderr.write(lines.join('\n'));
  if (process.env.SMT_TEST_SKIP_TOOL_CHECK !== '1') process.exit(1);
}
