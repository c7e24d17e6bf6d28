import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parseBenchArgs } from '../../scripts/lib/bench-options';

const ROOT = path.join(__dirname, '..', '..');
/** Every benchmark and the soak: script, npm script. */
const SCRIPTS: [string, string][] = [
  ['bench-ingest', 'bench:ingest'],
  ['bench-ftps-flood', 'bench:ftps-flood'], ['bench-ftps', 'bench:ftps'], ['bench-han-messages', 'bench:han-messages'], ['bench-han', 'bench:han'],
  ['bench-portal', 'bench:portal'], ['bench-report-file', 'bench:report-file'], ['bench-report', 'bench:report'],
  ['bench-soap-hostile', 'bench:soap-hostile'], ['bench-soap', 'bench:soap'], ['soak', 'soak'],
];

/** The options a script declares in its benchArgs call, with their defaults, read from its source. */
function declared(script: string): { name: string; default?: string }[] {
  const source = fs.readFileSync(path.join(ROOT, 'scripts', `${script}.ts`), 'utf8');
  const call = source.slice(source.indexOf('benchArgs('), source.indexOf('});', source.indexOf('benchArgs(')));
  return [...call.matchAll(/'?([a-z][a-z-]*)'?: \{ type: '(string|boolean)'(?:, default: '([^']*)')?/g)].map((m) => ({ name: m[1]!, ...(m[3] === undefined ? {} : { default: m[3] }) }));
}

const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'scripts', `${script}.ts`), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

describe('benchmark command lines', function () {
  this.timeout(120_000);

  it('parseBenchArgs: --help asks for the usage; an unknown option, a missing value or a stray argument is an error naming it, then the usage', () => {
    const options = { runs: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false } } as const;
    expect(parseBenchArgs('bench:x', 'USAGE', options, ['--runs', '5', '--keep'])).to.deep.equal({ kind: 'values', values: { runs: '5', keep: true } });
    expect(parseBenchArgs('bench:x', 'USAGE', options, [])).to.deep.equal({ kind: 'values', values: { runs: '3', keep: false } });
    expect(parseBenchArgs('bench:x', 'USAGE', options, ['--runs', '2', '-h'])).to.deep.equal({ kind: 'help', text: 'USAGE' });
    expect(parseBenchArgs('bench:x', 'USAGE', options, ['--run', '5'])).to.deep.equal({ kind: 'error', text: 'bench:x: unknown option --run\nUSAGE' });
    const missing = parseBenchArgs('bench:x', 'USAGE', options, ['--runs']);
    expect(missing.kind).to.equal('error');
    expect((missing as { text: string }).text).to.match(/^bench:x: .*--runs.*\nUSAGE$/s);
    const stray = parseBenchArgs('bench:x', 'USAGE', options, ['5']);
    expect((stray as { text: string }).text).to.match(/^bench:x: .*'5'.*\nUSAGE$/s);
  });

  for (const [script, npmScript] of SCRIPTS) {
    it(`${script} --help lists every option it takes with its default; an unknown option is refused by name`, () => {
      const help = run(script, '--help');
      expect(help.status, help.stderr).to.equal(0);
      expect(help.stdout.startsWith(`Usage: npm run ${npmScript} -- [options]\n`)).to.equal(true);
      const options = declared(script);
      expect(options.length, 'options found in the script').to.be.greaterThan(0);
      for (const option of options) {
        const line = help.stdout.split('\n').find((l) => /^--[a-z-]+(?=[ =,]|$)/.exec(l.trimStart())?.[0] === `--${option.name}`);
        expect(line, `--${option.name} in the usage of ${script}`).to.not.equal(undefined);
        if (option.default !== undefined && option.default !== '') {
          expect(help.stdout, `the default of --${option.name}`).to.contain(`default ${option.default}`);
        }
      }
      const unknown = run(script, '--no-such-option');
      expect(unknown.status).to.equal(2);
      expect(unknown.stderr.startsWith(`${npmScript}: unknown option --no-such-option\nUsage: npm run ${npmScript} -- [options]`)).to.equal(true);
      expect(unknown.stdout).to.equal('');
    });
  }
});
